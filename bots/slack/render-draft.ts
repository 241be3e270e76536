import { cardMarketplace, type RunView, type StageView } from '../../service/app/views/index.ts';
import { ATTRIBUTE_NAMES, MARKETPLACE_NAMES, MARKETPLACES, type DraftAttributes, type DraftPhotos, type ScoredDraft } from '../../service/domain/draft-outputs.ts';
import { draftFields } from '../terminal/render-draft.ts';
import { actions, button, clampBlocks, clip, context, esc, fields, header, section, sectionsOf, truncate, LIMITS, type Block } from './blocks.ts';
import { ACTION, type RootOptions, type SlackMessage } from './render-common.ts';
import { STAGE_ICONS } from '../shared/stage-icons.ts';

/**
 * A draft run (RunView kind 'draft') in Block Kit: the root message (stage checklist, then each
 * marketplace's score and the main-photo pick) and its thread cards — photo feedback, attributes,
 * and one card per marketplace with every field in a code block, so it copies exactly as written.
 */

const ICON = STAGE_ICONS.slack;

const photosLabel = (v: RunView) => `${v.draft?.photoCount ?? 0} photo${v.draft?.photoCount === 1 ? '' : 's'}`;

function stageLine(s: StageView): string {
  const head = `${ICON[s.status]} *${esc(s.title)}*`;
  switch (s.status) {
    case 'failed':
      return `${head} — failed: ${clip(s.error?.message || s.error?.code || 'unknown error', 200)}${s.credits ? ` (${s.credits} credits refunded)` : ''}`;
    case 'succeeded':
      return `${head}${s.summary ? ` — ${clip(s.summary, 300)}` : ''}${s.madeWithoutModel && (s.name === 'draft_analyze' || s.name === 'draft_write') ? ' · _rules engine_' : ''}`;
    case 'running':
      return `${head} — running…`;
    case 'skipped':
      return `${head} — skipped`;
    case 'pending':
    case 'queued':
      return `${head} — waiting`;
  }
}

export function draftRootText(v: RunView): string {
  const drafts = v.draft?.drafts;
  if (drafts) return truncate(`Listing drafts ready — ${MARKETPLACES.map((m) => `${MARKETPLACE_NAMES[m]} ${drafts[m].score}`).join(', ')} (job ${v.shortId})`, LIMITS.messageText);
  if (v.status === 'failed') return truncate(`Listing drafts from ${photosLabel(v)} failed: ${v.errorMessage ?? v.errorCode ?? 'unknown error'} (job ${v.shortId})`, LIMITS.messageText);
  const done = v.stages.filter((s) => s.status === 'succeeded' || s.status === 'failed' || s.status === 'skipped').length;
  const state = v.queuePosition != null ? `queued (#${v.queuePosition} in line)` : `${done}/${v.stages.length} stages done`;
  return `Writing listing drafts from ${photosLabel(v)} — ${state} (job ${v.shortId})`;
}

export function draftRootMessage(v: RunView, opts: RootOptions = {}): SlackMessage {
  const d = v.draft;
  const meta = [`Job \`${v.shortId}\``, `Cost: ${v.cost} credits`];
  if (v.refunded) meta.push(`${v.refunded} refunded`);
  if (v.queuePosition != null) meta.push(`:hourglass: queued, #${v.queuePosition} in line: starts when one of this workspace's running runs finishes`);
  const blocks: (Block | undefined)[] = [header(`Listing drafts from ${photosLabel(v)}`), context(meta.join(' · ')), section(v.stages.map(stageLine).join('\n'))];
  if (d?.drafts) {
    const lines = MARKETPLACES.map((m) => `*${MARKETPLACE_NAMES[m]}* ${d.drafts![m].valid ? ':white_check_mark:' : ':warning:'} ${d.drafts![m].score}/100`);
    blocks.push(section(`${lines.join(' · ')}\nCopy-ready drafts are in the thread, one per marketplace.`));
  }
  if (d?.photos) blocks.push(section(`*Main image:* photo ${d.photos.main.index + 1} (${clip(d.photos.main.name, 80)}) · ${d.photos.feedback.length ? `${d.photos.feedback.length} photo fix${d.photos.feedback.length === 1 ? '' : 'es'} in the thread` : 'no reshoots needed'}`));
  if (v.status === 'failed') blocks.push(section(`:warning: *No drafts*: ${clip(v.errorMessage ?? v.errorCode ?? 'the run failed', 600)}.${v.refunded ? ` ${v.refunded} credits were refunded.` : ''}`));
  if (d?.drafts && d.madeWithoutModel) blocks.push(context('Made without a model: the offline rules engine wrote only what it could read and measure; fill in the [placeholders].'));
  if (opts.buttons !== false && opts.lowBalance && (v.status === 'succeeded' || v.status === 'failed')) blocks.push(actions(`run:${v.id}`, [button('Buy credits', ACTION.buyCredits, v.id, 'primary')]));
  return { text: draftRootText(v), blocks: clampBlocks(blocks, `More in \`/listing status ${v.shortId}\`.`) };
}

