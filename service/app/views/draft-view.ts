import type { Run, StageRow } from '../../db/repos/runs.ts';
import { DRAFT_STAGES } from '../../domain/draft-flow.ts';
import { andList } from '../../stages/draft-placeholders.ts';
import {
  type AttributeName,
  DraftAttributesSchema,
  DraftPhotosSchema,
  DraftScoredSchema,
  MARKETPLACE_NAMES,
  MARKETPLACES,
  type Marketplace,
  type ScoredDraft,
} from '../../domain/draft-outputs.ts';
import { stageUsage } from './model-cost.ts';
import { runHeader } from './run-header.ts';
import type { DraftView, RunView, StageView } from './run-view-model.ts';

/**
 * The read model of a draft run: a RunView (kind 'draft') whose `draft` holds the photos'
 * assessment, the attributes and the scored drafts, as stored. Every front end renders this and
 * nothing else; `draftThreadCards` is what goes in the run's thread — the photo feedback, the
 * attributes, then one card per marketplace (copy-ready only once nothing is left to fill in).
 */

export const DRAFT_STAGE_TITLES: Record<string, string> = {
  draft_acquire: 'Photos',
  draft_analyze: 'Attributes',
  draft_write: 'Drafts',
  draft_score: 'Marketplace rules',
};

/** Each attribute as a seller names it. */
export const ATTRIBUTE_LABELS: Record<AttributeName, string> = {
  productType: 'Product type', brand: 'Brand', material: 'Material', colour: 'Colour', size: 'Size/volume', condition: 'Condition',
};

/** A draft's standing in words: "passes eBay's rules", "breaks eBay's rules", or what is left to fill in. */
export function draftVerdictWords(m: Marketplace, d: Pick<ScoredDraft, 'valid' | 'fillIn'>): string {
  if (d.fillIn.length) return `not finished: fill in ${andList(d.fillIn)}`;
  return `${d.valid ? 'passes' : 'breaks'} ${MARKETPLACE_NAMES[m]}'s rules`;
}

/** Thread card keys (chat_messages.key) beside the stage names. */
export const draftCardKey = (m: Marketplace) => `draft_${m}`;

const parsed = <T>(schema: { safeParse(x: unknown): { success: true; data: T } | { success: false } }, row: StageRow | undefined): T | null => {
  if (row?.status !== 'succeeded') return null;
  const r = schema.safeParse(row.output);
  return r.success ? r.data : null;
};

function summaryOf(name: string, v: Pick<DraftView, 'photos' | 'attributes' | 'drafts'>): string | null {
  switch (name) {
    case 'draft_acquire':
      return v.photos ? `${v.photos.photos.length} photo${v.photos.photos.length === 1 ? '' : 's'} measured; main image: photo ${v.photos.main.index + 1}` : null;
    case 'draft_analyze': {
      const a = v.attributes;
      if (!a) return null;
      const known = [a.brand.value, a.productType.value, a.colour.value, a.size.value].filter(Boolean);
      return known.length ? known.join(', ') : 'little could be read from the photos';
    }
    case 'draft_write':
      return v.attributes ? 'one draft per marketplace' : null;
    case 'draft_score':
      return v.drafts ? MARKETPLACES.map((m) => `${MARKETPLACE_NAMES[m]} ${v.drafts![m].score}${v.drafts![m].fillIn.length ? ' (to fill in)' : v.drafts![m].valid ? '' : ' (breaks its rules)'}`).join(' · ') : null;
    default:
      return null;
  }
}

export function draftRunView(run: Run, rows: readonly StageRow[], position: number | null): RunView {
  const byName = new Map(rows.map((r) => [r.stage, r]));
  const photos = parsed(DraftPhotosSchema, byName.get('draft_acquire'));
  const attributes = parsed(DraftAttributesSchema, byName.get('draft_analyze'));
  const scored = parsed(DraftScoredSchema, byName.get('draft_score'));
  const content = { photos, attributes, drafts: scored?.drafts ?? null };
  const stages = DRAFT_STAGES.flatMap((name): StageView[] => {
    const r = byName.get(name);
    if (!r) return [];
    const ok = r.status === 'succeeded' && r.output != null;
    return [{
      name,
      title: DRAFT_STAGE_TITLES[name] ?? name,
      status: r.status,
      provider: r.provider,
      model: r.model,
      madeWithoutModel: r.provider === 'rules',
      winner: null,
      score: null,
      summary: ok ? summaryOf(name, content) : null,
      error: r.errorCode ? { code: r.errorCode, message: r.errorMessage ?? '' } : null,
      credits: r.credits,
      latencyMs: r.latencyMs,
      output: ok ? r.output : null,
      orders: null,
      usage: stageUsage(r),
    }];
  });
  const photoCount = ((run.inputs as { photos?: unknown[] }).photos ?? []).length;
  const label = `${photoCount} photo${photoCount === 1 ? '' : 's'}`;
  const side = { label, asin: null, title: null, url: null };
  const made = ['draft_analyze', 'draft_write'].map((n) => byName.get(n)).filter((r) => r?.status === 'succeeded');
  return {
    ...runHeader(run, rows, position),
    // A draft has no pair; the sides name the photos so code written for comparisons reads sensibly.
    pair: { A: side, B: side },
    mine: null,
    mineSource: null,
    stages,
    verdict: null,
    avatars: null,
    draft: {
      photoCount,
      ...content,
      ruleSet: scored?.ruleSet ?? null,
      madeWithoutModel: made.some((r) => r?.provider === 'rules'),
    },
  };
}

/**
 * The cards of a draft run's thread, in order, each posted once (its `name` is the message key):
 * the photo feedback once photos are measured, the attributes once analysed, then one card per
 * marketplace once the drafts are scored; a failed stage gets a card saying why.
 */
export function draftThreadCards(v: RunView): StageView[] {
  const cards: StageView[] = [];
  const write = v.stages.find((s) => s.name === 'draft_write');
  for (const s of v.stages) {
    if (s.status === 'failed') cards.push(s);
    if (s.status !== 'succeeded') continue;
    if (s.name === 'draft_acquire' && v.draft?.photos) cards.push({ ...s, name: 'draft_photos', title: 'Photo feedback', output: v.draft.photos });
    if (s.name === 'draft_analyze' && v.draft?.attributes) cards.push({ ...s, name: 'draft_attributes', title: 'Product attributes', output: v.draft.attributes });
    if (s.name === 'draft_score' && v.draft?.drafts) {
      for (const m of MARKETPLACES) {
        const d = v.draft.drafts[m];
        cards.push({
          ...s,
          name: draftCardKey(m),
          title: `${MARKETPLACE_NAMES[m]} draft`,
          provider: write?.provider ?? s.provider,
          model: write?.model ?? s.model,
          madeWithoutModel: write?.madeWithoutModel ?? s.madeWithoutModel,
          summary: `${d.score}/100 · ${draftVerdictWords(m, d)}`,
          output: d,
        });
      }
    }
  }
  return cards;
}

/** The marketplace a card is for, or undefined for the other cards. */
export function cardMarketplace(card: Pick<StageView, 'name'>): Marketplace | undefined {
  return MARKETPLACES.find((m) => card.name === draftCardKey(m));
}
