import type { APIEmbed, APIEmbedField } from 'discord-api-types/v10';
import { cardMarketplace, type RunView, type StageView } from '../../service/app/views/index.ts';
import { ATTRIBUTE_NAMES, MARKETPLACE_NAMES, MARKETPLACES, type DraftAttributes, type DraftPhotos, type Marketplace, type ScoredDraft } from '../../service/domain/draft-outputs.ts';
import { draftFields } from '../terminal/render-draft.ts';
import { actionRows, button } from './components.ts';
import { clip, fitMessage, LIMITS } from './limits.ts';
import type { DiscordMessage, RootOptions } from './render-common.ts';
import { STAGE_ICONS } from '../shared/stage-icons.ts';

/**
 * A draft run (RunView kind 'draft') as Discord messages: the root (stage checklist, then each
 * marketplace's score and the main-photo pick) and the thread cards — photo feedback, attributes,
 * and one card per marketplace whose fields sit in code blocks, so they copy exactly as written.
 */

const COLORS = { running: 0x5865f2, done: 0x57f287, warn: 0xfee75c, failed: 0xed4245 } as const;
const ICON = STAGE_ICONS.discord;

const photosLabel = (v: RunView) => `${v.draft?.photoCount ?? 0} photo${v.draft?.photoCount === 1 ? '' : 's'}`;

/** Text in a code block; a ``` inside cannot close it early. */
export function codeBlock(text: string, max: number): string {
  return `\`\`\`\n${clip(text === '' ? ' ' : text, Math.max(1, max - 8)).replace(/```/g, '`\u200b``')}\n\`\`\``;
}

