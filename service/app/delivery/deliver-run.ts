import { createHash } from 'node:crypto';
import type { Db } from '../../db/client.ts';
import { getMessages, recordMessage, setRenderedHash } from '../../db/repos/messages.ts';
import { getRun } from '../../db/repos/runs.ts';
import type { Logger } from '../../logger.ts';
import { DeliveryRefused, type MessageRef, type MessageSink, type RunOrigin, type Sinks } from './message-sink.ts';
import { experimentCardFor, draftThreadCards, loadRunView, type RunView } from '../views/index.ts';
import { withReportUrl, type ReportLinks } from '../reports/index.ts';

/**
 * Renders a run from the database and brings its chat messages up to date: the root message
 * posted once and then edited in place (only when its rendering changed), each settled stage's
 * detail card posted once in the root's thread, and a finished comparison's scorecard image once.
 *
 * Idempotent: message references are stored, so a retried task edits the same root and never
 * posts a second one; a card already recorded is not posted again. (A crash between a post and
 * its record can repeat that one post: no chat API takes an idempotency key.)
 */
export async function deliverRun(deps: { db: Db; sinks: Sinks; logger: Logger; reportLinks?: ReportLinks | undefined }, runId: string): Promise<void> {
  try {
    await deliver(deps, runId);
  } catch (e) {
    // A run deleted while it was being delivered (its workspace's data was deleted, app/data):
    // recording its message fails on the missing run, and there is nothing left to deliver.
    if (await getRun(deps.db, runId)) throw e;
    deps.logger.info({ runId }, 'run deleted during its delivery: nothing more to deliver');
  }
}

async function deliver(deps: { db: Db; sinks: Sinks; logger: Logger; reportLinks?: ReportLinks | undefined }, runId: string): Promise<void> {
  const run = await getRun(deps.db, runId);
  if (!run) {
    deps.logger.info({ runId }, 'run no longer exists (its workspace data was deleted): nothing to deliver');
    return;
  }
  const origin = run.origin as RunOrigin;
  if (origin.platform === 'cli') return;
  const sink = deps.sinks[origin.platform] as MessageSink | undefined;
  if (!sink) {
    deps.logger.warn({ runId, platform: origin.platform }, 'no sink configured for this platform: run not delivered');
    return;
  }
  const loaded = await loadRunView(deps.db, runId, run);
  if (!loaded) return;
  // A finished comparison links its report page (when links are on): every sink call gets the same view.
  const view = withReportUrl(loaded, deps.reportLinks);
  const messages = await getMessages(deps.db, runId);
  if (messages.has('root_refused')) return; // the user was told how to fix it; `status` re-renders

  let root: MessageRef | undefined = messages.get('root');
  const rootHash = hashOf(rootFingerprint(view));
  if (!root) {
    try {
      root = await sink.upsertRoot(view, origin, undefined);
    } catch (e) {
      if (!(e instanceof DeliveryRefused)) throw e;
      await recordMessage(deps.db, { runId, key: 'root_refused', platform: origin.platform, channelId: 'none', messageRef: e.reason });
      await sink.notifyPrivately(origin, howToFix(e, view));
      return;
    }
    await recordMessage(deps.db, { runId, key: 'root', platform: origin.platform, channelId: root.channelId, messageRef: root.messageRef, threadRef: root.threadRef, lastRenderedHash: rootHash });
  } else if (messages.get('root')?.lastRenderedHash !== rootHash) {
    const updated = await sink.upsertRoot(view, origin, root);
    await setRenderedHash(deps.db, runId, 'root', rootHash, updated.messageRef);
    root = updated;
  }

  // A draft's thread holds its photo feedback, attributes and one card per marketplace (views/draft-view.ts).
  for (const stage of view.kind === 'draft' ? draftThreadCards(view) : view.stages) {
    const settled = stage.status === 'succeeded' || stage.status === 'failed';
    if (!settled || messages.has(stage.name)) continue;
    const posted = await sink.postStageDetail(view, stage, origin, root);
    await recordMessage(deps.db, { runId, key: stage.name, platform: origin.platform, channelId: posted.channelId, messageRef: posted.messageRef, threadRef: posted.threadRef });
  }

  // A re-run of an experiment: once it has a verdict, its deltas against the baseline, once.
  if (view.verdict && !messages.has('experiment') && sink.postExperimentCard) {
    const card = await experimentCardFor(deps.db, runId);
    if (card) {
      const posted = await sink.postExperimentCard(card, origin, root);
      await recordMessage(deps.db, { runId, key: 'experiment', platform: origin.platform, channelId: posted.channelId, messageRef: posted.messageRef, threadRef: posted.threadRef });
    }
  }

  // A finished comparison's scorecard image, once.
  if (sink.postScorecard && wantsScorecard(view) && !messages.has(SCORECARD)) await postScorecard(deps, sink.postScorecard.bind(sink), view, origin, root);
}

