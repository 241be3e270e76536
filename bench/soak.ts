/**
 * `npm run bench -- --soak [--runs 1000] [--scale 100] [--concurrency 20] [--json] [--log-level warn] [--idle-wait 35] [--keep-log FILE] [--heap-snapshots DIR]`
 *
 * A long run of the deployed service (issue 22, item 4): `--runs` comparisons through
 * `listinglab serve` in a child process (service-process.ts), the emulators and the embedded
 * Postgres of the bench (run.ts), `--concurrency` commands kept in flight — a slot sends its next
 * command only once its run is over and shown in its channel (soak-watch.ts). Each run is its own
 * workspace, channel and ASIN pair, as in the bench: a thousand first-time workspaces is the
 * harder case for what a service keeps per workspace.
 *
 * What it checks (soak-checks.ts), each a bound with pass/fail, exit code 1 if any fails:
 * - every run finished and was delivered;
 * - the service's RSS (VmRSS) after the first 100 runs and at the end within 10 % of each other,
 *   both read at rest (the load pauses after the first 100 until the queue drains) — memory that
 *   grows with the number of runs served is a leak; `--heap-snapshots DIR` says what grew;
 * - its Postgres connections at the end within its pools (the app pool, 10, and graphile-worker's,
 *   WORKER_CONCURRENCY + 2), and again after `--idle-wait` seconds (both pools keep idle
 *   connections 5 minutes: what they hold then must still be within them);
 * - no job left in graphile-worker's queue but the crontab's next ones;
 * - no error line (pino level ≥ 50) in the service's log (LOG_LEVEL=warn; the whole stderr is
 *   kept in the bench's temp dir, and copied to `--keep-log` or, if a bound fails, next to it).
 */
import { createWriteStream } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createDb } from '../service/db/client.ts';
import { startEmbeddedPostgres } from '../service/db/embedded.ts';
import { migrateDatabase } from '../service/db/migrate.ts';
import { createLifecycle } from '../service/main/lifecycle.ts';
import { startSlackEmulator } from '../test/emulators/slack.ts';
import { FORM, signed, slashCommandBody } from '../test/emulators/slack-requests.ts';
import { benchAsin, startProvidersThread } from './providers-thread.ts';
import { BENCH_SIGNING_SECRET, benchServiceEnv, startService, type ServiceProcess } from './service-process.ts';
import { type Bound, medianBetween, queueState, serviceConnections, summariseLog } from './soak-checks.ts';
import { heapGrowth, heapSnapshotNodeArgs, takeHeapSnapshot } from './soak-heap.ts';
import { printSoak } from './soak-report.ts';
import { type RunOutcome, watchCompletions } from './soak-watch.ts';

const BENCH_APP = 'listinglab-bench-soak';
/** The service's own pool (service/main/database.ts: openDatabase's default poolSize). */
const APP_POOL = 10;
/** Runs after which the first RSS is read (a third of the runs if fewer than 300): the service has loaded everything a run touches by then. */
const FIRST_RUNS = 100;

