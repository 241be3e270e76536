/**
 * The service under bench as it is deployed: `listinglab serve` (bin/listinglab.js) in a child
 * process of its own, configured only through its environment, reached over HTTP. What the bench
 * reports about it is read from outside: CPU and memory from /proc/<pid>, job counts from its
 * `GET /metrics`. The bench's emulators stay in the bench process and are not counted.
 */
import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { smapsBreakdown, threadNames } from './smaps-breakdown.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
/** USER_HZ on Linux: /proc/<pid>/stat counts CPU in these ticks. */
const TICKS = 100;
/**
 * What the child inherits from the bench's environment: the basics a process needs, and the
 * allocator and runtime knobs an operator may set (so `MALLOC_ARENA_MAX=… npm run bench` measures
 * them). Nothing else: integration settings of the shell must not change what is measured.
 */
const INHERITED = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ', 'MALLOC_ARENA_MAX', 'MALLOC_TRIM_THRESHOLD_', 'UV_THREADPOOL_SIZE', 'NODE_OPTIONS', 'VIPS_CONCURRENCY', 'MALLOC_MMAP_THRESHOLD_'];

/**
 * The memory settings the service is deployed with (the Dockerfile's ENV, `npm start`), unless
 * the bench's own environment sets them (`MALLOC_ARENA_MAX= NODE_OPTIONS= npm run bench` measures
 * without). Measured at 20 runs at once (README, "Benchmark"): V8 sizes the young generation
 * from the machine's RAM — 2 × 64 MB semi-spaces on this 24 GB machine, most of it resident
 * after the first burst — and 16 MB each holds a service whose live heap is ~100 MB; glibc gives
 * each thread that allocates its own arena (up to 8 per core), and two are enough for the
 * libvips and tesseract threads; with a fixed mmap threshold of 128 KB, large blocks (decoded
 * images, scorecard pixels) are returned to the system when freed instead of staying in an arena
 * (glibc raises its threshold after the first such free), ~60 MB off the peak.
 */
export const DEPLOYED_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '131072', NODE_OPTIONS: '--max-semi-space-size=16' };

export interface ServiceProcess {
  readonly pid: number;
  /** `http://127.0.0.1:<port>` */
  readonly base: string;
  /** CPU seconds (user + system, every thread) the process has used so far. */
  cpuSeconds(): Promise<number>;
  /**
   * CPU seconds so far by thread name (/proc/<pid>/task/*: MainThread, libuv-worker — sharp,
   * resvg, crypto —, V8Worker — GC and compilers —, libvips worker, WorkerThread — OCR). Threads
   * that have exited are not in it (their time is in `cpuSeconds`).
   */
  cpuByThread(): Promise<Record<string, number>>;
  /** Its peak resident set so far (VmHWM), MB. */
  peakRssMb(): Promise<number>;
  /** Resident set now (VmRSS), MB, sampled every 100 ms since the start: the largest seen and the trace. */
  readonly rss: { readonly samples: { at: number; mb: number }[] };
  /** /proc/<pid>/smaps_rollup and status lines about memory, and smaps by kind of mapping, for `--memory`. */
  memory(): Promise<Record<string, number>>;
  /** Its Prometheus metrics (METRICS_TOKEN is set by `startService`). */
  metrics(): Promise<string>;
  /** Sum of one metric's samples whose labels include `labels`. */
  metricSum(name: string, labels?: Record<string, string>): Promise<number>;
  /** Log lines at pino's error level or above (≥ 50) written so far, and the last few of them. */
  logErrors(): { readonly count: number; readonly last: readonly string[] };
  /** Throws (with the end of its stderr) if the process has exited. */
  assertAlive(): void;
  /** SIGTERM, then SIGKILL after 10 s; resolves when it has exited. */
  stop(): Promise<void>;
}

/** The Slack signing secret the benches' service checks and their commands are signed with. */
export const BENCH_SIGNING_SECRET = 'bench-signing-secret';

/**
 * The service's environment in a bench: its database and data dir, Slack (signed commands, the
 * emulator's API), and Apify, the image host and OpenAI on the providers thread.
 */
