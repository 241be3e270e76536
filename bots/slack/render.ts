import { plainText, presentRoot, presentStage, type Intent, type Line, type Presentation, type RunView, type Section, type StageLine, type StageView } from '../../service/app/views/index.ts';
import { assertNever } from '../../service/domain/errors.ts';
import { actions, button, clampBlocks, linkButton, context, esc, fields, header, sectionsOf, truncate, LIMITS, type Block } from './blocks.ts';
import { STAGE_ICONS } from '../shared/stage-icons.ts';
import { rerunButton } from './experiment-modal.ts';
import { outcomeButton } from './outcome-modal.ts';

/**
 * A Presentation (service/app/views) → Block Kit: the title as a header, each section as mrkdwn
 * sections (split to Slack's 3,000 characters) or fields (at most 10), small print as context,
 * intents as buttons, and at most 50 blocks. Pure: the sink decides whether a message is posted
 * or edited. Everything a listing or a model wrote is escaped here.
 *
 * @see https://docs.slack.dev/reference/block-kit/blocks
 */

const ICON = STAGE_ICONS.slack;

export interface SlackMessage {
  /** The notification fallback (and what screen readers read). */
  readonly text: string;
  readonly blocks: Block[];
}

export interface RootOptions {
  /** Show "Buy credits": the workspace cannot afford another comparison (default false). */
  readonly lowBalance?: boolean;
  /** Show the buttons (default true; a private `status` reply has none). */
  readonly buttons?: boolean;
}

/** Action ids: what the buttons send back (bots/slack/actions.ts handles them). */
export const ACTION = {
  rerunFresh: 'listing_rerun_fresh',
  saveExperiment: 'listing_save_experiment',
  buyCredits: 'listing_buy_credits',
  manualFallback: 'listing_manual_fallback',
  /** A link button: the browser opens the URL; Slack still posts the click here, with nothing to do but acknowledge it. */
  openReport: 'listing_open_report',
  /** `data delete`'s confirmation (its value is the confirmation id) and its Cancel. */
  confirmDelete: 'listing_data_delete_confirm',
  cancelDelete: 'listing_data_delete_cancel',
} as const;

/** Emphasis markers must hug the text (`*bold*`, not `* bold *`), so surrounding spaces stay outside. */
function wrap(text: string, mark: string): string {
  const m = /^(\s*)([\s\S]*?)(\s*)$/.exec(text);
  return m && m[2] ? `${m[1]}${mark}${m[2]}${mark}${m[3]}` : text;
}

export function mrkdwn(line: Line): string {
  return line
    .map((s) => {
      let x = esc(s.text);
      if (s.code) x = wrap(x, '`');
      if (s.bold) x = wrap(x, '*');
      if (s.italic) x = wrap(x, '_');
      return s.link ? `<${s.link}|${x}>` : x;
    })
    .join('');
}

/** Text as a code block: copied exactly; a ``` inside cannot close it early. */
function codeBlock(text: string, max: number = LIMITS.sectionText - 200): string {
  const body = truncate(text === '' ? ' ' : text, max).replace(/```/g, '`\u200b``');
  return `\`\`\`${esc(body)}\`\`\``;
}

const stageText = (s: StageLine) => `${ICON[s.status]} *${esc(s.title)}* — ${s.parts.map(mrkdwn).join(' · ') || 'done'}`;

function blocksOf(s: Section): Block[] {
  if (s.note) return [context(s.lines.map(mrkdwn).join('\n'))];
  const lines = [
    ...(s.title ? [`*${esc(s.title)}*${s.aside ? ` (${esc(s.aside)})` : ''}`] : []),
    ...(s.stages ?? []).map(stageText),
    ...s.lines.map(mrkdwn),
    ...(s.code !== undefined ? [codeBlock(s.code)] : []),
  ];
  const out = sectionsOf(lines);
  if (s.fields?.length) out.push(fields(s.fields.map((f) => `*${esc(f.label)}*\n${mrkdwn(f.value)}`)));
  return out;
}

function buttonFor(i: Intent) {
  switch (i.kind) {
    case 'manual_fallback':
      return button('Enter listing by hand', ACTION.manualFallback, i.runId, 'primary');
    case 'rerun_fresh':
      return button('Re-run fresh', ACTION.rerunFresh, i.runId);
    case 'record_outcome':
      return outcomeButton(i.runId);
    case 'save_experiment':
      return button('Save as experiment', ACTION.saveExperiment, i.runId);
    case 'buy_credits':
      return button('Buy credits', ACTION.buyCredits, i.runId ?? 'refusal', 'primary');
    case 'rerun_experiment':
      return rerunButton(i.experimentId);
    case 'open_report':
      return linkButton('Open full report', ACTION.openReport, i.url);
    default:
      return assertNever(i, 'intent');
  }
}

/** Any Presentation as a Slack message; `buttons: false` leaves the intents out (a private status reply). */
export function slackMessage(p: Presentation, blockId: string, opts: { buttons?: boolean } = {}): SlackMessage {
  const blocks = [header(p.title), ...p.sections.flatMap(blocksOf), p.footer.length ? context(mrkdwn(p.footer)) : undefined, opts.buttons === false ? undefined : actions(blockId, p.actions.map(buttonFor))];
  return { text: truncate(plainText(p.headline), LIMITS.messageText), blocks: clampBlocks(blocks, mrkdwn(p.more)) };
}

/** Every section's lines in mrkdwn: the text of a message read in place (experiments), where the headline alone says too little. */
export const slackText = (p: Presentation) => truncate(p.sections.map((s) => s.lines.map(mrkdwn).join('\n')).join('\n\n'), LIMITS.messageText);

/** A Presentation whose text is all of it (slackText): experiments, privately or in a re-run's thread. */
export const slackReply = (p: Presentation, blockId: string): SlackMessage => ({ ...slackMessage(p, blockId), text: slackText(p) });

/** The notification text: `Verdict: <ASIN> wins …` / `Verdict: tie …` once there is a verdict. */
export const rootText = (v: RunView) => slackMessage(presentRoot(v), '').text;

export function rootMessage(v: RunView, opts: RootOptions = {}): SlackMessage {
  return slackMessage(presentRoot(v, { lowBalance: opts.lowBalance ?? false }), `run:${v.id}`, opts);
}

/** One stage's card (or a draft's card, draftThreadCards) in the root message's thread. */
export function stageDetail(v: RunView, s: StageView): SlackMessage {
  return slackMessage(presentStage(v, s), `stage:${s.name}`);
}

/**
 * Several stage cards in as few thread messages as Slack's 50 blocks allow (usually one): each
 * card as stageDetail renders it, a divider between two, and a notification text of the cards'
 * headlines, one a line (each still starts `<stage title>: …`).
 */
export function stageDetails(v: RunView, stages: readonly StageView[]): (SlackMessage & { readonly stages: readonly StageView[] })[] {
  const out: { texts: string[]; blocks: Block[]; stages: StageView[] }[] = [];
  for (const s of stages) {
    const card = stageDetail(v, s);
    const last = out.at(-1);
    if (last && last.blocks.length + 1 + card.blocks.length <= LIMITS.blocks) {
      last.blocks.push({ type: 'divider' }, ...card.blocks);
      last.texts.push(card.text);
      last.stages.push(s);
    } else out.push({ texts: [card.text], blocks: [...card.blocks], stages: [s] });
  }
  return out.map((m) => ({ text: truncate(m.texts.join('\n'), LIMITS.messageText), blocks: m.blocks, stages: m.stages }));
}