export async function runSoak(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      runs: { type: 'string', default: '1000' },
      concurrency: { type: 'string', default: '20' },
      scale: { type: 'string', default: '100' },
      json: { type: 'boolean', default: false },
      'log-level': { type: 'string', default: 'warn' },
      'idle-wait': { type: 'string', default: '35' },
      'keep-log': { type: 'string' },
      /** Heap snapshots of the service after the first runs and at the end, into this directory, and what grew (soak-heap.ts). */
      'heap-snapshots': { type: 'string' },
    },
  });
  const R = Math.max(1, Number(values.runs));
  const C = Math.max(1, Math.min(R, Number(values.concurrency)));
  const SCALE = Math.max(1, Number(values.scale));
  const FIRST = Math.max(1, Math.min(FIRST_RUNS, Math.floor(R / 3)));
  const workerConcurrency = Math.max(16, 4 * C); // as run.ts
  // Progress goes to stderr even with --json (stdout is the one JSON object): a soak takes minutes.
  const say = (m: string) => process.stderr.write(`${m}\n`);

  const lifecycle = createLifecycle();
  const parent = await mkdtemp(path.join(os.tmpdir(), 'listinglab-soak-'));
  await chmod(parent, 0o755);
  const logPath = path.join(parent, 'service.log');
  const log = createWriteStream(logPath);
  const snapshots = values['heap-snapshots'];
  if (snapshots) await mkdir(snapshots, { recursive: true });
  const heapFiles: string[] = [];
  try {
    const slack = await startSlackEmulator();
    lifecycle.onShutdown('slack emulator', () => slack.close());
    const providers = await startProvidersThread({ scale: SCALE, runs: Array.from({ length: R }, (_, k) => k) }, () => undefined);
    lifecycle.onShutdown('providers thread', () => providers.close());
    const pg = await startEmbeddedPostgres({ dataDir: path.join(parent, 'data') });
    lifecycle.onShutdown('postgres', async () => {
      await pg.release();
      await rm(parent, { recursive: true, force: true });
    });
    await migrateDatabase(pg.url);
    const handle = createDb(pg.url, { max: 2, applicationName: BENCH_APP });
    lifecycle.onShutdown('pool', () => handle.close());
    const service = await startService(
      benchServiceEnv({ databaseUrl: pg.url, dataDir: path.join(parent, 'service'), logLevel: values['log-level'], slackApiUrl: slack.apiUrl, providers, workerConcurrency }),
      { onStderr: (c) => log.write(c), ...(snapshots ? { nodeArgs: heapSnapshotNodeArgs(snapshots) } : {}) },
    );
    lifecycle.onShutdown('service', () => service.stop());

    const drain = () => drainQueue(handle.sql);
    const watcher = watchCompletions(handle.sql, slack, { runTimeoutMs: 300_000, deliveryTimeoutMs: 60_000 });
    lifecycle.onShutdown('watcher', async () => watcher.close());
    const outcomes: RunOutcome[] = [];
    /** When the n-th run was over (n = 1…R). */
    const doneAt: number[] = [];
    let after100: Record<string, number> | undefined;
    const incomplete: { k: number; team: string; channel: string; outcome: RunOutcome }[] = [];
    let next = 0;
    const t0 = Date.now();
    // The first FIRST runs, then a pause while the queue drains and the service's memory is read at
    // rest — as it is read at the end — then the rest: the two figures differ by what the runs in
    // between left behind, not by how many runs happened to be in flight at the moment of reading.
    let resume!: () => void;
    const resumed = new Promise<void>((r) => (resume = r));
    let pausedMs = 0;
    const slot = async () => {
      for (let k = next++; k < R; k = next++) {
        if (k >= FIRST) await resumed;
        const team = `T_SOAK_${k}`;
        const channel = `C_SOAK_${k}`;
        const over = watcher.wait({ team, channel });
        const body = slashCommandBody({ text: `compare ${benchAsin(k, 0)} ${benchAsin(k, 1)}`, teamId: team, channelId: channel, triggerId: `trigger-${k}`, responseUrl: slack.responseUrl() });
        const req = signed(BENCH_SIGNING_SECRET, body, FORM);
        const res = await fetch(`${service.base}/slack/events`, { method: 'POST', headers: req.headers, body: req.payload }).catch((e: unknown) => e);
        if (res instanceof Response) await res.text();
        service.assertAlive();
        const outcome = await over;
        const n = outcomes.push(outcome);
        if (outcome.kind !== 'delivered' || outcome.status !== 'succeeded') incomplete.push({ k, team, channel, outcome });
        doneAt.push(Date.now());
        if (n === FIRST) {
          const pausedAt = Date.now();
          await drain();
          after100 = await memoryNow(service);
          if (snapshots) heapFiles.push(await takeHeapSnapshot(service.pid, snapshots));
          pausedMs = Date.now() - pausedAt;
          resume();
        }
        if (n % 100 === 0) say(`soak: ${n}/${R} runs over in ${Math.round((Date.now() - t0) / 1000)} s, RSS ${(await service.memory())['VmRSS_mb']} MB`);
      }
    };
    await Promise.all(Array.from({ length: C }, slot));
    const wallMs = Date.now() - t0 - pausedMs;
    watcher.close();

    const queue = await drain();
    const end = await memoryNow(service);
    if (snapshots) heapFiles.push(await takeHeapSnapshot(service.pid, snapshots));
    const connectionsEnd = await serviceConnections(handle.sql, BENCH_APP);
    say(`soak: queue drained; waiting ${values['idle-wait']} s for idle connections to close`);
    await new Promise((r) => setTimeout(r, Number(values['idle-wait']) * 1000));
    const connectionsIdle = await serviceConnections(handle.sql, BENCH_APP);
    const idle = await memoryNow(service);
    const queueIdle = await queueState(handle.sql);
    await new Promise<void>((r) => log.write('', () => r()));
    const logSummary = summariseLog(await readFile(logPath, 'utf8'));
    // Each incomplete run as its channel shows it now, after the drain and the idle wait: a run delivered since was late, not lost.
    /** The chat calls a run's channel received (ms since the epoch, and the text they set). */
    const chatCalls = (channel: string) => slack.calls.filter((c) => c.args['channel'] === channel).map((c) => ({ method: c.method, at: new Date(c.at).toISOString(), text: typeof c.args['text'] === 'string' ? c.args['text'].slice(0, 60) : undefined }));
    const incompleteRuns = await Promise.all(
      incomplete.slice(0, 10).map(async (r) => ({ k: r.k, team: r.team, ...r.outcome, now: watcher.channel(r.channel), recorded: await recordedMessages(handle.sql, r.team), calls: chatCalls(r.channel) })),
    );

    const failed = outcomes.filter((o) => o.kind !== 'delivered' || o.status !== 'succeeded').length;
    const first = after100?.['VmRSS_mb'] ?? Number.NaN;
    const last = end['VmRSS_mb'] ?? Number.NaN;
    const ratio = Math.round((last / first) * 1000) / 1000;
    const total = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);
    const workerPool = workerConcurrency + 2; // service/jobs/worker.ts: maxPoolSize
    const withinPools = (c: { app: number; worker: number; other: number }) => c.app <= APP_POOL && c.worker <= workerPool && c.other === 0;
    const leftover = total(queue.leftover);
    // Load-matched RSS: the median over the 2nd hundred runs and over the last hundred (both under the same load).
    const window = (from: number, to: number) => medianBetween(service.rss.samples, doneAt[from - 1] ?? t0, doneAt[to - 1] ?? Date.now());
    const result = {
      runs: R,
      concurrency: C,
      scale: SCALE,
      workspaces: 'one per run',
      failed,
      incomplete_runs: incompleteRuns,
      outcomes: Object.fromEntries(Object.entries(Object.groupBy(outcomes, (o) => (o.kind === 'missing' ? 'missing' : `${o.kind}:${o.status}`))).map(([k, v]) => [k, v?.length ?? 0])),
      wall_s: Math.round(wallMs / 100) / 10,
      paused_s: Math.round(pausedMs / 100) / 10,
      runs_per_min: Math.round((R / wallMs) * 60_000 * 10) / 10,
      first_runs: FIRST,
      rss_mb: { after_first: first, end: last, end_over_first: ratio, after_idle: idle['VmRSS_mb'], peak: await service.peakRssMb(), median_second_window: window(FIRST, 2 * FIRST), median_last_window: window(Math.max(1, R - FIRST), R) },
      memory_mb: { after_first: after100, end, after_idle: idle },
      pg_connections: { end: connectionsEnd, after_idle: connectionsIdle, idle_wait_s: Number(values['idle-wait']), app_pool_max: APP_POOL, worker_pool_max: workerPool },
      queue: { leftover_jobs: leftover, leftover_by_task: queue.leftover, permanently_failed: queue.permanentlyFailed, cron_jobs: queue.cron, job_queues_rows: queue.jobQueues, job_queues_rows_after_idle: queueIdle.jobQueues },
      log: { lines: logSummary.lines, error: logSummary.error, warn: logSummary.warn, warn_messages: logSummary.warnMessages, first_errors: logSummary.firstErrors },
      ...(heapFiles.length === 2 ? { heap_growth: { files: heapFiles, ...(await heapGrowth(heapFiles[0]!, heapFiles[1]!)) } } : {}),
      bounds: [] as Bound[],
    };
    result.bounds = [
      { name: 'runs complete', pass: failed === 0, detail: `${R - failed}/${R} succeeded and delivered` },
      {
        name: `RSS end within 10 % of after first ${FIRST}`,
        pass: Math.abs(ratio - 1) <= 0.1,
        detail: `${first} → ${last} MB (×${ratio})`,
        // Writing a heap snapshot grows the process by about the heap's size, and it stays resident.
        ...(snapshots ? { notCounted: 'heap snapshots were taken' } : {}),
      },
      {
        name: 'Postgres connections within the pools',
        pass: withinPools(connectionsEnd) && withinPools(connectionsIdle),
        detail: `app ${connectionsEnd.app}, worker ${connectionsEnd.worker} at the end; ${connectionsIdle.app}, ${connectionsIdle.worker} after ${values['idle-wait']} s idle (pools ${APP_POOL}, ${workerPool})`,
      },
      { name: 'queue empty', pass: leftover === 0, detail: `${leftover} jobs left (${queue.permanentlyFailed} failed for good); crontab ${JSON.stringify(queue.cron)}` },
      { name: 'no error in the log', pass: logSummary.error === 0, detail: `${logSummary.error} error, ${logSummary.warn} warn of ${logSummary.lines} lines` },
    ];
    const ok = result.bounds.every((b) => b.pass || b.notCounted);
    const kept = values['keep-log'] ?? (ok ? undefined : path.join(os.tmpdir(), `listinglab-soak-${process.pid}.log`));
    if (kept) await copyFile(logPath, kept);
    printSoak(result, { json: values.json, keptLog: kept });
    return ok ? 0 : 1;
  } finally {
    log.end();
    await lifecycle.shutdown('soak done');
  }
}

