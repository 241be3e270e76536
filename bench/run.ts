/**
 * `npm run bench [-- --concurrency N] [--json] [--scale S] [--sql-top K] [--memory] [--cpu-prof DIR] [--warm-up W]`
 *
 * The service as it is deployed — `listinglab serve` (HTTP and worker) in a child process of its
 * own (service-process.ts), configured through its environment, on an embedded Postgres this
 * process starts — against local emulators of Slack, Apify and OpenAI in this process, driven by N concurrent
 * signed `/listing compare` commands. The model emulator's latency follows a realistic spread —
 * 4–15 s per vision call, 2–6 s per text call — divided by `--scale` (default 100) so a run takes
 * a fraction of a second. Each run has its own workspace, channel and ASIN pair.
 *
 * Figures: ack (HTTP response to the command), pickup (run created → first stage started),
 * first update (command → first chat.postMessage in the run's channel), e2e ratio (command →
 * run finished, over the critical path of the latencies the emulator gave that run: max of
 * ctr/pdp/text + avatars, each the slower of its two presentation orders), Slack calls, SQL statements (pg_stat_statements: everything any client
 * sent, graphile-worker's included) and deliver_run jobs per run (the service's /metrics), runs per
 * minute, CPU seconds per run of the service process (every thread of it, from /proc) and,
 * separately, of the Postgres server, the service process's peak RSS (VmHWM; the emulators are not
 * in it), and what a run's model calls cost: tokens and estimated USD per run (mean), from the usage the
 * emulator reports (images by OpenAI's pixel formula, test/emulators/image-tokens.ts) at the
 * configured prices of the default model. The emulator's answers are minimal, so output tokens —
 * and the cost — are a floor; input tokens are what the real API would bill for the same request.
 * The image host, Apify and the model emulator run on a thread of their own
 * (providers-thread.ts): real providers parse our requests on their machines, not on our event loop.
 */
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createDb } from '../service/db/client.ts';
import { startEmbeddedPostgres } from '../service/db/embedded.ts';
import { migrateDatabase } from '../service/db/migrate.ts';
import { createLifecycle } from '../service/main/lifecycle.ts';
import { modelCostOfRuns } from '../service/db/repos/run-cost.ts';
import { benchAsin as asin, startProvidersThread } from './providers-thread.ts';
import { BENCH_SIGNING_SECRET, benchServiceEnv, gcCounts, gcPerRunOf, postgresCpuSeconds, startService } from './service-process.ts';
import { checkpoints, stallSignals } from './stalls.ts';
import { startSlackEmulator } from '../test/emulators/slack.ts';
import { FORM, signed, slashCommandBody } from '../test/emulators/slack-requests.ts';

const { values } = parseArgs({
  options: {
    concurrency: { type: 'string', default: '20' },
    json: { type: 'boolean', default: false },
    scale: { type: 'string', default: '100' },
    /** Print the statements sent most often (per run), to see where the SQL goes. */
    'sql-top': { type: 'string' },
    /** Print where the service's memory is (RSS over the run, smaps, V8 heap) to stderr. */
    memory: { type: 'boolean', default: false },
    /**
     * Write a V8 CPU profile of the service (`--cpu-prof`) into this directory when it stops, and
     * window.json: the measured runs' start and end on the profile's clock (CLOCK_MONOTONIC, µs).
     */
    'cpu-prof': { type: 'string' },
    /** Runs sent at once and finished before the measured ones: as many by default, so V8 has compiled the hot code (README). */
    'warm-up': { type: 'string' },
  },
});
const N = Math.max(1, Number(values.concurrency));
const SCALE = Math.max(1, Number(values.scale));
const say = (m: string) => {
  if (!values.json) process.stderr.write(`${m}\n`);
};

/** The bench's own statements (waiting for runs, reading results, pg_stat_statements itself): not the service's. */
const BENCH_QUERIES = String.raw`pg_stat_statements|^select count\(\*\)::int as done from runs|^select w\.external_id as team`;
const lifecycle = createLifecycle();
const parent = await mkdtemp(path.join(os.tmpdir(), 'listinglab-bench-'));
await chmod(parent, 0o755);

