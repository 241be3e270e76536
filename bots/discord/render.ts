import type { APIEmbed, APIEmbedField } from 'discord-api-types/v10';
import type { RunView, StageView } from '../../service/app/views/index.ts';
import type { Winner } from '../../service/domain/stage-outputs.ts';
import { actionRows, button } from './components.ts';
import { fitMessage } from './limits.ts';
import type { DiscordMessage, RootOptions } from './render-common.ts';
import { renderDraftRoot } from './render-draft.ts';
import { STAGE_ICONS } from '../shared/stage-icons.ts';

/**
 * RunView → a Discord message (content, embeds, buttons). Pure: the sink decides where it goes.
 * The content line is what people read in notifications and what scripts look for: the finished
 * run states `Verdict: <ASIN> wins …` or `Verdict: tie …`.
 *
 * @see https://discord.com/developers/docs/resources/message#embed-object
 */

export const COLORS = { running: 0x5865f2, won: 0x57f287, tie: 0xfee75c, failed: 0xed4245 } as const;

const ICON = STAGE_ICONS.discord;

const FINISHED = new Set<RunView['status']>(['succeeded', 'partial', 'failed']);
export const isFinished = (v: RunView) => FINISHED.has(v.status);

/** `B0799CK52K (A)`; the label alone for a listing given by hand. */
export function sideName(v: RunView, side: 'A' | 'B'): string {
  return `${v.pair[side].asin ?? v.pair[side].label} (${side})`;
}

export function winnerText(v: RunView, w: Winner): string {
  return w === 'tie' ? 'tie' : `${sideName(v, w)} wins`;
}

/** The content line: what the run is doing, or its verdict. */
export function headline(v: RunView): string {
  const pair = `${v.pair.A.label} vs ${v.pair.B.label}`;
  const d = v.verdict;
  if (d) {
    const who = d.winner === 'tie' ? 'Verdict: tie' : `Verdict: ${v.pair[d.winner].asin ?? v.pair[d.winner].label} wins`;
    return `${who} — ${pair}: A ${d.score.A.toFixed(1)} vs B ${d.score.B.toFixed(1)}, confidence ${Math.round(d.confidence * 100)}% · run \`${v.shortId}\``;
  }
  if (v.status === 'failed') {
    const refund = v.refunded ? ` ${v.refunded} credits refunded.` : '';
    return `No verdict for ${pair}: ${v.errorMessage ?? 'the run failed'}.${refund} · run \`${v.shortId}\``;
  }
  const done = v.stages.filter((s) => s.status === 'succeeded' || s.status === 'failed').length;
  const waiting = v.queuePosition ? `queued: waiting for a free slot (${v.queuePosition === 1 ? 'next' : `#${v.queuePosition}`} in line)` : 'queued';
  const state = v.status === 'queued' ? waiting : `${done} of ${v.stages.length} stages done`;
  return `Comparing ${pair} — ${state} · run \`${v.shortId}\``;
}

function stageField(v: RunView, s: StageView): APIEmbedField {
  const parts: string[] = [];
  if (s.status === 'failed') parts.push(`failed: ${s.error?.message ?? s.error?.code ?? 'unknown error'}${s.credits ? ` (${s.credits} credits refunded)` : ''}`);
  else if (s.status !== 'succeeded') parts.push(s.status);
  if (s.score) parts.push(`A ${s.score.A.toFixed(1)} · B ${s.score.B.toFixed(1)}`);
  if (s.winner) parts.push(winnerText(v, s.winner));
  if (s.name === 'avatars' && s.summary) parts.push(s.summary);
  if (s.name === 'acquire' && s.status === 'succeeded') parts.push('both listings fetched');
  if (s.status === 'succeeded' && s.madeWithoutModel) parts.push('_rules engine, no model_');
  return { name: `${ICON[s.status]} ${s.title}`, value: parts.join('\n') || '—', inline: true };
}

function overview(v: RunView): APIEmbed {
  const d = v.verdict;
  const color = d ? (d.winner === 'tie' ? COLORS.tie : COLORS.won) : v.status === 'failed' ? COLORS.failed : COLORS.running;
  const lines = (['A', 'B'] as const).map((side) => {
    const p = v.pair[side];
    const title = p.title ? ` — ${p.title}` : '';
    return `**${side}** ${p.url ? `[${p.label}](${p.url})` : p.label}${title}`;
  });
  const fields = v.stages.filter((s) => s.name !== 'verdict').map((s) => stageField(v, s));
  if (d) {
    fields.push({ name: 'Wins the click', value: winnerText(v, d.clickWinner), inline: true });
    fields.push({ name: 'Wins the sale', value: winnerText(v, d.saleWinner), inline: true });
    if (d.missing.length) fields.push({ name: 'Left out', value: `${d.missing.join(', ')} failed — confidence lowered`, inline: false });
  }
  const footer = [`run ${v.shortId}`, `${v.cost} credits`];
  if (v.refunded) footer.push(`${v.refunded} refunded`);
  if (d?.rulesOnly) footer.push('made without a model (offline rules engine)');
  return { title: `${v.pair.A.label} vs ${v.pair.B.label}`, description: lines.join('\n'), color, fields, footer: { text: footer.join(' · ') } };
}

function fixesEmbed(v: RunView): APIEmbed | undefined {
  const fixes = v.verdict?.fixes ?? [];
  if (!fixes.length) return undefined;
  const lines = fixes.slice(0, 10).map((f) => `**${f.priority}.** [${sideName(v, f.listing)}] ${f.action}`);
  return { title: 'Fixes, by impact', description: lines.join('\n'), color: COLORS.running };
}

/** The run's root message: edited in place as stages finish. */
export function renderRoot(v: RunView, opts: RootOptions = {}): DiscordMessage {
  if (v.kind === 'draft') return renderDraftRoot(v, opts);
  const embeds = [overview(v)];
  const fixes = fixesEmbed(v);
  if (fixes) embeds.push(fixes);
  return fitMessage({ content: headline(v), embeds, components: actionRows(rootButtons(v, opts)), allowed_mentions: { parse: [] } });
}

function rootButtons(v: RunView, opts: RootOptions) {
  const out = [];
  const { A, B } = v.pair;
  if (isFinished(v) && A.asin && B.asin && A.asin !== B.asin) out.push(button({ kind: 'rerun', a: A.asin, b: B.asin, runId: v.id }));
  if (v.status === 'succeeded' || v.status === 'partial') out.push(button({ kind: 'save', runId: v.id }));
  if (v.status === 'failed' && v.stages.find((s) => s.name === 'acquire')?.status === 'failed') {
    out.push(button({ kind: 'manual', runId: v.id, side: 'A' }, 'Paste A by hand'));
    out.push(button({ kind: 'manual', runId: v.id, side: 'B' }, 'Paste B by hand'));
  }
  if (opts.lowCredits) out.push(button({ kind: 'buy' }));
  return out;
}

/** A plain private text reply, optionally with buttons. */
export function textMessage(text: string, buttons: Parameters<typeof actionRows>[0] = []): DiscordMessage {
  return fitMessage({ content: text, embeds: [], components: actionRows(buttons), allowed_mentions: { parse: [] } });
}
