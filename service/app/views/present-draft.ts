import { ATTRIBUTE_NAMES, MARKETPLACE_NAMES, MARKETPLACES, type DraftAttributes, type DraftPhotos, type DraftTexts, type Marketplace, type ScoredDraft } from '../../domain/draft-outputs.ts';
import { andList } from '../../stages/draft-placeholders.ts';
import { ATTRIBUTE_LABELS, cardMarketplace, draftVerdictWords } from './draft-view.ts';
import { costFooter, errorWords, jobRef, percent, progressWords, queuedSection, stageLine, isFinished, type PresentOptions } from './present-run.ts';
import { failedSection, madeBy } from './present-stage.ts';
import { bold, clip, code, italic, t, type Field, type Line, type Presentation, type Section } from './presentation.ts';
import type { RunView, StageView } from './run-view-model.ts';

/**
 * A draft run (RunView kind 'draft') as Presentations: the root (the checklist, each
 * marketplace's score, the chosen main photo and how many photos to reshoot) and the cards of its
 * thread (draft-view.ts `draftThreadCards`) — photo feedback, attributes, and one card per
 * marketplace whose fields are `Section.code`, so each copies exactly as written.
 */

const photos = (v: RunView) => `${v.draft?.photoCount ?? 0} photo${v.draft?.photoCount === 1 ? '' : 's'}`;
const rulesWords = (m: Marketplace, d: ScoredDraft) => draftVerdictWords(m, d);
/** What the seller must fill in across the four drafts, each once. */
const fillInAll = (drafts: NonNullable<NonNullable<RunView['draft']>['drafts']>) => [...new Set(MARKETPLACES.flatMap((m) => drafts[m].fillIn))];
const shortList = (items: readonly string[], n = 3) => (items.length > n ? `${items.slice(0, n).join(', ')}, …` : andList(items));
const more = (v: RunView): Line => [t('More in '), code(`/listing status ${v.shortId}`), t('.')];

/** The fields of a draft as labelled texts, in the order a seller pastes them. */
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

function headline(v: RunView): Line {
  const drafts = v.draft?.drafts;
  const job = [t(' ('), ...jobRef(v), t(')')];
  if (drafts) {
    const fill = fillInAll(drafts);
    const scores = MARKETPLACES.map((m) => `${MARKETPLACE_NAMES[m]} ${drafts[m].score}`).join(', ');
    return [t(fill.length ? `Listing drafts written, not finished — fill in ${shortList(fill)} — ${scores}` : `Listing drafts ready — ${scores}`), ...job];
  }
  if (v.status === 'failed') return [t(`Listing drafts from ${photos(v)} failed: ${v.errorMessage ?? v.errorCode ?? 'unknown error'}.${v.refunded ? ` ${v.refunded} credits refunded.` : ''}`), ...job];
  return [t(`Writing listing drafts from ${photos(v)} — ${progressWords(v)}`), ...job];
}

function resultSections(v: RunView): Section[] {
  const d = v.draft;
  const out: Section[] = [];
  if (d?.drafts) {
    const fields: Field[] = MARKETPLACES.map((m) => ({ label: MARKETPLACE_NAMES[m], value: [bold(`${d.drafts![m].score}/100`), t(` · ${d.drafts![m].valid ? '' : '⚠️ '}${rulesWords(m, d.drafts![m])}`)] }));
    const fill = fillInAll(d.drafts);
    const ready = MARKETPLACES.every((m) => d.drafts![m].valid);
    const lead: Line[] = fill.length
      ? [[bold('Fill in:'), t(` ${fill.join(', ')}.`)], [t('The drafts follow, one per marketplace; they are not ready to paste until these are filled in.')]]
      : [[t(ready ? 'Copy-ready drafts follow, one per marketplace.' : 'The drafts follow, one per marketplace; fix what each one lists before pasting it.')]];
    out.push({ lines: lead, fields });
  }
  if (d?.photos) {
    const n = d.photos.feedback.length;
    out.push({ lines: [[bold('Main image:'), t(` photo ${d.photos.main.index + 1} (${clip(d.photos.main.name, 80)}) · ${n ? `${n} photo fix${n === 1 ? '' : 'es'} to reshoot, in Photo feedback` : 'no reshoots needed'}`)]] });
  }
  if (v.status === 'failed') out.push({ lines: [[t('⚠️ '), bold('No drafts'), t(`: ${clip(v.errorMessage ?? v.errorCode ?? 'the run failed', 600)}.${v.refunded ? ` ${v.refunded} credits were refunded.` : ''}`)]] });
  if (d?.drafts && d.madeWithoutModel) out.push({ note: true, lines: [[t('Made without a model: the offline rules engine wrote only what it could read and measure; fill in what is in [brackets], or add a model key for a vision model.')]] });
  return out;
}

