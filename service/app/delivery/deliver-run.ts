import { createHash } from 'node:crypto';
import type { Db } from '../../db/client.ts';
import { readForDelivery, recordMessage, recordMessages, setRenderedHash, type DeliveredMessage } from '../../db/repos/messages.ts';
import { getRun, getRunWithStages, queuePosition, type Run, type StageRow } from '../../db/repos/runs.ts';
import type { Logger } from '../../logger.ts';
import { DeliveryRefused, type MessageRef, type MessageSink, type PostedScorecard, type RunOrigin, type Sinks } from './message-sink.ts';
import { experimentCardFor, draftThreadCards, isFinished, toRunView, type RunView, type StageView } from '../views/index.ts';
import { withReportUrl, type ReportLinks } from '../reports/index.ts';
import { scheduleDelivery } from './schedule-delivery.ts';

/**
 * Renders a run from the database and brings its chat messages up to date: the root message
 * posted once and then edited in place (only when its rendering changed), the settled stages'
 * detail cards posted once, together, in the root's thread when the run is finished, and a
 * finished comparison's scorecard image once (in the same message as the cards where the
 * platform allows).
 *
 * Idempotent: message references are stored, so a retried task edits the same root and never
 * posts a second one; a card already recorded is not posted again. (A crash between a post and
 * its record can repeat that one post: no chat API takes an idempotency key.)
 *
 * One delivery of a run at a time, across processes: a delivery that finds another one of the
 * same run running (db/repos/messages.ts readForDelivery) waits for it to end (or, past a few
 * seconds, schedules itself again), so it renders after the other has recorded what it posted. Two at once would each
 * find no root (or no card) recorded yet and each post one: two roots in the channel, a stage card
 * twice in the thread (seen with two workers in test/deployed/worker-kill.test.ts). A worker that
 * dies holding a delivery has its jobs unlocked (force_unlock_workers, jobs/heartbeat.ts).
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

/** The task whose jobs are deliveries (jobs/payloads.ts): a delivery counts those of its run that are running. */
const DELIVERY_TASK = 'deliver_run';

/**
 * A delivery that finds another one of its run running waits for it — deliveries take a fraction
 * of a second — reading again every DELIVERY_WAIT_POLL_MS for up to DELIVERY_WAIT_MS; past that
 * (the other is slow, or its worker died and waits for the reaper) it schedules itself again.
 * Waiting costs one statement a look; stepping aside a job of its own.
 */
const DELIVERY_WAIT_MS = 3_000;
const DELIVERY_WAIT_POLL_MS = 100;

async function deliver(deps: { db: Db; sinks: Sinks; logger: Logger; reportLinks?: ReportLinks | undefined }, runId: string): Promise<void> {
  let read = await readForDelivery(deps.db, runId, DELIVERY_TASK);
  for (let waited = 0; read && read.running > 1 && waited < DELIVERY_WAIT_MS; waited += DELIVERY_WAIT_POLL_MS) {
    await new Promise((r) => setTimeout(r, DELIVERY_WAIT_POLL_MS));
    read = await readForDelivery(deps.db, runId, DELIVERY_TASK);
  }
  if (!read) {
    deps.logger.info({ runId }, 'run no longer exists (its workspace data was deleted): nothing to deliver');
    return;
  }
  const { run, messages } = read;
  if (read.running > 1) {
    await scheduleDelivery(deps.db, run);
    return;
  }
  const origin = run.origin as RunOrigin;
  if (origin.platform === 'cli') return;
  const sink = deps.sinks[origin.platform] as MessageSink | undefined;
  if (!sink) {
    deps.logger.warn({ runId, platform: origin.platform }, 'no sink configured for this platform: run not delivered');
    return;
  }
  if (messages.has('root_refused')) return; // the user was told how to fix it; `status` re-renders
  // The first post too waits (at most BEGIN_WAIT_MS) for a stage just queued to begin: its job is
  // fetched with this one, so the root shows it running from the start, and the stage's start
  // schedules no delivery of its own while this one is pending or running (deliveryJobSql).
  const loaded = await viewOnceBegun(deps.db, runId, await viewOf(deps.db, run, read.stages));
  if (!loaded) return;
  // A finished comparison links its report page (when links are on): every sink call gets the same view.
  const view = withReportUrl(loaded, deps.reportLinks);

  const facts = read.balance === undefined ? {} : { balance: read.balance };
  let root: MessageRef | undefined = messages.get('root');
  const rootHash = hashOf(rootFingerprint(view));
  if (!root) {
    try {
      root = await sink.upsertRoot(view, origin, undefined, facts);
    } catch (e) {
      if (!(e instanceof DeliveryRefused)) throw e;
      await recordMessage(deps.db, { runId, key: 'root_refused', platform: origin.platform, channelId: 'none', messageRef: e.reason });
      await sink.notifyPrivately(origin, howToFix(e, view));
      return;
    }
    await recordMessage(deps.db, { runId, key: 'root', platform: origin.platform, channelId: root.channelId, messageRef: root.messageRef, threadRef: root.threadRef, lastRenderedHash: rootHash });
  } else if (messages.get('root')?.lastRenderedHash !== rootHash) {
    const updated = await sink.upsertRoot(view, origin, root, facts);
    await setRenderedHash(deps.db, runId, 'root', rootHash, updated.messageRef);
    root = updated;
  }

  // The stage cards, together once the run is finished (cardsDue): the root already showed each
  // stage's result as it settled, so the thread's detail arrives in one message instead of six.
  // A finished comparison's scorecard goes with them when the sink can carry both in one message.
  const cards = cardsDue(view, messages);
  let cardsPosted = cards.length === 0;
  if (sink.postScorecard && wantsScorecard(view) && !messages.has(SCORECARD)) {
    cardsPosted = (await postScorecard(deps, sink.postScorecard.bind(sink), view, origin, root, cards)) || cardsPosted;
  }
  if (!cardsPosted) await sink.postStageDetails(view, cards, origin, root, (carried, ref) => recordCards(deps.db, runId, origin, carried, ref));

  // A re-run of an experiment: once it has a verdict, its deltas against the baseline, once.
  if (read.rerun && view.verdict && !messages.has('experiment') && sink.postExperimentCard) {
    const card = await experimentCardFor(deps.db, runId);
    if (card) {
      const posted = await sink.postExperimentCard(card, origin, root);
      await recordMessage(deps.db, { runId, key: 'experiment', platform: origin.platform, channelId: posted.channelId, messageRef: posted.messageRef, threadRef: posted.threadRef });
    }
  }
}

