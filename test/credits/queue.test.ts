import { describe, expect, test } from 'vitest';
import { dispatch, type CommandContext, type Reply } from '../../bots/shared/dispatch.ts';
import { deliverRun, type MessageSink, type RunOrigin } from '../../service/app/delivery/index.ts';
import { completeStage, startComparison } from '../../service/app/comparisons/index.ts';
import { loadRunView, type RunView } from '../../service/app/views/index.ts';
import { createAppServices } from '../../service/app/services.ts';
import { useTestDatabase } from '../db.ts';
import { memoryLogger } from '../support/logger.ts';
import { asin, balanceOf, creditsDeps, expectLedgerConsistent, jobsFor, pairInput, runsOf, slack, slackOrigin, workspaceWith } from '../support/credits.ts';

/** At most 3 running comparisons per workspace; the rest wait in order, told where they stand. */

const tdb = await useTestDatabase();
const db = tdb.db;
const deps = await creditsDeps(tdb);
const app = createAppServices(deps);

const ctx = (teamId: string, n: number): CommandContext => ({ workspace: slack(teamId), origin: slackOrigin(teamId), requestKey: `trigger-${teamId}-${n}`, userId: 'U0TESTER' });
const compare = (teamId: string, n: number) => dispatch({ name: 'compare', a: asin(2 * n), b: asin(2 * n + 1), fresh: false }, ctx(teamId, n), app);
const acquireJobs = async (runId: string) => (await jobsFor(db, 'acquire_listings')).filter((j) => j.runId === runId).length;
const failAcquire = (runId: string) => completeStage(db, runId, 'acquire', { ok: false, code: 'listing_not_found', message: 'gone' });

describe('the running limit and the queue', () => {
  test('8 concurrent compares on a workspace holding 30 credits start exactly 3 runs and tell the others why not', async () => {
    await workspaceWith(db, 'TEIGHT', 30);
    const replies = await Promise.all(Array.from({ length: 8 }, (_, i) => compare('TEIGHT', i)));
    const started = replies.filter((r): r is Extract<Reply, { kind: 'started' }> => r.kind === 'started');
    const refused = replies.filter((r): r is Extract<Reply, { kind: 'private' }> => r.kind === 'private');
    expect(started).toHaveLength(3);
    expect(started.every((r) => r.existing === null && r.queuePosition === null)).toBe(true);
    expect(started.map((r) => r.balance).sort()).toEqual([0, 10, 20]);
    expect(refused).toHaveLength(5);
    for (const r of refused) expect(r.text).toMatch(/credits/);
    for (const r of started) expect(await acquireJobs(r.runId)).toBe(1);
    await expectLedgerConsistent(db);
  });

  test('the 4th and later runs wait with their positions, get a root message at once, and start as slots free', async () => {
    const ws = await workspaceWith(db, 'TQUEUE', 100);
    const replies: Reply[] = [];
    for (let i = 0; i < 6; i++) replies.push(await compare('TQUEUE', i));
    const started = replies.map((r) => (r.kind === 'started' ? r : undefined));
    expect(started.map((r) => r?.queuePosition)).toEqual([null, null, null, 1, 2, 3]);
    // Every run reserved at creation, waiting or not.
    expect(await balanceOf(db, ws.id)).toBe(40);
    const ids = started.map((r) => r!.runId);
    expect(await Promise.all(ids.map(acquireJobs))).toEqual([1, 1, 1, 0, 0, 0]);

    // The waiting run's root message goes out at once and says where it stands.
    const delivered: RunView[] = [];
    const sink: MessageSink<Extract<RunOrigin, { platform: 'slack' }>> = {
      platform: 'slack',
      upsertRoot: async (view) => {
        delivered.push(view);
        return { channelId: 'C0CREDITS', messageRef: `ts-${delivered.length}`, threadRef: null };
      },
      postStageDetails: () => Promise.reject(new Error('no stage settled')),
      notifyPrivately: () => Promise.resolve(),
      postNotice: () => Promise.resolve(),
    };
    const deliverJobs = (await jobsFor(db, 'deliver_run')).map((j) => j.runId);
    expect(deliverJobs).toEqual(expect.arrayContaining(ids));
    await deliverRun({ db, sinks: { slack: sink }, logger: memoryLogger().logger }, ids[4]!);
    expect(delivered[0]).toMatchObject({ id: ids[4], status: 'queued', queuePosition: 2 });

    // A run finishes: the oldest waiting run starts (its acquire job enqueued), the others move up.
    await failAcquire(ids[0]!);
    expect(await acquireJobs(ids[3]!)).toBe(1);
    expect((await loadRunView(db, ids[3]!))?.queuePosition).toBeNull();
    expect((await loadRunView(db, ids[4]!))?.queuePosition).toBe(1);
    expect((await loadRunView(db, ids[5]!))?.queuePosition).toBe(2);
    // …and the moved-up run's root message is edited with its new position.
    await deliverRun({ db, sinks: { slack: sink }, logger: memoryLogger().logger }, ids[4]!);
    expect(delivered.at(-1)).toMatchObject({ id: ids[4], queuePosition: 1 });

    // Two runs finish at the same moment: each hands its slot over once.
    await Promise.all([failAcquire(ids[1]!), failAcquire(ids[2]!), failAcquire(ids[1]!)]);
    expect(await Promise.all(ids.map(acquireJobs))).toEqual([1, 1, 1, 1, 1, 1]);
    const rows = await runsOf(db, ws.id);
    expect(rows.filter((r) => r.admittedAt !== null && (r.status === 'queued' || r.status === 'running'))).toHaveLength(3);
    expect(rows.filter((r) => r.admittedAt === null)).toHaveLength(0);
    // Three failed acquisitions: three full refunds.
    expect(await balanceOf(db, ws.id)).toBe(70);
    await expectLedgerConsistent(db);
  });

  test('the queue is FIFO: a redelivery reports its position, and a freed slot goes to the oldest waiting run, not the newcomer', async () => {
    await workspaceWith(db, 'TFIFO', 100);
    const first = [];
    for (const i of [0, 1, 2, 3]) first.push(await startComparison(deps, pairInput('TFIFO', i, { requestKey: `k${i}` })));
    expect(first.map((r) => r.queuePosition)).toEqual([null, null, null, 1]);
    const again = await startComparison(deps, pairInput('TFIFO', 3, { requestKey: 'k3' }));
    expect(again).toMatchObject({ kind: 'existing', reason: 'same_request', queuePosition: 1 });
    // The operator raises the limit to 4: the next command fills the free slot with the oldest
    // waiting run and queues itself behind the rest.
    const roomier = { ...deps, maxRunning: 4 };
    const fifth = await startComparison(roomier, pairInput('TFIFO', 4, { requestKey: 'k4' }));
    expect(fifth.queuePosition).toBe(1);
    expect(await acquireJobs(first[3]!.run.id)).toBe(1);
    expect(await acquireJobs(fifth.run.id)).toBe(0);
  });

  test('the operator\'s terminal is neither metered nor limited', async () => {
    const cli = { platform: 'cli' as const, externalId: 'local' };
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await startComparison(deps, { ...pairInput('x', 100 + i), workspace: cli, origin: { platform: 'cli' } }));
    expect(results.map((r) => r.queuePosition)).toEqual([null, null, null, null, null]);
    expect(results.every((r) => r.kind === 'created' && r.balance === 0)).toBe(true);
  });
});