export function draftHeadline(v: RunView): string {
  const drafts = v.draft?.drafts;
  if (drafts) return `Listing drafts ready — ${MARKETPLACES.map((m) => `${MARKETPLACE_NAMES[m]} ${drafts[m].score}`).join(' · ')} · run \`${v.shortId}\``;
  if (v.status === 'failed') return `No listing drafts from ${photosLabel(v)}: ${v.errorMessage ?? 'the run failed'}.${v.refunded ? ` ${v.refunded} credits refunded.` : ''} · run \`${v.shortId}\``;
  const done = v.stages.filter((s) => s.status === 'succeeded' || s.status === 'failed').length;
  const state = v.status === 'queued' ? (v.queuePosition ? `queued: waiting for a free slot (${v.queuePosition === 1 ? 'next' : `#${v.queuePosition}`} in line)` : 'queued') : `${done} of ${v.stages.length} stages done`;
  return `Writing listing drafts from ${photosLabel(v)} — ${state} · run \`${v.shortId}\``;
}

export function renderDraftRoot(v: RunView, opts: RootOptions = {}): DiscordMessage {
  const d = v.draft;
  const fields: APIEmbedField[] = v.stages.map((s) => ({
    name: `${ICON[s.status]} ${s.title}`,
    value: s.status === 'failed' ? `failed: ${s.error?.message ?? s.error?.code ?? 'unknown error'}` : (s.summary ?? s.status),
    inline: true,
  }));
  if (d?.drafts) {
    for (const m of MARKETPLACES) fields.push({ name: MARKETPLACE_NAMES[m], value: `${d.drafts[m].valid ? '✅ passes its rules' : '⚠️ breaks its rules'} · **${d.drafts[m].score}**/100`, inline: true });
  }
  if (d?.photos) fields.push({ name: 'Main image', value: `photo ${d.photos.main.index + 1} (${d.photos.main.name})${d.photos.feedback.length ? ` · ${d.photos.feedback.length} photo fix(es) in the thread` : ''}`, inline: false });
  const footer = [`run ${v.shortId}`, `${v.cost} credits`];
  if (v.refunded) footer.push(`${v.refunded} refunded`);
  if (d?.drafts && d.madeWithoutModel) footer.push('made without a model (offline rules engine): fill in the [placeholders]');
  const color = v.status === 'failed' ? COLORS.failed : d?.drafts ? COLORS.done : COLORS.running;
  const embed: APIEmbed = { title: `Listing drafts from ${photosLabel(v)}`, color, fields, footer: { text: footer.join(' · ') } };
  const buttons = opts.lowCredits ? [button({ kind: 'buy' })] : [];
  return fitMessage({ content: draftHeadline(v), embeds: [embed], components: actionRows(buttons), allowed_mentions: { parse: [] } });
}

function photoEmbeds(p: DraftPhotos): APIEmbed[] {
  const fixes = p.feedback.map((f) => `• ${f.message}${f.fix ? `\n  → _${f.fix}_` : ''}`).join('\n');
  return [{ title: `Main image: photo ${p.main.index + 1}`, description: clip(`${p.main.reasons.join('\n')}\n\n**What to reshoot**\n${fixes || 'Nothing: the photos measure well.'}`, LIMITS.description), color: COLORS.running }];
}

function attributeEmbeds(a: DraftAttributes): APIEmbed[] {
  const fields: APIEmbedField[] = ATTRIBUTE_NAMES.map((k) => {
    const x = a[k];
    return { name: k, value: `${x.value ? `**${x.value}** (${Math.round(x.confidence * 100)}%)` : '—'}\n${x.evidence}`, inline: true };
  });
  if (a.features.length) fields.push({ name: 'Features', value: a.features.map((f) => `• ${f.value} (${Math.round(f.confidence * 100)}%)`).join('\n'), inline: false });
  if (a.printedText.length) fields.push({ name: 'Printed on the product', value: a.printedText.join(' · '), inline: false });
  return [{ title: 'Product attributes', color: COLORS.running, fields }];
}

function marketplaceEmbeds(m: Marketplace, d: ScoredDraft): APIEmbed[] {
  const blocks = draftFields(m, d.fields).map((f) => `**${f.label}** (${Array.from(f.text).length} characters)\n${codeBlock(f.text, 2100)}`);
  const text: APIEmbed = { title: `${MARKETPLACE_NAMES[m]} draft — ${d.score}/100`, description: clip(blocks.join('\n'), LIMITS.description), color: d.valid ? COLORS.done : COLORS.warn };
  const notes: APIEmbedField[] = [];
  if (d.problems.length) notes.push({ name: d.valid ? 'Warnings' : 'Problems', value: d.problems.map((p) => `${p.severity === 'error' ? '❌' : '⚠️'} ${p.message}`).join('\n'), inline: false });
  if (d.improve.length) notes.push({ name: 'To raise the score', value: d.improve.slice(0, 8).map((i) => `• ${i.action} (+${i.gain})`).join('\n'), inline: false });
  const seen = d.claims.filter((c) => c.verified);
  if (seen.length) notes.push({ name: 'Claims seen on the product', value: seen.map((c) => `${c.term}: ${c.evidence ?? ''}`).join('\n'), inline: false });
  return notes.length ? [text, { title: d.valid ? `Passes ${MARKETPLACE_NAMES[m]}'s rules` : `Breaks ${MARKETPLACE_NAMES[m]}'s rules`, color: d.valid ? COLORS.done : COLORS.warn, fields: notes }] : [text];
}

export function renderDraftCard(v: RunView, s: StageView): DiscordMessage {
  const m = cardMarketplace(s);
  const by = s.madeWithoutModel ? 'offline rules engine (no model)' : [s.provider, s.model].filter(Boolean).join(' ');
  const footer = { text: [`run ${v.shortId}`, by, m && v.draft?.ruleSet ? `rules ${v.draft.ruleSet}` : ''].filter(Boolean).join(' · ') };
  let embeds: APIEmbed[];
  if (s.status === 'failed') embeds = [{ title: s.title, description: `Failed: ${s.error?.message ?? s.error?.code ?? 'unknown error'}${s.credits ? `\nIts ${s.credits} credits were refunded.` : ''}`, color: COLORS.failed }];
  else if (m) embeds = marketplaceEmbeds(m, s.output as ScoredDraft);
  else if (s.name === 'draft_photos') embeds = photoEmbeds(s.output as DraftPhotos);
  else if (s.name === 'draft_attributes') embeds = attributeEmbeds(s.output as DraftAttributes);
  else embeds = [{ title: s.title, description: s.summary ?? 'done', color: COLORS.running }];
  const last = embeds[embeds.length - 1];
  if (last) last.footer = footer;
  const icon = s.status === 'failed' ? '❌' : '✅';
  return fitMessage({ content: `${icon} **${s.title}**${s.summary && s.status !== 'failed' ? ` — ${s.summary}` : ''} · run \`${v.shortId}\``, embeds, components: [], allowed_mentions: { parse: [] } });
}