/** Text as a code block: copied exactly; a ``` inside cannot close it early. */
export function codeBlock(text: string, max: number = LIMITS.sectionText - 200): string {
  const body = truncate(text === '' ? ' ' : text, max).replace(/```/g, '`\u200b``');
  return `\`\`\`${esc(body)}\`\`\``;
}

function photosCard(p: DraftPhotos): Block[] {
  const out = [section(`*Main image: photo ${p.main.index + 1}* — ${clip(p.main.reasons.join('; '), 1500)}`)];
  const fixes = p.feedback.map((f) => `• ${clip(f.message, 400)}${f.fix ? `\n   _fix:_ ${clip(f.fix, 300)}` : ''}`);
  out.push(...sectionsOf(fixes.length ? ['*What to reshoot*', ...fixes] : ['No reshoots needed: the photos measure well.']));
  return out;
}

function attributesCard(a: DraftAttributes): Block[] {
  const items = ATTRIBUTE_NAMES.map((k) => {
    const x = a[k];
    return `*${k}*\n${x.value ? `${clip(x.value, 120)} (${Math.round(x.confidence * 100)}%)` : '—'}\n_${clip(x.evidence, 300)}_`;
  });
  const out: Block[] = [fields(items)];
  const extra = [
    ...a.features.map((f) => `• ${clip(f.value, 120)} (${Math.round(f.confidence * 100)}%) — _${clip(f.evidence, 200)}_`),
    a.printedText.length ? `*Printed on the product:* ${clip(a.printedText.join(' · '), 800)}` : null,
  ].filter((x): x is string => x !== null);
  if (extra.length) out.push(...sectionsOf(extra));
  return out;
}

function marketplaceCard(m: (typeof MARKETPLACES)[number], d: ScoredDraft): Block[] {
  const out: Block[] = [];
  for (const f of draftFields(m, d.fields)) out.push(section(`*${f.label}* (${Array.from(f.text).length} characters)\n${codeBlock(f.text)}`));
  const problems = d.problems.map((p) => `${p.severity === 'error' ? ':x:' : ':warning:'} ${clip(p.message, 300)}`);
  if (problems.length) out.push(...sectionsOf(['*Problems*', ...problems]));
  if (d.improve.length) out.push(...sectionsOf(['*To raise the score*', ...d.improve.slice(0, 8).map((i) => `• ${clip(i.action, 250)} (+${i.gain})`)]));
  const claims = d.claims.filter((c) => c.verified);
  if (claims.length) out.push(context(`Claims seen on the product: ${claims.map((c) => `${c.term} (${c.evidence ?? ''})`).join('; ')}`));
  return out;
}

export function draftCard(v: RunView, s: StageView): SlackMessage {
  const m = cardMarketplace(s);
  const by = s.madeWithoutModel ? 'offline rules engine (no model)' : [s.provider, s.model].filter(Boolean).join(' ');
  let body: Block[];
  if (s.status === 'failed') body = [section(`Failed: ${clip(s.error?.message || s.error?.code || 'unknown error', 800)}.${s.credits ? ` ${s.credits} credits refunded.` : ''}`)];
  else if (m) body = marketplaceCard(m, s.output as ScoredDraft);
  else if (s.name === 'draft_photos') body = photosCard(s.output as DraftPhotos);
  else if (s.name === 'draft_attributes') body = attributesCard(s.output as DraftAttributes);
  else body = [section(clip(s.summary ?? 'done', 1000))];
  const headline = s.status === 'failed' ? 'failed' : (s.summary ?? 'done');
  const rules = m && v.draft?.ruleSet ? ` · rules ${v.draft.ruleSet}` : '';
  const blocks = [section(`*${esc(s.title)}* — ${clip(headline, 300)}`), ...body, context(`${esc(by || 'unknown')} · job \`${v.shortId}\`${esc(rules)}`)];
  return { text: truncate(`${s.title}: ${headline}`, LIMITS.messageText), blocks: clampBlocks(blocks, `More in \`/listing status ${v.shortId}\`.`) };
}
