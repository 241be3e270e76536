/**
 * `npm run bench [-- --concurrency N] [--json] [--scale S]`
 *
 * The whole service in this process (embedded Postgres, the Slack front end on a real HTTP
 * port, the worker) against local emulators of Slack, Apify and OpenAI, driven by N concurrent
 * signed `/listing compare` commands. The model emulator's latency follows a realistic spread —
 * 4–15 s per vision call, 2–6 s per text call — divided by `--scale` (default 100) so a run takes
 * a fraction of a second. Each run has its own workspace, channel and ASIN pair.
 *
 * Figures: ack (HTTP response to the command), pickup (run created → first stage started),
 * first update (command → first chat.postMessage in the run's channel), e2e ratio (command →
 * run finished, over the critical path of the latencies the emulator gave that run: max of
 * ctr/pdp/text + avatars), Slack calls per run, runs per minute, CPU seconds per run (this
 * process: service + emulators; Postgres runs in its own process) and peak RSS.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createDb } from '../service/db/client.ts';
import { parseConfig } from '../service/config/schema.ts';
import { startEmbeddedPostgres } from '../service/db/embedded.ts';
import { migrateDatabase } from '../service/db/migrate.ts';
import { createLifecycle } from '../service/main/lifecycle.ts';
import { frontEnds, startHttp, startWorkerProcess } from '../service/main/wiring.ts';
import { createLogger } from '../service/logger.ts';
import { startApifyEmulator } from '../test/emulators/apify.ts';
import { axessoItem, SAMPLE_ASINS } from '../test/emulators/axesso-items.ts';
import { startImageHost } from '../test/emulators/image-host.ts';
import { autoAnswer, startOpenAiEmulator } from '../test/emulators/openai.ts';
import { startSlackEmulator } from '../test/emulators/slack.ts';
import { FORM, signed, slashCommandBody } from '../test/emulators/slack-requests.ts';

const { values } = parseArgs({
  options: { concurrency: { type: 'string', default: '20' }, json: { type: 'boolean', default: false }, scale: { type: 'string', default: '100' } },
});
const N = Math.max(1, Number(values.concurrency));
const SCALE = Math.max(1, Number(values.scale));
const say = (m: string) => {
  if (!values.json) process.stderr.write(`${m}\n`);
};

// Deterministic spread (a seeded LCG), so two bench runs give the emulator the same latencies.
let seed = 42;
const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
const between = (lo: number, hi: number) => lo + (hi - lo) * rand();

const SECRET = 'bench-signing-secret';
const lifecycle = createLifecycle();
const parent = await mkdtemp(path.join(os.tmpdir(), 'listinglab-bench-'));
await chmod(parent, 0o755);

/** Model latency given per run (by its marker in the prompt) and stage. */
const given = new Map<string, Record<string, number>>();
const stageOf = (name: string | undefined) => (name ?? '').replace(/_evaluation$/, '').replace('buyer_personas', 'avatars');

