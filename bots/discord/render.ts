import type { APIActionRowComponent, APIButtonComponent, APIComponentInMessageActionRow, APIEmbed, APIEmbedField } from 'discord-api-types/v10';
import { plainText, presentRoot, presentStage, type Intent, type Line, type Presentation, type RunView, type StageView, type Tone } from '../../service/app/views/index.ts';
import { assertNever } from '../../service/domain/errors.ts';
import { actionRows, button, linkButton, tagsMenu } from './components.ts';
import { clip, embedLength, fitMessage, LIMITS } from './limits.ts';
import { STAGE_ICONS } from '../shared/stage-icons.ts';

/**
 * A Presentation (service/app/views) → a Discord message: the headline as the content line (what
 * notifications and scripts read: `Verdict: <ASIN> wins …`), one embed whose description holds
 * the untitled sections and whose fields hold the checklist, the scores and the titled sections,
 * and the intents as buttons. Pure: the sink decides where it goes; `fitMessage` (limits.ts)
 * keeps it within Discord's limits.
 *
 * @see https://discord.com/developers/docs/resources/message#embed-object
 */

export const COLORS = { running: 0x5865f2, won: 0x57f287, tie: 0xfee75c, failed: 0xed4245 } as const;
const TONE: Record<Tone, number> = { ...COLORS, done: COLORS.won, warn: COLORS.tie };
const ICON = STAGE_ICONS.discord;

export interface DiscordMessage {
  content: string;
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIComponentInMessageActionRow>[];
  /** Listing text is untrusted: never let it ping @everyone, roles or users. */
  allowed_mentions: { parse: [] };
}

export interface RootOptions {
  /** The workspace's balance is low: offer the Buy credits button. */
  readonly lowCredits?: boolean;
}

export function markdown(line: Line): string {
  return line
    .map((s) => {
      let x = s.text;
      if (!x.trim()) return x;
      if (s.code) x = `\`${x}\``;
      if (s.bold) x = `**${x.trim()}**${/\s$/.test(x) ? ' ' : ''}`;
      if (s.italic) x = `_${x.trim()}_${/\s$/.test(x) ? ' ' : ''}`;
      return s.link ? `[${x}](${s.link})` : x;
    })
    .join('');
}

/** Text in a code block; a ``` inside cannot close it early. */
function codeBlock(text: string, max: number): string {
  return `\`\`\`\n${clip(text === '' ? ' ' : text, Math.max(1, max - 8)).replace(/```/g, '`\u200b``')}\n\`\`\``;
}

/** Lines joined into values of at most `max` characters, split between lines (a longer line alone is clipped later). */
function chunked(lines: readonly string[], max: number): string[] {
  const out: string[] = [];
  for (const line of lines) {
    const last = out.at(-1);
    if (last !== undefined && Array.from(last).length + 1 + Array.from(line).length <= max) out[out.length - 1] = `${last}\n${line}`;
    else out.push(line);
  }
  return out;
}

function embedOf(p: Presentation): APIEmbed {
  const description: string[] = [];
  const fields: APIEmbedField[] = [];
  // The content line already shows the headline: a leading section that only repeats it is left out.
  const [first, ...others] = p.sections;
  const repeatsHeadline = first !== undefined && !first.title && first.lines.length === 1 && plainText(first.lines[0]!) === plainText(p.headline);
  for (const s of repeatsHeadline ? others : p.sections) {
    for (const st of s.stages ?? []) fields.push({ name: `${ICON[st.status]} ${st.title}`, value: st.parts.map(markdown).join('\n') || '—', inline: true });
    for (const f of s.fields ?? []) fields.push({ name: f.label, value: markdown(f.value), inline: true });
    const lines = s.lines.map((l) => (s.note ? `_${markdown(l)}_` : markdown(l)));
    if (s.code !== undefined) lines.push(codeBlock(s.code, 2100));
    if (!lines.length) continue;
    if (s.title && s.code === undefined) fields.push(...chunked(lines, LIMITS.fieldValue).map((value, i) => ({ name: i ? `${s.title} (continued)` : s.title!, value, inline: false })));
    else description.push([...(s.title ? [`**${s.title}**${s.aside ? ` (${s.aside})` : ''}`] : []), ...lines].join('\n'));
  }
  return { title: p.title, color: TONE[p.tone], fields, ...(p.footer.length ? { footer: { text: plainText(p.footer) } } : {}), ...(description.length ? { description: description.join('\n\n') } : {}) };
}

