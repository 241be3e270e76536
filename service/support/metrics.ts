import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The process's Prometheus metrics (issue 21): one registry per process, a module singleton so
 * every layer can record without threading it through (this is a leaf of layer 0: it imports
 * nothing internal). Names and units follow Prometheus conventions (`_total` counters,
 * `_seconds` durations). Label values are always bounded sets — route templates, task names,
 * provider and stage names — never raw URLs, ids or tokens.
 * @see https://prometheus.io/docs/practices/naming/
 */
export const registry = new Registry();

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const LONG_SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

const httpRequests = new Counter({
  name: 'listinglab_http_requests_total',
  help: 'HTTP requests answered, by route template, method and status code',
  labelNames: ['route', 'method', 'status'] as const,
  registers: [registry],
});
const httpDuration = new Histogram({
  name: 'listinglab_http_request_duration_seconds',
  help: 'Time to answer an HTTP request, by route template and method',
  labelNames: ['route', 'method'] as const,
  buckets: SECONDS,
  registers: [registry],
});
const jobs = new Counter({
  name: 'listinglab_jobs_total',
  help: 'graphile-worker jobs run, by task and outcome (succeeded, failed_permanently, retried, dropped)',
  labelNames: ['task', 'outcome'] as const,
  registers: [registry],
});
const jobDuration = new Histogram({
  name: 'listinglab_job_duration_seconds',
  help: 'Time a task handler ran, by task',
  labelNames: ['task'] as const,
  buckets: LONG_SECONDS,
  registers: [registry],
});
const jobWait = new Histogram({
  name: 'listinglab_job_wait_seconds',
  help: 'Time a job waited from when it could run (created, or its run_at) until a worker started it, by task',
  labelNames: ['task'] as const,
  buckets: SECONDS,
  registers: [registry],
});
const providerCalls = new Counter({
  name: 'listinglab_provider_calls_total',
  help: 'Model provider calls, by provider, stage and outcome (ok, invalid, timeout, failed)',
  labelNames: ['provider', 'stage', 'outcome'] as const,
  registers: [registry],
});
const providerDuration = new Histogram({
  name: 'listinglab_provider_call_duration_seconds',
  help: 'Time of one model provider call, by provider and stage',
  labelNames: ['provider', 'stage'] as const,
  buckets: LONG_SECONDS,
  registers: [registry],
});
const providerTokens = new Counter({
  name: 'listinglab_provider_tokens_total',
  help: 'Model tokens billed, by provider, stage and direction (input, output)',
  labelNames: ['provider', 'stage', 'direction'] as const,
  registers: [registry],
});
const credits = new Counter({
  name: 'listinglab_credits_total',
  help: 'Credits moved through the ledger (absolute amounts), by kind (reserved, refunded, settled, purchased, …)',
  labelNames: ['kind'] as const,
  registers: [registry],
});

const chatCalls = new Counter({
  name: 'listinglab_chat_api_calls_total',
  help: 'Chat platform API calls (Slack Web API, Discord REST), by platform and outcome (ok, error)',
  labelNames: ['platform', 'outcome'] as const,
  registers: [registry],
});
const chatRateLimited = new Counter({
  name: 'listinglab_chat_rate_limited_total',
  help: 'Rate limits a chat platform answered (or its client waited out), by platform',
  labelNames: ['platform'] as const,
  registers: [registry],
});

/** The job queue as the database sees it; read on scrape (see `setQueueSource`). */
export interface QueueStats {
  /** Jobs waiting to run (not locked, attempts left). */
  readonly depth: number;
  /** Age of the oldest such job whose run_at has passed; 0 when none. */
  readonly oldestAgeSeconds: number;
}

/** Seconds a queue reading is reused: a scrape must answer fast and the query is not free. */
const QUEUE_CACHE_MS = 1_000;
let queueSource: (() => Promise<QueueStats>) | undefined;
let queueCached: { at: number; value: Promise<QueueStats> } | undefined;

function queueStats(): Promise<QueueStats> | undefined {
  if (!queueSource) return undefined;
  const now = Date.now();
  if (!queueCached || now - queueCached.at >= QUEUE_CACHE_MS) {
    // A failed read shows as no reading (the gauges keep their last value) rather than failing the scrape.
    queueCached = { at: now, value: queueSource().catch(() => ({ depth: Number.NaN, oldestAgeSeconds: Number.NaN })) };
  }
  return queueCached.value;
}

new Gauge({
  name: 'listinglab_queue_depth',
  help: 'graphile-worker jobs waiting to run',
  registers: [registry],
  async collect() {
    const stats = await queueStats();
    if (stats && !Number.isNaN(stats.depth)) this.set(stats.depth);
  },
});
new Gauge({
  name: 'listinglab_queue_oldest_job_age_seconds',
  help: 'Age of the oldest graphile-worker job that is due and waiting',
  registers: [registry],
  async collect() {
    const stats = await queueStats();
    if (stats && !Number.isNaN(stats.oldestAgeSeconds)) this.set(stats.oldestAgeSeconds);
  },
});

/** Where the queue gauges read from (service/main wires the database's query); cached ~1 s. */
export function setQueueSource(source: (() => Promise<QueueStats>) | undefined): void {
  queueSource = source;
  queueCached = undefined;
}

let defaultsOn = false;
/** Process metrics (CPU, memory, event-loop lag, GC) with prom-client's standard names; once per process. */
export function enableDefaultMetrics(): void {
  if (defaultsOn) return;
  defaultsOn = true;
  collectDefaultMetrics({ register: registry });
}

export type JobOutcome = 'succeeded' | 'failed_permanently' | 'retried' | 'dropped';
export type ProviderOutcome = 'ok' | 'invalid' | 'timeout' | 'failed';

/** What the layers record; every function is cheap and never throws. */
export const metrics = {
  httpRequest(route: string, method: string, status: number, seconds: number): void {
    httpRequests.inc({ route, method, status: String(status) });
    httpDuration.observe({ route, method }, seconds);
  },
  job(task: string, outcome: JobOutcome, seconds: number): void {
    jobs.inc({ task, outcome });
    jobDuration.observe({ task }, seconds);
  },
  /** A job started `seconds` after it could have (the queue's pickup latency; a retry's wait counts from its new run_at). */
  jobStarted(task: string, seconds: number): void {
    // prom-client throws on NaN (a job without timestamps, as a test's fake helpers pass).
    if (Number.isFinite(seconds)) jobWait.observe({ task }, Math.max(0, seconds));
  },
  providerCall(provider: string, stage: string, outcome: ProviderOutcome, seconds: number, usage?: { inputTokens: number; outputTokens: number }): void {
    providerCalls.inc({ provider, stage, outcome });
    providerDuration.observe({ provider, stage }, seconds);
    if (usage?.inputTokens) providerTokens.inc({ provider, stage, direction: 'input' }, usage.inputTokens);
    if (usage?.outputTokens) providerTokens.inc({ provider, stage, direction: 'output' }, usage.outputTokens);
  },
  chatCall(platform: 'slack' | 'discord', outcome: 'ok' | 'error'): void {
    chatCalls.inc({ platform, outcome });
  },
  chatRateLimited(platform: 'slack' | 'discord'): void {
    chatRateLimited.inc({ platform });
  },
  credits(kind: string, amount: number): void {
    if (amount !== 0) credits.inc({ kind }, Math.abs(amount));
  },
};