/** A draft run's root message. */
export function presentDraftRoot(v: RunView, opts: PresentOptions = {}): Presentation {
  const rules = v.draft?.ruleSet ? [t(` · rules ${v.draft.ruleSet}`)] : [];
  return {
    headline: headline(v),
    title: `Listing drafts from ${photos(v)}`,
    tone: v.status === 'failed' ? 'failed' : v.draft?.drafts ? (MARKETPLACES.every((m) => v.draft!.drafts![m].valid) ? 'done' : 'warn') : 'running',
    sections: [...queuedSection(v, 'runs'), { stages: v.stages.map((s) => stageLine(v, s)), lines: [] }, ...resultSections(v)],
    footer: [...costFooter(v), ...rules],
    actions: opts.lowBalance && isFinished(v) ? [{ kind: 'buy_credits', runId: v.id }] : [],
    more: more(v),
  };
}

function photoSections(p: DraftPhotos): Section[] {
  const fixes: Line[] = p.feedback.map((f) => [t(`• ${clip(f.message, 400)}`), ...(f.fix ? [t(' → '), italic(clip(f.fix, 300))] : [])]);
  return [
    { title: `Main image: photo ${p.main.index + 1} (${clip(p.main.name, 80)})`, lines: p.main.reasons.map((r) => [t(clip(r, 500))]) },
    fixes.length ? { title: 'Reshoot', lines: fixes } : { lines: [[t('No reshoots needed: the photos measure well.')]] },
  ];
}

function attributeSections(a: DraftAttributes): Section[] {
  const fields: Field[] = ATTRIBUTE_NAMES.map((k) => {
    const x = a[k];
    return { label: ATTRIBUTE_LABELS[k], value: [...(x.value ? [bold(clip(x.value, 120)), t(` (${percent(x.confidence)}) · `)] : [t('— · ')]), italic(clip(x.evidence, 300))] };
  });
  const unread = ATTRIBUTE_NAMES.filter((k) => k !== 'condition' && a[k].value === null).map((k) => ATTRIBUTE_LABELS[k].toLowerCase());
  const out: Section[] = [{ lines: unread.length ? [[bold('Fill in:'), t(` ${unread.join(', ')} (not readable on the photos).`)]] : [], fields }];
  if (a.features.length) out.push({ title: 'Features', lines: a.features.map((f) => [t(`• ${clip(f.value, 120)} (${percent(f.confidence)}) — `), italic(clip(f.evidence, 200))]) });
  if (a.printedText.length) out.push({ title: 'Printed on the product', lines: [[t(clip(a.printedText.join(' · '), 800))]] });
  return out;
}

function marketplaceSections(m: Marketplace, d: ScoredDraft): Section[] {
  const out: Section[] = draftFields(m, d.fields).map((f) => ({ title: f.label, aside: `${Array.from(f.text).length} characters`, lines: [], code: f.text }));
  if (d.problems.length) out.push({ title: d.valid ? 'Warnings' : 'Problems', lines: d.problems.map((p) => [t(`${p.severity === 'error' ? '❌' : '⚠️'} ${clip(p.message, 300)}`)]) });
  if (d.improve.length) out.push({ title: 'To raise the score', lines: d.improve.slice(0, 8).map((i) => [t(`• ${clip(i.action, 250)} (+${i.gain})`)]) });
  const claims = d.claims.filter((c) => c.verified);
  if (claims.length) out.push({ note: true, lines: [[t(`Claims seen on the product: ${claims.map((c) => `${c.term} (${c.evidence ?? ''})`).join('; ')}`)]] });
  return out;
}

function body(s: StageView): Section[] {
  const m = cardMarketplace(s);
  if (s.status === 'failed') return [failedSection(s)];
  if (m) return marketplaceSections(m, s.output as ScoredDraft);
  if (s.name === 'draft_photos') return photoSections(s.output as DraftPhotos);
  if (s.name === 'draft_attributes') return attributeSections(s.output as DraftAttributes);
  return [{ lines: [[t(clip(s.summary ?? 'done', 1000))]] }];
}

/** One card of a draft run's thread (draftThreadCards). */
export function presentDraftCard(v: RunView, s: StageView): Presentation {
  const m = cardMarketplace(s);
  const d = m ? (s.output as ScoredDraft) : null;
  const outcome = s.status === 'failed' ? `failed: ${errorWords(s)}` : clip(s.summary ?? 'done', 300);
  const rules = m && v.draft?.ruleSet ? [t(` · rules ${v.draft.ruleSet}`)] : [];
  return {
    headline: [bold(s.title), t(`: ${outcome} (`), ...jobRef(v), t(')')],
    title: s.title,
    tone: s.status === 'failed' ? 'failed' : d ? (d.valid ? 'done' : 'warn') : 'running',
    status: s.status,
    sections: s.status === 'failed' ? body(s) : [{ lines: [[bold(m && d ? `${d.score}/100 · ${rulesWords(m, d)}` : outcome)]] }, ...body(s)],
    footer: [t(`${madeBy(s)} · `), ...jobRef(v), ...rules],
    actions: [],
    more: more(v),
  };
}
