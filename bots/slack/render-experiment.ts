import type { ExperimentCard, ExperimentView } from '../../service/app/views/index.ts';
import type { Reply } from '../shared/reply.ts';
import { rerunCardText } from '../shared/experiment-text.ts';
import { actions, clampBlocks, esc, sectionsOf, truncate, LIMITS, type Block } from './blocks.ts';
import { rerunButton } from './experiment-modal.ts';
import type { PrivateMessage } from './private.ts';
import type { SlackMessage } from './render.ts';

/**
 * Experiments in Block Kit: the shared plain text (bots/shared/experiment-text.ts), escaped, in
 * sections, with the "Re-run with changes…" button that opens the tag picker.
 */

function withRerun(text: string, experiment: Pick<ExperimentView, 'id' | 'shortId'>): SlackMessage {
  const lines = esc(text).split('\n');
  const buttons = actions(`experiment:${experiment.id}`, [rerunButton(experiment.id)]);
  return {
    text: truncate(esc(text), LIMITS.messageText),
    blocks: clampBlocks([...sectionsOf(lines), buttons], `More in \`/listing experiment show ${experiment.shortId}\`.`),
  };
}

/** save, show, pin, unpin: the experiment with its deltas, privately, with the re-run button. */
export function experimentReply(r: Extract<Reply, { kind: 'experiment' }>): PrivateMessage {
  return withRerun(r.text, r.experiment);
}

/** A re-run started: the run's root message is posted in the channel; this says what it is for. */
export function rerunStartedReply(r: Extract<Reply, { kind: 'started' }>, via: 'command' | 'button'): PrivateMessage | undefined {
  const exp = r.experiment;
  if (!exp) return undefined;
  if (r.existing === 'same_request') return via === 'button' ? { text: `Already started as job \`${r.shortId}\`: see \`/listing status ${r.shortId}\`.` } : undefined;
  const where = r.queuePosition != null ? ` It is queued (#${r.queuePosition} in line) and starts when a slot frees up.` : '';
  const text = `Re-running experiment \`${exp.shortId}\` (${esc(truncate(exp.name, 200))}) as job \`${r.shortId}\`, changed: ${esc(exp.tags.join(', '))}. The score changes against the baseline will be posted in the run's thread.${where}`;
  return { text };
}

/** The card in a re-run's thread: its deltas against the baseline. */
export function experimentCardMessage(card: ExperimentCard): { text: string; blocks: Block[] } {
  return withRerun(rerunCardText(card), card.experiment);
}
