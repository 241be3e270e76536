import type { RunView, StageView } from '../../service/app/views/index.ts';
import { ATTRIBUTE_NAMES, MARKETPLACE_NAMES, MARKETPLACES, type DraftTexts, type Marketplace, type ScoredDraft } from '../../service/domain/draft-outputs.ts';
import { STAGE_ICONS } from '../shared/stage-icons.ts';

/**
 * A draft run (RunView kind 'draft') → lines for a terminal, or the `--json` document of
 * `listinglab draft`. Pure: the CLI decides where they go (progress on standard error, the
 * result on standard output).
 */

const ICON = STAGE_ICONS.terminal;

export function draftStageLine(s: StageView): string {
  const head = `${ICON[s.status]} ${s.title}`;
  if (s.status === 'failed') return `${head} — failed: ${s.error?.message ?? s.error?.code ?? 'unknown error'}${s.credits ? ` (${s.credits} credits refunded)` : ''}`;
  if (s.status !== 'succeeded') return `${head} — ${s.status}`;
  const by = s.madeWithoutModel ? 'rules engine, no model' : `${s.provider ?? '?'} ${s.model ?? ''}`.trim();
  return `${head}${s.summary ? ` — ${s.summary}` : ''} [${by}]`;
}

/** The fields of a draft as labelled text blocks, in the order a seller pastes them. */
export function draftFields<M extends Marketplace>(m: M, fields: DraftTexts[M]): { label: string; text: string }[] {
  switch (m) {
    case 'amazon': {
      const f = fields as DraftTexts['amazon'];
      return [{ label: 'Title', text: f.title }, { label: 'Bullet points', text: f.bullets.join('\n') }, { label: 'Description', text: f.description }, { label: 'Search terms', text: f.searchTerms }];
    }
    case 'ebay': {
      const f = fields as DraftTexts['ebay'];
      return [
        { label: 'Title', text: f.title },
        { label: 'Item specifics', text: f.itemSpecifics.map((s) => `${s.name}: ${s.value}`).join('\n') },
        { label: 'Condition', text: f.condition ?? '(set when listing)' },
        { label: 'Description', text: f.description },
      ];
    }
    case 'etsy': {
      const f = fields as DraftTexts['etsy'];
      return [{ label: 'Title', text: f.title }, { label: 'Tags', text: f.tags.join(', ') }, { label: 'Materials', text: f.materials.join(', ') }, { label: 'Description', text: f.description }];
    }
    case 'shopify': {
      const f = fields as DraftTexts['shopify'];
      return [{ label: 'Title', text: f.title }, { label: 'Description', text: f.description }, { label: 'SEO title', text: f.seoTitle }, { label: 'Meta description', text: f.metaDescription }];
    }
    default:
      return [];
  }
}

function draftLines(m: Marketplace, d: ScoredDraft): string[] {
  const out = ['', `${MARKETPLACE_NAMES[m]} — ${d.score}/100 · ${d.valid ? `passes ${MARKETPLACE_NAMES[m]}'s rules` : `breaks ${MARKETPLACE_NAMES[m]}'s rules`}`];
  for (const f of draftFields(m, d.fields)) {
    out.push(`  ${f.label}:`);
    for (const line of (f.text || '(empty)').split('\n')) out.push(`    ${line}`);
  }
  for (const p of d.problems) out.push(`  ${p.severity === 'error' ? '✗' : '!'} ${p.message}`);
  if (d.improve.length) out.push(`  To raise the score: ${d.improve.slice(0, 5).map((i) => `${i.action} (+${i.gain})`).join('; ')}`);
  return out;
}

export function draftReport(v: RunView): string[] {
  const d = v.draft;
  const out = ['', `ListingLab — listing drafts from ${d?.photoCount ?? 0} photo${d?.photoCount === 1 ? '' : 's'} (run ${v.shortId})`, ''];
  for (const s of v.stages) out.push(`  ${draftStageLine(s)}`);
  if (!d || v.status === 'failed') {
    out.push('', `No drafts: the run ${v.status}${v.errorMessage ? ` — ${v.errorMessage}` : ''}.`);
    if (v.refunded) out.push(`${v.refunded} credits were refunded.`);
    return out;
  }
  if (d.photos) {
    out.push('', 'Main image:', ...d.photos.main.reasons.map((r) => `  ${r}`));
    if (d.photos.feedback.length) out.push('Reshoot:', ...d.photos.feedback.map((f) => `  • ${f.message}${f.fix ? ` → ${f.fix}` : ''}`));
  }
  if (d.attributes) {
    out.push('', 'Attributes:');
    for (const k of ATTRIBUTE_NAMES) {
      const a = d.attributes[k];
      out.push(`  ${k}: ${a.value ?? '—'}${a.value ? ` (${Math.round(a.confidence * 100)}%)` : ''} · ${a.evidence}`);
    }
    if (d.attributes.printedText.length) out.push(`  printed: ${d.attributes.printedText.join(' · ')}`);
  }
  if (d.drafts) for (const m of MARKETPLACES) out.push(...draftLines(m, d.drafts[m]));
  if (d.madeWithoutModel) out.push('', 'Made without a model: the offline rules engine used only what it could read and measure; fill in the [placeholders], or add a model key for a vision model.');
  if (d.ruleSet) out.push('', `rules ${d.ruleSet}`);
  return out;
}

/** The `--json` document: `{ job, status, photos: { main, feedback, … }, attributes, drafts: { amazon, ebay, etsy, shopify } }`. */
export function draftJson(v: RunView): unknown {
  const d = v.draft;
  const status = v.status === 'succeeded' || v.status === 'partial' || v.status === 'failed' ? v.status : 'failed';
  const drafts = d?.drafts
    ? Object.fromEntries(MARKETPLACES.map((m) => {
      const x = d.drafts![m];
      return [m, { ...x.fields, valid: x.valid, problems: x.problems, score: x.score, improve: x.improve, claims: x.claims }];
    }))
    : null;
  return {
    job: v.id,
    status,
    photos: d?.photos
      ? { count: d.photoCount, main: d.photos.main, feedback: d.photos.feedback, refused: d.photos.refused, measured: d.photos.photos.map(({ sha256: _sha, text: _text, ...p }) => p) }
      : null,
    attributes: d?.attributes ?? null,
    drafts,
    madeWithoutModel: d?.madeWithoutModel ?? null,
    ruleSet: d?.ruleSet ?? null,
    stages: Object.fromEntries(v.stages.map((s) => [s.name, { status: s.status, provider: s.provider, model: s.model, madeWithoutModel: s.madeWithoutModel, ...(s.error ? { error: s.error } : {}) }])),
    error: v.status === 'failed' ? { code: v.errorCode, message: v.errorMessage } : null,
  };
}