export function benchServiceEnv(o: {
  databaseUrl: string;
  dataDir: string;
  logLevel: string;
  slackApiUrl: string;
  providers: { apifyUrl: string; imageHost: string; openaiUrl: string };
  workerConcurrency: number;
}): Record<string, string> {
  return {
    DATABASE_URL: o.databaseUrl,
    DATA_DIR: o.dataDir,
    LOG_LEVEL: o.logLevel,
    SLACK_SIGNING_SECRET: BENCH_SIGNING_SECRET,
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_API_URL: o.slackApiUrl,
    APIFY_TOKEN: 'apify-bench',
    APIFY_BASE_URL: o.providers.apifyUrl,
    IMAGE_HOSTS: o.providers.imageHost,
    OPENAI_API_KEY: 'sk-bench',
    OPENAI_BASE_URL: o.providers.openaiUrl,
    WORKER_CONCURRENCY: String(o.workerConcurrency),
  };
}

/** A free TCP port on 127.0.0.1 (the kernel's pick, released for the child to take). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      s.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function statusKb(pid: number, field: string): Promise<number> {
  const text = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  return Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? Number.NaN);
}

/**
 * Starts `listinglab serve` with `env` (and `opts.nodeArgs` before the script, e.g. `--cpu-prof`) on a free port and resolves once `/readyz` answers 200
 * (migrations applied, database reachable). Its stderr is kept and shown if it exits early; `opts.onStderr`
 * hears all of it (the soak keeps its whole log, this keeps the last 8 KB).
 */