/**
 * The settled stages whose card is not posted yet, once the run is finished: none before. (A
 * draft's thread holds its photo feedback, attributes and one card per marketplace,
 * views/draft-view.ts.) Every card a message carried is recorded under its own key with that
 * message's reference, in one statement right after it (before the next message, when the cards
 * take more than one), so a retried task never posts it again; a crash
 * between the post and that record can repeat the post, as for any message (no chat API takes an
 * idempotency key).
 */
function cardsDue(view: RunView, messages: ReadonlyMap<string, DeliveredMessage>): StageView[] {
  if (!isFinished(view)) return [];
  const all = view.kind === 'draft' ? draftThreadCards(view) : view.stages;
  return all.filter((s) => (s.status === 'succeeded' || s.status === 'failed') && !messages.has(s.name));
}

function recordCards(db: Db, runId: string, origin: Exclude<RunOrigin, { platform: 'cli' }>, cards: readonly StageView[], posted: MessageRef): Promise<void> {
  return recordMessages(db, cardRows(runId, origin, cards, posted));
}

function cardRows(runId: string, origin: Exclude<RunOrigin, { platform: 'cli' }>, cards: readonly StageView[], posted: MessageRef) {
  return cards.map((c) => ({ runId, key: c.name, platform: origin.platform, channelId: posted.channelId, messageRef: posted.messageRef, threadRef: posted.threadRef }));
}

/**
 * Stages the run engine queued a moment ago (a completion enqueues the next ones) begin within
 * milliseconds, and "running…" replaces "waiting" in the root. Rendering
 * before that would cost a second edit right after this one for nothing the person can use, so
 * the view is read again until no stage is queued, for at most BEGIN_WAIT_MS: a stage still queued
 * after that waits for a worker, and its "waiting" is true.
 */
async function viewOnceBegun(db: Db, runId: string, first: RunView): Promise<RunView | undefined> {
  let view = first;
  for (let waited = 0; waited < BEGIN_WAIT_MS && view.stages.some((s) => s.status === 'queued'); waited += BEGIN_POLL_MS) {
    await new Promise((r) => setTimeout(r, BEGIN_POLL_MS));
    const again = await getRunWithStages(db, runId);
    if (!again) return undefined;
    view = await viewOf(db, again.run, again.stages);
  }
  return view;
}

/** The run's view from rows in hand (the queue position is read only for a run waiting for a slot). */
async function viewOf(db: Db, run: Run, stages: readonly StageRow[]): Promise<RunView> {
  return toRunView(run, stages, await queuePosition(db, run));
}

const BEGIN_WAIT_MS = 300;
const BEGIN_POLL_MS = 50;

/** The chat_messages key of a run's scorecard image. */
const SCORECARD = 'scorecard';

/** A comparison that finished with a verdict (succeeded, or partial: a stage failed) gets its scorecard. */
const wantsScorecard = (v: RunView) => v.kind === 'compare' && (v.status === 'succeeded' || v.status === 'partial') && v.verdict !== null;

/**
 * Posts the scorecard (with the cards, when the sink carries them in its message) and records it
 * (key `scorecard`) when the sink claims it — before a step that must not run twice — or when it
 * returns, whichever comes first; carried cards are recorded when it returns. A failure to render
 * or publish is logged, never thrown: the messages are delivered (the cards go out on their
 * own), and a retried task would only repeat the attempt. A failure to record is thrown (the task
 * retries; a claim already written keeps the retry from publishing again). Answers whether the
 * cards went out with it.
 */
async function postScorecard(
  deps: { db: Db; logger: Logger },
  post: NonNullable<MessageSink['postScorecard']>,
  view: RunView,
  origin: Exclude<RunOrigin, { platform: 'cli' }>,
  root: MessageRef,
  cards: readonly StageView[],
): Promise<boolean> {
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
  let posted: PostedScorecard;
  try {
    posted = await post(view, origin, root, claim, cards);
  } catch (e) {
    if (claimFailure !== undefined && e === claimFailure) throw e;
    deps.logger.warn({ err: e, runId: view.id, platform: origin.platform }, 'scorecard not posted: the run was delivered without its image');
    return false;
  }
  if (!posted.carriedCards || cards.length === 0) {
    await record(posted.ref);
    return false;
  }
  // The scorecard (already there when it was claimed: a no-op) and the cards it carried, in one statement.
  await recordMessages(deps.db, [
    { runId: view.id, key: SCORECARD, platform: origin.platform, channelId: posted.ref.channelId, messageRef: posted.ref.messageRef, threadRef: posted.ref.threadRef },
    ...cardRows(view.id, origin, cards, posted.ref),
  ]);
  return true;
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