/** The chat_messages key of a run's scorecard image. */
const SCORECARD = 'scorecard';

/** A comparison that finished with a verdict (succeeded, or partial: a stage failed) gets its scorecard. */
const wantsScorecard = (v: RunView) => v.kind === 'compare' && (v.status === 'succeeded' || v.status === 'partial') && v.verdict !== null;

/**
 * Posts the scorecard and records it (key `scorecard`) when the sink claims it — before a step
 * that must not run twice — or when it returns, whichever comes first. A failure to render or
 * publish is logged, never thrown: the messages are delivered, and a retried task would only
 * repeat the attempt. A failure to record is thrown (the task retries; a claim already written
 * keeps the retry from publishing again).
 */
async function postScorecard(
  deps: { db: Db; logger: Logger },
  post: NonNullable<MessageSink['postScorecard']>,
  view: RunView,
  origin: Exclude<RunOrigin, { platform: 'cli' }>,
  root: MessageRef,
): Promise<void> {
  const record = (ref: MessageRef) =>
    recordMessage(deps.db, { runId: view.id, key: SCORECARD, platform: origin.platform, channelId: ref.channelId, messageRef: ref.messageRef, threadRef: ref.threadRef });
  let claimFailure: unknown;
  const claim = async (ref: MessageRef) => {
    try {
      await record(ref);
    } catch (e) {
      claimFailure = e;
      throw e;
    }
  };
  let posted: MessageRef;
  try {
    posted = await post(view, origin, root, claim);
  } catch (e) {
    if (claimFailure !== undefined && e === claimFailure) throw e;
    deps.logger.warn({ err: e, runId: view.id, platform: origin.platform }, 'scorecard not posted: the run was delivered without its image');
    return;
  }
  await record(posted);
}

/** What the root shows: if none of this changed, no edit is made. */
function rootFingerprint(v: RunView): unknown {
  return [v.status, v.queuePosition, v.stages.map((s) => [s.name, s.status, s.winner, s.score]), v.verdict?.hash ?? null];
}

const hashOf = (x: unknown) => createHash('sha256').update(JSON.stringify(x)).digest('hex');

function howToFix(e: DeliveryRefused, v: RunView): string {
  const status = `\`/listing status ${v.shortId}\``;
  switch (e.reason) {
    case 'not_in_channel':
    case 'channel_not_found':
      return `I couldn't post in this channel: invite me first (\`/invite @ListingLab\`), or run the command in a channel I'm in. It is running; see it with ${status}.`;
    case 'missing_permissions':
      return `I don't have permission to post here. Ask an admin to let me send messages in this channel. It is running; see it with ${status}.`;
    case 'token_revoked':
      return 'ListingLab was removed from this workspace: reinstall it to see results.';
    case 'other':
      return `I couldn't post the result here (${e.message}). See it with ${status}.`;
  }
}