/** The run of a workspace: its id, status, and the chat messages the service recorded as delivered (chat_messages keys). */
async function recordedMessages(sql: ReturnType<typeof createDb>['sql'], team: string) {
  return sql<{ run: string; status: string; finished: string | null; keys: string[]; root_updated: string | null; stages: Record<string, string | null> }[]>`
    select r.id as run, r.status, r.finished_at::text as finished,
           (select coalesce(array_agg(m.key order by m.created_at), '{}') from chat_messages m where m.run_id = r.id) as keys,
           (select m.updated_at::text from chat_messages m where m.run_id = r.id and m.key = 'root') as root_updated,
           (select jsonb_object_agg(s.stage, s.finished_at) from run_stages s where s.run_id = r.id) as stages
    from runs r join workspaces w on w.id = r.workspace_id
    where w.external_id = ${team}`;
}

/** Until graphile-worker's queue holds no job but the crontab's (the last message edits done), 60 s at most; the queue then. */
async function drainQueue(sql: ReturnType<typeof createDb>['sql']) {
  let queue = await queueState(sql);
  for (const deadline = Date.now() + 60_000; Object.keys(queue.leftover).length && Date.now() < deadline; queue = await queueState(sql)) {
    await new Promise((r) => setTimeout(r, 500));
  }
  return queue;
}

/** The service's memory now: /proc's view and its V8 heap (its default metrics). */
async function memoryNow(service: ServiceProcess): Promise<Record<string, number>> {
  const mb = async (name: string, labels?: Record<string, string>) => Math.round((await service.metricSum(name, labels)) / 2 ** 20);
  return {
    ...(await service.memory()),
    heap_used: await mb('nodejs_heap_size_used_bytes'),
    heap_total: await mb('nodejs_heap_size_total_bytes'),
    external: await mb('nodejs_external_memory_bytes'),
    old_space: await mb('nodejs_heap_space_size_total_bytes', { space: 'old' }),
    large_object_space: await mb('nodejs_heap_space_size_total_bytes', { space: 'large_object' }),
  };
}
