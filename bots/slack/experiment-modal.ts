import { EXPERIMENT_TAGS, TAG_LABELS, type ExperimentTag } from '../shared/command.ts';
import { parseTag } from '../shared/command-words.ts';
import { button, esc, truncate, LIMITS, type ButtonElement } from './blocks.ts';

/**
 * The tag picker for a re-run: a "Re-run with changes…" button on experiment messages opens a
 * modal whose multi-select (static options, at least one, at most all eight) says what changed;
 * submitting it runs `experiment rerun <id> <tags…>` through the shared dispatcher.
 *
 * @see https://docs.slack.dev/reference/block-kit/block-elements/multi-select-menu-element#static_multi_select
 * @see https://docs.slack.dev/surfaces/modals
 */

export const EXPERIMENT_ACTION = { rerun: 'listing_experiment_rerun' } as const;
export const RERUN_VIEW = 'listing_experiment_rerun';
const TAGS_BLOCK = 'tags';
const INPUT = 'value';

/** What the modal carries from the button press to the submission (private_metadata, ≤ 3000 chars). */
export interface RerunMeta {
  readonly experimentId: string;
  readonly channelId: string;
  readonly responseUrl?: string | undefined;
}

const text = (t: string, max: number) => ({ type: 'plain_text' as const, text: truncate(t, max) });
const option = (tag: ExperimentTag) => ({ text: text(TAG_LABELS[tag], 75), value: tag });

export function rerunButton(experimentId: string): ButtonElement {
  return button('Re-run with changes…', EXPERIMENT_ACTION.rerun, experimentId, 'primary');
}

export function rerunModal(experiment: { shortId: string; name: string }, meta: RerunMeta): Record<string, unknown> {
  const intro = `Re-run *${esc(truncate(experiment.name, 200))}* (\`${experiment.shortId}\`) with freshly fetched listings. The score changes against the baseline are posted in the new run's thread. It costs credits like a comparison.`;
  return {
    type: 'modal',
    callback_id: RERUN_VIEW,
    title: text('Re-run experiment', LIMITS.modalTitle),
    submit: text('Re-run', LIMITS.modalTitle),
    close: text('Cancel', LIMITS.modalTitle),
    private_metadata: JSON.stringify(meta),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: truncate(intro, LIMITS.sectionText) } },
      {
        type: 'input',
        block_id: TAGS_BLOCK,
        label: text('What changed?', 2000),
        hint: text('Pick everything you changed since the baseline.', 2000),
        element: {
          type: 'multi_static_select',
          action_id: INPUT,
          placeholder: text('Main image, title…', 150),
          options: EXPERIMENT_TAGS.map(option),
          max_selected_items: EXPERIMENT_TAGS.length,
        },
      },
    ],
  };
}

type StateValues = Record<string, Record<string, { selected_options?: readonly { value?: string }[] | null }>>;

export type RerunSubmission =
  | { readonly ok: true; readonly tags: ExperimentTag[]; readonly meta: RerunMeta }
  | { readonly ok: false; readonly errors: Record<string, string> };

/** Reads the submitted modal; errors are keyed by block id, as Slack shows them under the field. */
export function parseRerunSubmission(values: StateValues, privateMetadata: string): RerunSubmission {
  const picked = values[TAGS_BLOCK]?.[INPUT]?.selected_options ?? [];
  const tags: ExperimentTag[] = [];
  for (const o of picked) {
    const tag = parseTag(o.value ?? '');
    if (tag && !tags.includes(tag)) tags.push(tag);
  }
  const meta = parseMeta(privateMetadata);
  if (!meta) return { ok: false, errors: { [TAGS_BLOCK]: 'This form expired; open it again from the experiment.' } };
  if (tags.length === 0) return { ok: false, errors: { [TAGS_BLOCK]: 'Pick at least one change.' } };
  return { ok: true, tags, meta };
}

function parseMeta(raw: string): RerunMeta | undefined {
  try {
    const m = JSON.parse(raw) as Partial<RerunMeta>;
    if (typeof m.experimentId !== 'string' || typeof m.channelId !== 'string') return undefined;
    return { experimentId: m.experimentId, channelId: m.channelId, ...(typeof m.responseUrl === 'string' ? { responseUrl: m.responseUrl } : {}) };
  } catch {
    return undefined;
  }
}
