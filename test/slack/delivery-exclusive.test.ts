import { afterAll, describe, expect, test } from 'vitest';
import { createSlackClients, singleWorkspaceTokens } from '../../bots/slack/clients.ts';
import { createSlackSink } from '../../bots/slack/sink.ts';
import { deliverRun, scheduleDelivery } from '../../service/app/delivery/index.ts';
import { insertRun } from '../../service/db/repos/runs.ts';
import { ensureWorkspace } from '../../service/db/repos/workspaces.ts';
import { enqueue } from '../../service/jobs/enqueue.ts';
import { startWorker, type TaskHandlers } from '../../service/jobs/worker.ts';
import { useTestDatabase } from '../db.ts';
import { startSlackEmulator } from '../emulators/slack.ts';
import { memoryLogger } from '../support/logger.ts';

/**
 * One delivery of a run at a time, across worker slots and processes, without a graphile queue
 * per run (graphile keeps one `_private_job_queues` row per queue name forever): two deliveries
 * of one run that start together post one root between them — the one that finds the other
 * running steps aside and renders again a moment later.
 */

const BOT_TOKEN = 'xoxb-test-exclusive-token';
const CHANNEL = 'C_EXCLUSIVE';

const slack = await startSlackEmulator();
afterAll(() => slack.close());
const tdb = await useTestDatabase();
const { logger } = memoryLogger([BOT_TOKEN]);

const slackSink = createSlackSink({ clients: createSlackClients({ apiUrl: slack.apiUrl, tokens: singleWorkspaceTokens(BOT_TOKEN), logger }), logger });
/** The real Slack sink, its root post held 300 ms: long enough for a second delivery to start meanwhile. */
const slowRoot: typeof slackSink = Object.assign(Object.create(slackSink) as typeof slackSink, {
  upsertRoot: async (...args: Parameters<typeof slackSink.upsertRoot>) => {
    await new Promise((r) => setTimeout(r, 300));
    return slackSink.upsertRoot(...args);
  },
});

const unexpected = (name: string) => () => Promise.reject(new Error(`unexpected ${name} job`));
const handlers: TaskHandlers = {
  deliver_run: (p) => deliverRun({ db: tdb.db, sinks: { slack: slowRoot }, logger }, p.runId),
  sweep_expired: unexpected('sweep_expired'),
  acquire_listings: unexpected('acquire_listings'),
  run_stage: unexpected('run_stage'),
  draft_stage: unexpected('draft_stage'),
  reclaim_stale_runs: unexpected('reclaim_stale_runs'),
  notify_workspace: unexpected('notify_workspace'),
};

async function newRun(): Promise<string> {
  const ws = await ensureWorkspace(tdb.db, { platform: 'slack', externalId: `T_EX_${Math.random().toString(36).slice(2, 8)}`, name: 'Exclusive' }, 0);
  const run = await insertRun(
    tdb.db,
    {
      workspaceId: ws.id,
      kind: 'compare',
      status: 'running',
      inputs: { a: { kind: 'asin', asin: 'B0799CK52K' }, b: { kind: 'asin', asin: 'B074M5HPBD' } },
      dedupKey: 'compare:B0799CK52K:B074M5HPBD',
      origin: { platform: 'slack', teamId: ws.externalId, channelId: CHANNEL, userId: 'U1' },
      pinnedPrompts: {},
      admittedAt: new Date(),
    },
    [{ stage: 'acquire', credits: 0 }],
  );
  return run.id;
}

async function until(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('deliveries of one run', () => {
  let worker: Awaited<ReturnType<typeof startWorker>> | undefined;
  afterAll(async () => worker?.stop());

  test('two that start together post one root, and no graphile queue row is left per run', async () => {
    const runId = await newRun();
    const queuesBefore = (await tdb.sql<{ n: number }[]>`select count(*)::int as n from graphile_worker._private_job_queues`)[0]!.n;
    // Two jobs with no key: both are fetched at once by a worker with two slots.
    await enqueue(tdb.db, 'deliver_run', { runId });
    await enqueue(tdb.db, 'deliver_run', { runId });
    // And the way the service schedules them (its keys), for the queue-row check.
    await scheduleDelivery(tdb.db, { id: runId, origin: { platform: 'slack' } }, 0);
    worker = await startWorker({ connectionString: tdb.url, logger, schedule: false, pollInterval: 100, concurrency: 4, handlers });

    await until(async () => (await tdb.sql`select 1 from graphile_worker.jobs`).length === 0);
    expect(slack.roots(CHANNEL)).toHaveLength(1);
    expect(slack.callsTo('chat.postMessage')).toHaveLength(1);
    const roots = await tdb.sql<{ n: number }[]>`select count(*)::int as n from chat_messages where run_id = ${runId} and key = 'root'`;
    expect(roots[0]!.n).toBe(1);
    const queuesAfter = (await tdb.sql<{ n: number }[]>`select count(*)::int as n from graphile_worker._private_job_queues`)[0]!.n;
    expect(queuesAfter).toBe(queuesBefore);
  });
});