function buttonsFor(i: Intent): APIButtonComponent[] {
  switch (i.kind) {
    case 'rerun_fresh':
      return [button({ kind: 'rerun', a: i.a, b: i.b, runId: i.runId, ...(i.mine ? { mine: i.mine } : {}) })];
    case 'record_outcome':
      return [button({ kind: 'outcome', runId: i.runId })];
    case 'save_experiment':
      return [button({ kind: 'save', runId: i.runId })];
    case 'manual_fallback':
      return (['A', 'B'] as const).map((side) => button({ kind: 'manual', runId: i.runId, side }, `Paste ${side} by hand`));
    case 'buy_credits':
      return [button({ kind: 'buy' })];
    case 'rerun_experiment':
      return []; // a select menu, in a row of its own (discordMessage)
    case 'open_report':
      return [linkButton('Open full report', i.url)];
    default:
      return assertNever(i, 'intent');
  }
}

/** Any Presentation as a Discord message; a stage card's content starts with its status icon. */
export function discordMessage(p: Presentation): DiscordMessage {
  const content = `${p.status ? `${ICON[p.status]} ` : ''}${markdown(p.headline)}`;
  const menus = p.actions.flatMap((i) => (i.kind === 'rerun_experiment' ? [tagsMenu(i.experimentId)] : []));
  return fitMessage({ content, embeds: [embedOf(p)], components: [...actionRows(p.actions.flatMap(buttonsFor)), ...menus], allowed_mentions: { parse: [] } }, markdown(p.more));
}

/** Every section's lines in Discord markdown: a private text reply (the experiment list). */
export const discordText = (p: Presentation) => p.sections.map((s) => s.lines.map(markdown).join('\n')).join('\n\n');

/** The run's root message: edited in place as stages finish. */
export function renderRoot(v: RunView, opts: RootOptions = {}): DiscordMessage {
  return discordMessage(presentRoot(v, { lowBalance: opts.lowCredits ?? false }));
}

/** One stage's card, posted once in the root message's thread when the stage settles. */
export function renderStageDetail(v: RunView, s: StageView): DiscordMessage {
  return discordMessage(presentStage(v, s));
}

/** A plain private text reply, optionally with buttons. */
export function textMessage(text: string, buttons: Parameters<typeof actionRows>[0] = []): DiscordMessage {
  return fitMessage({ content: text, embeds: [], components: actionRows(buttons), allowed_mentions: { parse: [] } });
}

/**
 * Several stage cards in as few thread messages as Discord allows (usually one): each card's
 * embed as renderStageDetail renders it, up to 10 embeds and 6,000 characters of embed text per
 * message, the cards' content lines (each `<icon> <stage title>: …`) one a line.
 */
export function renderStageDetails(v: RunView, stages: readonly StageView[]): { readonly body: DiscordMessage; readonly stages: readonly StageView[] }[] {
  const out: { body: DiscordMessage; stages: StageView[] }[] = [];
  const size = (m: DiscordMessage) => m.embeds.reduce((n, e) => n + embedLength(e), 0);
  for (const s of stages) {
    const card = renderStageDetail(v, s);
    const last = out.at(-1)?.body;
    const fits =
      last &&
      last.embeds.length + card.embeds.length <= LIMITS.embeds &&
      size(last) + size(card) <= LIMITS.total &&
      Array.from(last.content).length + 1 + Array.from(card.content).length <= LIMITS.content &&
      last.components.length + card.components.length <= MAX_ACTION_ROWS;
    if (last && fits) {
      last.content = `${last.content}\n${card.content}`;
      last.embeds.push(...card.embeds);
      last.components.push(...card.components);
      out.at(-1)!.stages.push(s);
    } else out.push({ body: { ...card, embeds: [...card.embeds], components: [...card.components] }, stages: [s] });
  }
  return out;
}

/** Action rows per message. */
const MAX_ACTION_ROWS = 5;