/** Model latency given per run (by its marker in the prompt) and stage. */
const given = new Map<string, Record<string, number>>();
const WARM_UP = Array.from({ length: Math.max(1, Number(values['warm-up'] ?? N)) }, (_, i) => 1_000 + i);

try {
  const slack = await startSlackEmulator();
  lifecycle.onShutdown('slack emulator', () => slack.close());
  const providers = await startProvidersThread({ scale: SCALE, runs: [...WARM_UP, ...Array.from({ length: N }, (_, k) => k)] }, (g) => {
    // A stage asks both presentation orders at once (both-orders.ts): its critical path is the slower call.
    const seen = given.get(g.run);
    given.set(g.run, { ...seen, [g.stage]: Math.max(seen?.[g.stage] ?? 0, g.ms) });
  });
  lifecycle.onShutdown('providers thread', () => providers.close());

  // pg_stat_statements counts every top-level statement any client sends (ours, graphile-worker's).
  const pg = await startEmbeddedPostgres({ dataDir: path.join(parent, 'data'), settings: { shared_preload_libraries: 'pg_stat_statements' } });
  lifecycle.onShutdown('postgres', async () => {
    await pg.release();
    await rm(parent, { recursive: true, force: true });
  });
  await migrateDatabase(pg.url);
  const handle = createDb(pg.url, { max: 4 });
  lifecycle.onShutdown('pool', () => handle.close());
  await handle.sql`create extension if not exists pg_stat_statements`;
  const service = await startService(
    benchServiceEnv({ databaseUrl: pg.url, dataDir: path.join(parent, 'service'), logLevel: 'error', slackApiUrl: slack.apiUrl, providers, workerConcurrency: Math.max(16, 4 * N) }),
    { nodeArgs: values['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', path.resolve(values['cpu-prof'])] : [] },
  );
  // Registered after the pool, so it runs first: the service stops before its database does.
  lifecycle.onShutdown('service', () => service.stop());
  const base = service.base;

  const send = async (k: number) => {
    const body = slashCommandBody({ text: `compare ${asin(k, 0)} ${asin(k, 1)}`, teamId: `T_BENCH_${k}`, channelId: `C_BENCH_${k}`, triggerId: `trigger-${k}`, responseUrl: slack.responseUrl() });
    const req = signed(BENCH_SIGNING_SECRET, body, FORM);
    const t0 = performance.now();
    const res = await fetch(`${base}/slack/events`, { method: 'POST', headers: req.headers, body: req.payload });
    await res.text();
    if (res.status !== 200) throw new Error(`command ${k}: HTTP ${res.status}`);
    return { sentAt: Date.now() - (performance.now() - t0), ackMs: performance.now() - t0 };
  };

  // Warm-up (not counted): loads OCR and measures every sample image once (the measurement
  // cache is keyed by content), as on a live server that has seen these listings.
  await Promise.all(WARM_UP.map(send));
  await waitForRuns(WARM_UP.length);
  // …and their messages: a warm-up run's last edits and scorecard must not count as the measured runs'.
  await Promise.all(WARM_UP.map((k) => delivered(k)));
  for (let seen = -1; seen !== slack.calls.length; await new Promise((r) => setTimeout(r, 1_000))) seen = slack.calls.length;
  say('warm-up done');

  const memoryAfterWarmUp = values.memory ? await memoryReport() : undefined;
  // During the measured runs, the report every 500 ms: the one with the most RSS shows what the peak is made of.
  let largest: Record<string, number> | undefined;
  const watch = values.memory
    ? setInterval(() => void memoryReport().then((m) => (largest = (m['VmRSS_mb'] ?? 0) > (largest?.['VmRSS_mb'] ?? 0) ? m : largest), () => undefined), 500)
    : undefined;
  const cpu0 = await service.cpuSeconds();
  const threads0 = await service.cpuByThread();
  const pgCpu0 = await postgresCpuSeconds(path.join(parent, 'data', 'pg'));
  const callsBefore = slack.calls.length;
  const deliveryJobs = () => service.metricSum('listinglab_jobs_total', { task: 'deliver_run' });
  const deliveries0 = await deliveryJobs();
  const gc0 = await gcCounts(service);
  // prom-client resets its event-loop delay histogram at each scrape: this one starts the window.
  await service.metrics();
  await handle.sql`select pg_stat_statements_reset()`;
  const [checkpoints0, errors0] = [await checkpoints(handle.sql), service.logErrors().count];
  const t0 = Date.now();
  const windowStartUs = process.hrtime.bigint() / 1000n;
  const sent = await Promise.all(Array.from({ length: N }, (_, k) => send(k)));
  await waitForRuns(N + WARM_UP.length);
  const wallMs = Date.now() - t0;
  if (values['cpu-prof']) {
    // The measured runs' window on CLOCK_MONOTONIC in µs — the clock of a .cpuprofile's
    // startTime/timeDeltas — so a profile can be cut to it (warm-up and start-up left out).
    await mkdir(path.resolve(values['cpu-prof']), { recursive: true });
    await writeFile(path.join(path.resolve(values['cpu-prof']), 'window.json'), JSON.stringify({ startUs: Number(windowStartUs), endUs: Number(process.hrtime.bigint() / 1000n) }));
  }
  clearInterval(watch);
  // Chat calls are counted once every run's root shows its verdict and its scorecard is shared (delivery is debounced).
  await Promise.all(Array.from({ length: N }, (_, k) => delivered(k)));
  await new Promise((r) => setTimeout(r, 500));
  const cpu = (await service.cpuSeconds()) - cpu0;
  const threads = Object.entries(await service.cpuByThread())
    .map(([name, s]) => [name, Math.round(((s - (threads0[name] ?? 0)) / N) * 1000) / 1000] as const)
    .filter(([, s]) => s > 0)
    .sort((a, b) => b[1] - a[1]);
  const pgCpu1 = await postgresCpuSeconds(path.join(parent, 'data', 'pg'));
  // Statements sent by the service and its worker, not the bench's own (pg_stat_statements drops
  // comments, so those are told apart by their text: BENCH_QUERIES).
  const [statements] = await handle.sql<{ n: number }[]>`select coalesce(sum(calls), 0)::float8 as n from pg_stat_statements where not (query ~ ${BENCH_QUERIES})`;
  /**
   * How long the service's event loop was held up during the measured runs (prom-client's default
   * metrics, from the first scrape after the window: each scrape starts a new one; `--memory`
   * scrapes every 500 ms, so with it this is the last half second only).
   */
  const scraped = await service.metrics();
  const gauge = (name: string) => Math.round(Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(scraped)?.[1] ?? Number.NaN) * 1000);
  const lag = { p99: gauge('nodejs_eventloop_lag_p99_seconds'), max: gauge('nodejs_eventloop_lag_max_seconds') };
  const deliveries = (await deliveryJobs()) - deliveries0;
  const gcPerRun = gcPerRunOf(gc0, await gcCounts(service), N);
  if (values['sql-top']) {
    const top = await handle.sql<{ calls: number; query: string }[]>`select calls::float8 as calls, query from pg_stat_statements where not (query ~ ${BENCH_QUERIES}) order by calls desc limit ${Number(values['sql-top'])}`;
    for (const t of top) process.stderr.write(`${(t.calls / N).toFixed(1).padStart(6)}  ${t.query.replace(/\s+/g, ' ').slice(0, 220)}\n`);
  }

  const rows = await handle.sql<{ run: string; team: string; created: number; finished: number; status: string; stages: Record<string, [number, number]> }[]>`
    select r.id as run, w.external_id as team, (extract(epoch from r.created_at) * 1000)::float8 as created,
           (extract(epoch from r.finished_at) * 1000)::float8 as finished, r.status,
           jsonb_object_agg(s.stage, jsonb_build_array(extract(epoch from s.started_at) * 1000, extract(epoch from s.finished_at) * 1000)) as stages
    from runs r join workspaces w on w.id = r.workspace_id join run_stages s on s.run_id = r.id
    where w.external_id = any(${Array.from({ length: N }, (_, k) => `T_BENCH_${k}`)})
    group by r.id, w.external_id, r.created_at, r.finished_at, r.status`;
  const costs = await modelCostOfRuns(handle.db, rows.map((r) => r.run));
  const meanOf = (f: (c: (typeof costs)[number]) => number) => (costs.length ? costs.reduce((s, c) => s + f(c), 0) / costs.length : 0);
  const failed = rows.filter((r) => r.status !== 'succeeded').length;
  const ack: number[] = [];
  const pickup: number[] = [];
  const firstUpdate: number[] = [];
  const ratio: number[] = [];
  /** Where each run's time went beyond the model latencies it was given (ms), for the table. */
  const parts: Record<string, number[]> = { to_acquire: [], acquire: [], to_stages: [], stages_1_3_extra: [], to_avatars: [], avatars_extra: [], to_verdict: [], verdict: [], to_finished: [] };
  for (let k = 0; k < N; k++) {
    const row = rows.find((r) => r.team === `T_BENCH_${k}`);
    const s = sent[k]!;
    ack.push(s.ackMs);
    if (!row) continue;
    const at = (stage: string, end: 0 | 1) => Number(row.stages[stage]?.[end] ?? Number.NaN);
    pickup.push(at('acquire', 0) - row.created);
    const first = slack.calls.find((c) => c.method === 'chat.postMessage' && c.args.channel === `C_BENCH_${k}`);
    if (first) firstUpdate.push(first.at - s.sentAt);
    const g = given.get(String(k)) ?? {};
    const parallel = Math.max(g.ctr ?? 0, g.pdp ?? 0, g.text ?? 0);
    const critical = parallel + (g.avatars ?? 0);
    if (critical > 0) ratio.push((row.finished - s.sentAt) / critical);
    const firstOf = Math.min(at('ctr', 0), at('pdp', 0), at('text', 0));
    const lastOf = Math.max(at('ctr', 1), at('pdp', 1), at('text', 1));
    const add = (part: string, ms: number) => Number.isFinite(ms) && parts[part]!.push(ms);
    add('to_acquire', at('acquire', 0) - s.sentAt);
    add('acquire', at('acquire', 1) - at('acquire', 0));
    add('to_stages', firstOf - at('acquire', 1));
    add('stages_1_3_extra', lastOf - firstOf - parallel);
    add('to_avatars', at('avatars', 0) - lastOf);
    add('avatars_extra', at('avatars', 1) - at('avatars', 0) - (g.avatars ?? 0));
    add('to_verdict', at('verdict', 0) - at('avatars', 1));
    add('verdict', at('verdict', 1) - at('verdict', 0));
    add('to_finished', row.finished - at('verdict', 1));
  }
  const pct = (xs: number[], p: number) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length ? Math.round(s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! * 100) / 100 : null;
  };
  const result = {
    runs: N,
    failed,
    concurrency: N,
    scale: SCALE,
    ack_ms: { p50: pct(ack, 50), p99: pct(ack, 99) },
    pickup_ms: { p50: pct(pickup, 50), p99: pct(pickup, 99) },
    first_update_ms: { p50: pct(firstUpdate, 50), p99: pct(firstUpdate, 99) },
    e2e_ratio: { p50: pct(ratio, 50), p95: pct(ratio, 95) },
    chat_calls_per_run: Math.round(((slack.calls.length - callsBefore) / N) * 10) / 10,
    chat_calls_by_method: Object.fromEntries(
      Object.entries(Object.groupBy(slack.calls.slice(callsBefore), (c) => c.method)).map(([m, cs]) => [m, Math.round(((cs?.length ?? 0) / N) * 10) / 10]),
    ),
    sql_per_run: Math.round(((statements?.n ?? 0) / N) * 10) / 10,
    delivery_jobs_per_run: Math.round((deliveries / N) * 10) / 10,
    runs_per_min: Math.round((N / wallMs) * 60_000 * 10) / 10,
    cpu_s_per_run: Math.round((cpu / N) * 1000) / 1000,
    cpu_s_per_run_by_thread: Object.fromEntries(threads), // live threads only (service-process.ts cpuByThread)
    pg_cpu_s_per_run: pgCpu0 === undefined || pgCpu1 === undefined ? null : Math.round(((pgCpu1 - pgCpu0) / N) * 1000) / 1000,
    peak_rss_mb: await service.peakRssMb(),
    event_loop_lag_ms: lag,
    gc_per_run: gcPerRun,
    stalls: await stallSignals(handle.sql, checkpoints0, rows.map((r) => r.run), { count: service.logErrors().count - errors0, last: service.logErrors().last }),
    tokens_per_run: { input: Math.round(meanOf((c) => c.inputTokens)), output: Math.round(meanOf((c) => c.outputTokens)) },
    cost_usd_per_run: Math.round(meanOf((c) => c.costUsd) * 1e6) / 1e6,
  };
  if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else {
    const line = (k: string, v: unknown) => process.stdout.write(`${k.padEnd(20)} ${JSON.stringify(v)}\n`);
    process.stdout.write(`ListingLab bench — ${N} concurrent signed /listing compare commands, model latency ÷${SCALE}\n`);
    for (const [k, v] of Object.entries(result)) line(k, v);
    process.stdout.write('\nWhere a run spends time beyond its model latencies (ms, p50 / p95):\n');
    for (const [k, v] of Object.entries(parts)) line(`  ${k}`, [pct(v, 50), pct(v, 95)]);
  }
  if (memoryAfterWarmUp) {
    const end = await memoryReport();
    const trace = service.rss.samples;
    const top = trace.reduce((m, s) => (s.mb > m.mb ? s : m), { at: 0, mb: 0 });
    process.stderr.write(`memory (MB) after warm-up: ${JSON.stringify(memoryAfterWarmUp)}\nmemory (MB) at most RSS:  ${JSON.stringify(largest)}\nmemory (MB) at the end:    ${JSON.stringify(end)}\n`);
    process.stderr.write(`RSS samples: ${trace.length}, largest ${top.mb} MB at +${((top.at - (trace[0]?.at ?? 0)) / 1000).toFixed(1)} s; every 2 s: ${trace.filter((_, i) => i % 20 === 0).map((s) => s.mb).join(' ')}\n`);
  }
  process.exitCode = failed ? 1 : 0;

  /** The service's memory now: /proc's view, and the main thread's V8 heap and external memory (its default metrics). */
  async function memoryReport(): Promise<Record<string, number>> {
    const mb = async (name: string) => Math.round((await service.metricSum(name)) / 2 ** 20);
    return {
      ...(await service.memory()),
      heap_total: await mb('nodejs_heap_size_total_bytes'),
      heap_used: await mb('nodejs_heap_size_used_bytes'),
      external: await mb('nodejs_external_memory_bytes'),
      new_space: Math.round((await service.metricSum('nodejs_heap_space_size_total_bytes', { space: 'new' })) / 2 ** 20),
      old_space: Math.round((await service.metricSum('nodejs_heap_space_size_total_bytes', { space: 'old' })) / 2 ** 20),
      // Objects over ~128 KB (the vision requests' data URLs and JSON bodies) live here.
      large_object_space: Math.round((await service.metricSum('nodejs_heap_space_size_total_bytes', { space: 'large_object' })) / 2 ** 20),
    };
  }

  /** Run k's last messages are in Slack: the root shows the verdict and the scorecard is shared (60 s at most). */
  async function delivered(k: number): Promise<void> {
    const channel = `C_BENCH_${k}`;
    const done = () => slack.roots(channel).some((m) => String(m.text).startsWith('Verdict:')) && slack.sharedFiles.some((f) => f.channel === channel);
    await slack.waitFor(done, 60_000).catch(() => undefined);
  }

  async function waitForRuns(n: number): Promise<void> {
    const deadline = Date.now() + 300_000;
    for (;;) {
      const [row] = await handle.sql<{ done: number }[]>`select count(*)::int as done from runs where status in ('succeeded', 'partial', 'failed')`;
      if ((row?.done ?? 0) >= n) return;
      service.assertAlive();
      if (Date.now() > deadline) throw new Error(`only ${row?.done} of ${n} runs finished`);
      await new Promise((r) => setTimeout(r, 200)); // finish times come from the rows, not this loop
    }
  }
} finally {
  await lifecycle.shutdown('bench done');
}