export async function startService(
  env: Record<string, string>,
  opts: { readonly nodeArgs?: readonly string[]; readonly onStderr?: (chunk: Buffer) => void } = {},
): Promise<ServiceProcess> {
  const port = await freePort();
  const metricsToken = `bench-metrics-${process.pid}-${Date.now()}-token`;
  const inherited = Object.fromEntries(INHERITED.flatMap((k) => (process.env[k] === undefined ? [] : [[k, process.env[k]]])));
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), path.join(ROOT, 'bin', 'listinglab.js'), 'serve'], {
    cwd: ROOT,
    env: { ...DEPLOYED_ENV, ...inherited, ...env, PORT: String(port), METRICS_TOKEN: metricsToken },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  let partial = '';
  const errors = { count: 0, last: [] as string[] };
  child.stderr.on('data', (c: Buffer) => {
    stderr = (stderr + c.toString()).slice(-8_000);
    const lines = (partial + c.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const l of lines.filter((x) => /"level":(5\d|6\d)\b/.test(x))) {
      errors.count += 1;
      errors.last = [...errors.last, l.slice(0, 500)].slice(-3);
    }
    opts.onStderr?.(c);
  });
  let gone: string | undefined;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      gone = signal ?? String(code);
      resolve();
    }),
  );
  const pid = child.pid;
  if (pid === undefined) throw new Error('listinglab serve did not start');
  const base = `http://127.0.0.1:${port}`;

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (gone !== undefined) throw new Error(`listinglab serve exited (${gone}) before it was ready:\n${stderr}`);
    const ok = await fetch(`${base}/readyz`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`listinglab serve was not ready within 60 s:\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  const samples: { at: number; mb: number }[] = [];
  const sampler = setInterval(() => {
    void statusKb(pid, 'VmRSS').then((kb) => Number.isFinite(kb) && samples.push({ at: Date.now(), mb: Math.round(kb / 1024) }));
  }, 100);

  const metrics = async () => {
    const res = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } });
    if (!res.ok) throw new Error(`GET /metrics: HTTP ${res.status}`);
    return res.text();
  };

  return {
    pid,
    base,
    rss: { samples },
    logErrors: () => ({ count: errors.count, last: errors.last }),
    async cpuSeconds() {
      const text = await readFile(`/proc/${pid}/stat`, 'utf8');
      // Fields after the parenthesised command: state(3) … utime(14) stime(15).
      const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
      return (Number(f[11]) + Number(f[12])) / TICKS;
    },
    async cpuByThread() {
      const out: Record<string, number> = {};
      for (const task of await readdir(`/proc/${pid}/task`).catch(() => [])) {
        const text = await readFile(`/proc/${pid}/task/${task}/stat`, 'utf8').catch(() => '');
        if (!text) continue;
        const name = text.slice(text.indexOf('(') + 1, text.lastIndexOf(')'));
        const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
        out[name] = (out[name] ?? 0) + (Number(f[11]) + Number(f[12])) / TICKS;
      }
      return out;
    },
    async peakRssMb() {
      return Math.round((await statusKb(pid, 'VmHWM')) / 1024);
    },
    async memory() {
      const out: Record<string, number> = {};
      const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => '');
      for (const m of rollup.matchAll(/^(Rss|Anonymous|Shared_Clean|Private_Dirty|Private_Clean):\s+(\d+) kB/gm)) out[`smaps_${m[1]}_mb`] = Math.round(Number(m[2]) / 1024);
      for (const f of ['VmHWM', 'VmRSS', 'RssAnon', 'RssFile']) out[`${f}_mb`] = Math.round((await statusKb(pid, f)) / 1024);
      const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
      out['Threads'] = Number(/^Threads:\s+(\d+)/m.exec(status)?.[1] ?? Number.NaN);
      // Whose anonymous memory it is (bench/smaps-breakdown.ts), and whether the OCR worker lives.
      Object.assign(out, await smapsBreakdown(pid));
      out['ocr_worker_threads'] = (await threadNames(pid, readdir))['WorkerThread'] ?? 0;
      return out;
    },
    metrics,
    async metricSum(name, labels = {}) {
      let sum = 0;
      for (const line of (await metrics()).split('\n')) {
        const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
        if (!m || m[1] !== name) continue;
        const has = Object.entries(labels).every(([k, v]) => (m[2] ?? '').includes(`${k}="${v}"`));
        if (has) sum += Number(m[3]);
      }
      return sum;
    },
    assertAlive() {
      if (gone !== undefined) throw new Error(`listinglab serve exited (${gone}) during the bench:\n${stderr}`);
    },
    async stop() {
      clearInterval(sampler);
      if (gone !== undefined) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * CPU seconds used so far by the Postgres server of `pgData` (postmaster, its live backends and
 * its reaped children), from /proc; undefined where there is no /proc.
 */
export async function postgresCpuSeconds(pgData: string): Promise<number | undefined> {
  const ticks = 100; // USER_HZ on Linux
  const stat = async (pid: string) => {
    const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
    // Fields after the parenthesised command: state ppid … utime(14) stime(15) cutime(16) cstime(17).
    const f = text?.slice(text.lastIndexOf(')') + 2).split(' ');
    return f && { ppid: f[1]!, own: Number(f[11]) + Number(f[12]), children: Number(f[13]) + Number(f[14]) };
  };
  const master = (await readFile(path.join(pgData, 'postmaster.pid'), 'utf8').catch(() => ''))?.split('\n')[0];
  const root = master ? await stat(master) : undefined;
  if (!master || !root) return undefined;
  let total = root.own + root.children;
  for (const pid of (await readdir('/proc')).filter((d) => /^\d+$/.test(d))) {
    const s = await stat(pid);
    if (s?.ppid === master) total += s.own + s.children;
  }
  return total / ticks;
}

const GC_KINDS = ['minor', 'major', 'incremental', 'weakcb'] as const;
type GcCounts = Record<(typeof GC_KINDS)[number], { n: number; s: number }>;

/** V8's collections so far by kind: count and seconds of main-thread pause (prom-client's `nodejs_gc_duration_seconds`). */
export async function gcCounts(service: Pick<ServiceProcess, 'metricSum'>): Promise<GcCounts> {
  const entries = await Promise.all(
    GC_KINDS.map(async (kind) => [kind, { n: await service.metricSum('nodejs_gc_duration_seconds_count', { kind }), s: await service.metricSum('nodejs_gc_duration_seconds_sum', { kind }) }] as const),
  );
  return Object.fromEntries(entries) as GcCounts;
}

/** The collections between two readings, per run: how many and their pause (ms). */
export function gcPerRunOf(before: GcCounts, after: GcCounts, runs: number): Record<string, { n: number; pause_ms: number }> {
  return Object.fromEntries(GC_KINDS.map((k) => [k, { n: Math.round(((after[k].n - before[k].n) / runs) * 100) / 100, pause_ms: Math.round(((after[k].s - before[k].s) / runs) * 1e4) / 10 }]));
}