try {
  const slack = await startSlackEmulator();
  const images = await startImageHost();
  const apify = await startApifyEmulator();
  const openai = await startOpenAiEmulator({
    handler: (req) => ({ kind: 'json', body: autoAnswer((req.body.response_format as { json_schema?: { schema?: unknown } }).json_schema?.schema) }),
    latencyMs: (req) => {
      const format = req.body.response_format as { json_schema?: { name?: string } } | undefined;
      const vision = JSON.stringify(req.body.messages).includes('image_url');
      const ms = (vision ? between(4_000, 15_000) : between(2_000, 6_000)) / SCALE;
      const marker = /bench-run-(\d+)/.exec(JSON.stringify(req.body.messages))?.[1];
      if (marker) given.set(marker, { ...given.get(marker), [stageOf(format?.json_schema?.name)]: ms });
      return ms;
    },
  });
  lifecycle.onShutdown('emulators', async () => {
    await Promise.all([slack.close(), images.close(), apify.close(), openai.close()]);
  });

  const pg = await startEmbeddedPostgres({ dataDir: path.join(parent, 'data') });
  lifecycle.onShutdown('postgres', async () => {
    await pg.release();
    await rm(parent, { recursive: true, force: true });
  });
  await migrateDatabase(pg.url);
  const handle = createDb(pg.url, { max: 20 });
  lifecycle.onShutdown('pool', () => handle.close());
  const db = { ...handle, url: pg.url, embedded: true };
  const parsed = parseConfig({
    PORT: '0',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_API_URL: slack.apiUrl,
    APIFY_TOKEN: 'apify-bench',
    APIFY_BASE_URL: apify.url,
    IMAGE_HOSTS: images.host,
    OPENAI_API_KEY: 'sk-bench',
    OPENAI_BASE_URL: openai.url,
    WORKER_CONCURRENCY: String(Math.max(16, 4 * N)),
  });
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  const config = parsed.config;
  const logger = createLogger({ level: 'error' });
  const ends = await frontEnds(config, db, logger);
  await startWorkerProcess(config, db, logger, lifecycle, { sinks: ends.sinks, schedule: false });
  const address = await startHttp(config, db, logger, lifecycle, ends.plugins);
  const base = address.replace('0.0.0.0', '127.0.0.1');

  const asin = (k: number, side: number) => `B0BN${String(k * 2 + side).padStart(6, '0')}`;
  const setup = (k: number) => {
    for (const side of [0, 1]) {
      const sample = SAMPLE_ASINS[(k + side) % SAMPLE_ASINS.length]!;
      const a = asin(k, side);
      apify.setItem(a, axessoItem(sample, images.url, { asin: a, url: `https://www.amazon.com/dp/${a}`, productTitle: `Bench listing ${side ? 'B' : 'A'} bench-run-${k}` }));
    }
  };
  const send = async (k: number) => {
    const body = slashCommandBody({ text: `compare ${asin(k, 0)} ${asin(k, 1)}`, teamId: `T_BENCH_${k}`, channelId: `C_BENCH_${k}`, triggerId: `trigger-${k}`, responseUrl: slack.responseUrl() });
    const req = signed(SECRET, body, FORM);
    const t0 = performance.now();
    const res = await fetch(`${base}/slack/events`, { method: 'POST', headers: req.headers, body: req.payload });
    await res.text();
    if (res.status !== 200) throw new Error(`command ${k}: HTTP ${res.status}`);
    return { sentAt: Date.now() - (performance.now() - t0), ackMs: performance.now() - t0 };
  };

  // Warm-up (not counted): loads OCR and measures every sample image once (the measurement
  // cache is keyed by content), as on a live server that has seen these listings.
  for (const k of [1_000, 1_001]) setup(k);
  await Promise.all([send(1_000), send(1_001)]);
  await waitForRuns(2);
  say('warm-up done');

  const cpu0 = process.cpuUsage();
  const callsBefore = slack.calls.length;
  for (let k = 0; k < N; k++) setup(k);
  const t0 = Date.now();
  const sent = await Promise.all(Array.from({ length: N }, (_, k) => send(k)));
  await waitForRuns(N + 2);
  const wallMs = Date.now() - t0;
  // Chat calls are counted once every run's root shows its verdict (delivery is debounced).
  await Promise.all(Array.from({ length: N }, (_, k) => slack.waitFor(() => slack.roots(`C_BENCH_${k}`).some((m) => String(m.text).startsWith('Verdict:')), 60_000).catch(() => undefined)));
  await new Promise((r) => setTimeout(r, 500));
  const cpu = process.cpuUsage(cpu0);

  const rows = await handle.sql<{ team: string; created: number; picked: number; finished: number; status: string }[]>`
    select w.external_id as team, (extract(epoch from r.created_at) * 1000)::float8 as created,
           (extract(epoch from s.started_at) * 1000)::float8 as picked, (extract(epoch from r.finished_at) * 1000)::float8 as finished, r.status
    from runs r join workspaces w on w.id = r.workspace_id join run_stages s on s.run_id = r.id and s.stage = 'acquire'
    where w.external_id like 'T_BENCH_%' and w.external_id not in ('T_BENCH_1000', 'T_BENCH_1001')`;
  const stageTimes = await handle.sql<{ stage: string; ms: number }[]>`
    select s.stage, percentile_cont(0.5) within group (order by extract(epoch from s.finished_at - s.started_at) * 1000)::int as ms
    from run_stages s join runs r on r.id = s.run_id join workspaces w on w.id = r.workspace_id
    where w.external_id not in ('T_BENCH_1000', 'T_BENCH_1001') group by s.stage order by 2 desc`;
  const failed = rows.filter((r) => r.status !== 'succeeded').length;
  const ack: number[] = [];
  const pickup: number[] = [];
  const firstUpdate: number[] = [];
  const ratio: number[] = [];
  for (let k = 0; k < N; k++) {
    const row = rows.find((r) => r.team === `T_BENCH_${k}`);
    const s = sent[k]!;
    ack.push(s.ackMs);
    if (!row) continue;
    pickup.push(row.picked - row.created);
    const first = slack.calls.find((c) => c.method === 'chat.postMessage' && c.args.channel === `C_BENCH_${k}`);
    if (first) firstUpdate.push(first.at - s.sentAt);
    const g = given.get(String(k)) ?? {};
    const critical = Math.max(g.ctr ?? 0, g.pdp ?? 0, g.text ?? 0) + (g.avatars ?? 0);
    if (critical > 0) ratio.push((row.finished - s.sentAt) / critical);
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
    runs_per_min: Math.round((N / wallMs) * 60_000 * 10) / 10,
    cpu_s_per_run: Math.round(((cpu.user + cpu.system) / 1e6 / N) * 1000) / 1000,
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else {
    const line = (k: string, v: unknown) => process.stdout.write(`${k.padEnd(20)} ${JSON.stringify(v)}\n`);
    process.stdout.write(`ListingLab bench — ${N} concurrent signed /listing compare commands, model latency ÷${SCALE}\n`);
    for (const [k, v] of Object.entries(result)) line(k, v);
    line('stage_ms (p50)', Object.fromEntries(stageTimes.map((r) => [r.stage, r.ms])));
  }
  process.exitCode = failed ? 1 : 0;

  async function waitForRuns(n: number): Promise<void> {
    const deadline = Date.now() + 300_000;
    for (;;) {
      const [row] = await handle.sql<{ done: number }[]>`select count(*)::int as done from runs where status in ('succeeded', 'partial', 'failed')`;
      if ((row?.done ?? 0) >= n) return;
      if (Date.now() > deadline) throw new Error(`only ${row?.done} of ${n} runs finished`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }
} finally {
  await lifecycle.shutdown('bench done');
}
