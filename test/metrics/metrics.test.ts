import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { createReports } from '../../service/app/reports/index.ts';
import { parseConfig } from '../../service/config/schema.ts';
import { queueStats } from '../../service/db/repos/queue-stats.ts';
import { buildApp } from '../../service/http/app.ts';
import { secretsOf } from '../../service/main/env.ts';
import { enableDefaultMetrics, setQueueSource } from '../../service/support/metrics.ts';
import { startOpenAiEmulator } from '../emulators/openai.ts';
import { memoryLogger } from '../support/logger.ts';
import { startTestPipeline } from '../support/pipeline.ts';

/** Issue 21 item 3: GET /metrics, bearer-protected, after a comparison through the real pipeline. */

const TOKEN = 'metrics-token-0123456789abcdef';
const PAIRS = path.resolve(import.meta.dirname, '../../golden_tests/pairs');
const openai = await startOpenAiEmulator({ positionBias: true });
afterAll(() => openai.close());
const pipeline = await startTestPipeline({ OPENAI_API_KEY: 'sk-test-metrics-0001', OPENAI_BASE_URL: openai.url, OPENAI_MODEL: 'gpt-test' });
enableDefaultMetrics();
setQueueSource(() => queueStats(pipeline.tdb.sql));
afterAll(() => setQueueSource(undefined));

const { logger, lines } = memoryLogger();
const app = await buildApp({
  logger,
  readiness: async () => ({ ready: true, checks: {} }),
  reports: createReports({ db: pipeline.tdb.db, key: Buffer.alloc(32, 7) }),
  metricsToken: TOKEN,
});
afterAll(() => app.close());

/** The value of one series (labels in any order given as a substring match), or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe('GET /metrics', () => {
  test('401 with WWW-Authenticate: Bearer without a token or with a wrong one', async () => {
    for (const authorization of [undefined, `Bearer ${TOKEN}x`, 'Bearer short', TOKEN, `Basic ${TOKEN}`]) {
      const res = await app.inject({ method: 'GET', url: '/metrics', ...(authorization ? { headers: { authorization } } : {}) });
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(res.body).not.toContain('listinglab_');
    }
  });

  test('404 when METRICS_TOKEN is unset', async () => {
    const off = await buildApp({ logger, readiness: async () => ({ ready: true, checks: {} }) });
    const res = await off.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.statusCode).toBe(404);
    await off.close();
  });

  test('after a metered comparison: http, job, queue, provider, credit and process series with sane values', async () => {
    const ws = { platform: 'slack' as const, externalId: 'T-metrics' };
    const view = await pipeline.compareFolders(path.join(PAIRS, 'duffel-compliance', 'A'), path.join(PAIRS, 'duffel-compliance', 'B'), { workspace: ws });
    expect(view.status, JSON.stringify(view.stages.map((s) => [s.name, s.status]))).toBe('succeeded');
    const reportToken = 'v1.secret-report-token-abcdef';
    expect((await app.inject({ method: 'GET', url: `/r/${reportToken}` })).statusCode).toBe(404);
    await app.inject({ method: 'GET', url: '/healthz' });

    const res = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = res.body;

    expect(sample(text, 'listinglab_http_requests_total', { route: '/r/:token', method: 'GET', status: '404' })).toBe(1);
    expect(text).not.toMatch(/route="\/r\/v1/);
    expect(sample(text, 'listinglab_http_requests_total', { route: '/healthz', status: '200' })).toBe(1);
    expect(sample(text, 'listinglab_http_request_duration_seconds_count', { route: '/healthz' })).toBe(1);
    expect(text).not.toContain(reportToken);

    // One acquire_listings job fetches the listings and runs the stages they queue (1–4, and settles
    // the verdict): app/comparisons/acquire-listings.ts and run-stage.ts.
    expect(sample(text, 'listinglab_jobs_total', { task: 'acquire_listings', outcome: 'succeeded' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'listinglab_job_duration_seconds_count', { task: 'acquire_listings' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'listinglab_job_duration_seconds_sum', { task: 'acquire_listings' })).toBeGreaterThan(0);
    // Every job started is one wait observed: as many as the jobs counted for that task.
    expect(sample(text, 'listinglab_job_wait_seconds_count', { task: 'acquire_listings' })).toBe(sample(text, 'listinglab_jobs_total', { task: 'acquire_listings', outcome: 'succeeded' }));

    const depth = sample(text, 'listinglab_queue_depth');
    expect(depth).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'listinglab_queue_oldest_job_age_seconds')).toBeGreaterThanOrEqual(0);

    expect(sample(text, 'listinglab_provider_calls_total', { provider: 'openai', stage: 'ctr', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'listinglab_provider_call_duration_seconds_count', { provider: 'openai', stage: 'ctr' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'listinglab_provider_tokens_total', { provider: 'openai', stage: 'ctr', direction: 'input' })).toBeGreaterThan(0);
    expect(sample(text, 'listinglab_provider_tokens_total', { provider: 'openai', stage: 'ctr', direction: 'output' })).toBeGreaterThan(0);

    expect(sample(text, 'listinglab_credits_total', { kind: 'reserved' })).toBeGreaterThan(0);
    expect(sample(text, 'listinglab_credits_total', { kind: 'granted' })).toBeGreaterThan(0);

    expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sample(text, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);

    expect(text).not.toContain(TOKEN);
    expect([...lines(), ...pipeline.logLines()].join('\n')).not.toContain(TOKEN);
  });

  test('answers within 50 ms once warm (the queue reading is cached)', async () => {
    const started = performance.now();
    const res = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.statusCode).toBe(200);
    expect(performance.now() - started).toBeLessThan(50);
  });
});

describe('METRICS_TOKEN', () => {
  test('at least 16 characters; a secret the logger scrubs', () => {
    const short = parseConfig({ METRICS_TOKEN: 'too-short' });
    expect(short.ok).toBe(false);
    if (!short.ok) expect(short.errors.join()).toMatch(/METRICS_TOKEN/);
    const ok = parseConfig({ METRICS_TOKEN: TOKEN });
    expect(ok.ok && ok.config.metricsToken).toBe(TOKEN);
    if (ok.ok) expect(secretsOf(ok.config)).toContain(TOKEN);
    const unset = parseConfig({ METRICS_TOKEN: '' });
    expect(unset.ok && unset.config.metricsToken).toBeUndefined();
  });
});
