import type { OutcomeTarget } from '../../service/app/outcomes/index.ts';
import { OUTCOME_NOTE_MAX } from '../../service/app/outcomes/index.ts';
import { confidenceBandWords, pct, type OutcomeSide } from '../../service/domain/calibration.ts';
import { button, esc, truncate, LIMITS, type ButtonElement } from './blocks.ts';

/**
 * "Record real result" on a finished comparison: the button (value: the run id) opens a modal
 * with the real result (A, B or tie), the click result (optional) and a note; submitting it runs
 * `outcome <job> …` through the shared dispatcher (bots/slack/actions.ts). The run is looked up
 * in the presser's workspace before the modal opens; an outcome already recorded fills the form.
 *
 * @see https://docs.slack.dev/reference/block-kit/block-elements/select-menu-element#static_select
 * @see https://docs.slack.dev/surfaces/modals
 */

/** The button's action_id (its value is the run id). */
export const OUTCOME_ACTION = 'listing_record_outcome';
/** The modal's callback_id. */
export const OUTCOME_VIEW = 'listing_record_outcome';
const INPUT = 'value';

/** What the modal carries from the button press to the submission (private_metadata, ≤ 3000 chars). */
export interface OutcomeMeta {
  readonly runId: string;
  readonly channelId: string;
  readonly responseUrl?: string | undefined;
}

const text = (t: string, max: number) => ({ type: 'plain_text' as const, text: truncate(t, max) });

/** The button, for the renderer of a finished comparison's root message. */
export function outcomeButton(runId: string): ButtonElement {
  return button('Record real result', OUTCOME_ACTION, runId);
}

function option(side: OutcomeSide, pair: OutcomeTarget['pair'], what: string) {
  const label = side === 'tie' ? 'Tie: neither did better' : `${side} ${what} (${pair[side]})`;
  return { text: text(label, 75), value: side };
}

function select(blockId: string, label: string, options: ReturnType<typeof option>[], initial: OutcomeSide | null | undefined, optional: boolean, hint: string) {
  const chosen = options.find((o) => o.value === initial);
  return {
    type: 'input',
    block_id: blockId,
    optional,
    label: text(label, 2000),
    hint: text(hint, 2000),
    element: { type: 'static_select', action_id: INPUT, placeholder: text('A, B or tie', 150), options, ...(chosen ? { initial_option: chosen } : {}) },
  };
}

export function outcomeModal(t: OutcomeTarget, meta: OutcomeMeta): Record<string, unknown> {
  const v = t.verdict;
  const said = v.winner === 'tie' ? `called it a tie (${pct(v.confidence)})` : `said ${v.winner} would win (${confidenceBandWords(v.confidence, v.winner)}, ${pct(v.confidence)})`;
  const intro = [
    `What really happened to run \`${t.shortId}\` (A: ${esc(t.pair.A)}, B: ${esc(t.pair.B)})? ListingLab ${said}.`,
    'Record it once a change went live or a real A/B test ended: real results show how often verdicts are right (`/listing calibration`).',
    ...(t.current ? ['A result is already recorded for this run: submitting replaces it.'] : []),
  ].join('\n');
  const sides: OutcomeSide[] = ['A', 'B', 'tie'];
  return {
    type: 'modal',
    callback_id: OUTCOME_VIEW,
    title: text('Record real result', LIMITS.modalTitle),
    submit: text('Record', LIMITS.modalTitle),
    close: text('Cancel', LIMITS.modalTitle),
    private_metadata: JSON.stringify(meta),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: truncate(intro, LIMITS.sectionText) } },
      select('result', 'Which listing really won?', sides.map((s) => option(s, t.pair, 'won')), t.current?.result, false, 'Sales, conversion or the A/B test’s winner.'),
      select('click', 'Which won the click? (if you know)', sides.map((s) => option(s, t.pair, 'won the click')), t.current?.clickResult, true, 'From a click-through (CTR) test of the main images.'),
      {
        type: 'input',
        block_id: 'note',
        optional: true,
        label: text('Note', 2000),
        element: {
          type: 'plain_text_input',
          action_id: INPUT,
          max_length: OUTCOME_NOTE_MAX,
          placeholder: text('What it is based on, e.g. a 2-week A/B test', 150),
          ...(t.current?.note ? { initial_value: t.current.note } : {}),
        },
      },
    ],
  };
}

type StateValues = Record<string, Record<string, { value?: string | null; selected_option?: { value?: string } | null }>>;

export type OutcomeSubmission =
  | { readonly ok: true; readonly meta: OutcomeMeta; readonly result: OutcomeSide; readonly click: OutcomeSide | undefined; readonly note: string | undefined }
  | { readonly ok: false; readonly errors: Record<string, string> };

const isSide = (x: unknown): x is OutcomeSide => x === 'A' || x === 'B' || x === 'tie';

/** Reads the submitted modal; errors are keyed by block id, as Slack shows them under each field. */
export function parseOutcomeSubmission(values: StateValues, privateMetadata: string): OutcomeSubmission {
  const result = values['result']?.[INPUT]?.selected_option?.value;
  const click = values['click']?.[INPUT]?.selected_option?.value;
  const note = values['note']?.[INPUT]?.value?.trim() ?? '';
  const meta = parseMeta(privateMetadata);
  const errors: Record<string, string> = {};
  if (!isSide(result)) errors['result'] = 'Choose A, B or tie.';
  if (click != null && !isSide(click)) errors['click'] = 'Choose A, B or tie, or leave it empty.';
  if (Array.from(note).length > OUTCOME_NOTE_MAX) errors['note'] = `At most ${OUTCOME_NOTE_MAX} characters.`;
  if (!meta) errors['result'] ??= 'This form expired; press Record real result on the run again.';
  if (!meta || !isSide(result) || Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, meta, result, click: isSide(click) ? click : undefined, note: note === '' ? undefined : note };
}

function parseMeta(raw: string): OutcomeMeta | undefined {
  try {
    const m = JSON.parse(raw) as Partial<OutcomeMeta>;
    if (typeof m.runId !== 'string' || !/^[0-9a-f-]{36}$/.test(m.runId) || typeof m.channelId !== 'string') return undefined;
    return { runId: m.runId, channelId: m.channelId, ...(typeof m.responseUrl === 'string' ? { responseUrl: m.responseUrl } : {}) };
  } catch {
    return undefined;
  }
}
