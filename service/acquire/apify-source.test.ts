import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startApifyEmulator } from '../../test/emulators/apify.ts';
import type { ApifyEmulator } from '../../test/emulators/apify.ts';
import { axessoItem } from '../../test/emulators/axesso-items.ts';
import { PermanentError, UserError } from '../domain/errors.ts';
import { axessoActorInput, createApifySource } from './apify-source.ts';
import type { ApifySourceOptions } from './apify-source.ts';
import { requireListings } from './listing-source.ts';

const IMAGES = 'http://127.0.0.1:9/img';
const A = 'B0799CK52K';
const B = 'B074M5HPBD';

let apify: ApifyEmulator;
beforeAll(async () => {
  apify = await startApifyEmulator({ token: 'test-token' });
});
afterAll(async () => {
  await apify.close();
});
afterEach(() => {
  apify.setItem(A, axessoItem(A, IMAGES));
  apify.setItem(B, axessoItem(B, IMAGES));
});

const source = (options: Partial<ApifySourceOptions> = {}) =>
  createApifySource({ token: 'test-token', baseUrl: apify.url, maxRetries: 0, ...options });

const runPosts = () => apify.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/runs'));
const runGets = () => apify.calls.filter((c) => c.method === 'GET' && c.path.startsWith('/v2/actor-runs/'));
const datasetGets = () => apify.calls.filter((c) => c.method === 'GET' && c.path.startsWith('/v2/datasets/'));

describe('ApifySource through the emulator', () => {
  it('fetches two ASINs in parallel: one actor run each, two listings', async () => {
    apify.setItem(A, axessoItem(A, IMAGES), { runMs: 400 });
    apify.setItem(B, axessoItem(B, IMAGES), { runMs: 400 });
    const before = runPosts().length;
    const results = await source().fetch([A, B.toLowerCase()]);

    const both = requireListings(results, [A, B]);
    if (!both.ok) throw both.error;
    expect(both.value.map((l) => l.asin)).toEqual([A, B]);
    expect(both.value[0]?.title).toMatch(/Yoga Duffel/);
    expect(both.value[0]?.rating).toBe(4.4);
    expect(both.value[1]?.reviewInsights?.aspects.length).toBeGreaterThan(0);

    const posts = runPosts().slice(before);
    expect(posts).toHaveLength(2);
    // The actor id travels as user~name, the input names the product URL.
    expect(posts[0]?.path).toBe('/v2/actors/axesso_data~amazon-product-details-scraper/runs');
    expect(posts.map((p) => p.body)).toEqual(expect.arrayContaining([axessoActorInput(A), axessoActorInput(B)]));
    // Both runs started before either could finish (400 ms): parallel, not one after the other.
    expect(Math.abs(posts[0]!.at - posts[1]!.at)).toBeLessThan(300);
  });

  it('a NOT FOUND item is listing_not_found naming the ASIN; the other listing still arrives', async () => {
    apify.setItem(B, null);
    const results = await source().fetch([A, B]);
    expect(results.get(A)?.ok).toBe(true);
    const missing = results.get(B);
    expect(missing?.ok).toBe(false);
    if (missing?.ok !== false) return;
    expect(missing.error).toBeInstanceOf(UserError);
    expect(missing.error.code).toBe('listing_not_found');
    expect(missing.error.message).toContain(B);
    const all = requireListings(results, [A, B]);
    expect(!all.ok && all.error.code).toBe('listing_not_found');
  });

  it('an ASIN the actor does not know is not found', async () => {
    const results = await source().fetch(['B000000000']);
    const result = results.get('B000000000');
    expect(result?.ok === false && result.error.code).toBe('listing_not_found');
  });

  it('a FAILED run is acquisition_failed naming the ASIN', async () => {
    apify.setItem(A, axessoItem(A, IMAGES), { status: 'FAILED' });
    const result = (await source().fetch([A])).get(A);
    expect(result?.ok).toBe(false);
    if (result?.ok !== false) return;
    expect(result.error).toBeInstanceOf(PermanentError);
    expect(result.error.code).toBe('acquisition_failed');
    expect(result.error.message).toContain(A);
    expect(result.error.message).toContain('FAILED');
  });

  it('a run slower than the timeout is a timeout error, and the run is aborted', async () => {
    apify.setItem(A, axessoItem(A, IMAGES), { runMs: 10_000 });
    const started = Date.now();
    const results = await source({ timeoutMs: 1000 }).fetch([A, B]);
    expect(Date.now() - started).toBeLessThan(2500);
    const slow = results.get(A);
    expect(slow?.ok === false && slow.error.code).toBe('timeout');
    expect(slow?.ok === false && slow.error.message).toContain(A);
    expect(results.get(B)?.ok).toBe(true);
    // The run we stopped waiting for is aborted so it does not run (and bill) on.
    await expect.poll(() => apify.runs.filter((r) => r.asin === A).at(-1)?.status, { timeout: 5000 }).toBe('ABORTED');
  });

  it('a bad token or an unknown actor is acquisition_failed', async () => {
    const badToken = (await source({ token: 'wrong' }).fetch([A])).get(A);
    expect(badToken?.ok === false && badToken.error.code).toBe('acquisition_failed');
    expect(badToken?.ok === false && badToken.error.message).toContain('401');
    const unknownActor = (await source({ actorId: 'someone/else' }).fetch([A])).get(A);
    expect(unknownActor?.ok === false && unknownActor.error.code).toBe('acquisition_failed');
    expect(unknownActor?.ok === false && unknownActor.error.message).toContain(A);
  });

  it('a 429 is retried after its Retry-After; the run then goes on', async () => {
    apify.failNext({ method: 'POST', pathPrefix: '/v2/actors/', status: 429, retryAfterSecs: 1 });
    const before = runPosts().length;
    const result = (await source({ maxRetries: 2 }).fetch([A])).get(A);
    expect(result?.ok).toBe(true);
    const posts = runPosts().slice(before);
    expect(posts).toHaveLength(2);
    expect(posts[1]!.at - posts[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('a 5xx is retried maxRetries times, then is acquisition_failed with the status and Apify error type', async () => {
    apify.failNext({ method: 'GET', pathPrefix: '/v2/datasets/', status: 503, times: 3 });
    const before = datasetGets().length;
    const result = (await source({ maxRetries: 2 }).fetch([A])).get(A);
    expect(datasetGets().length - before).toBe(3);
    expect(result?.ok === false && result.error.code).toBe('acquisition_failed');
    expect(result?.ok === false && result.error.message).toMatch(new RegExp(`${A}.*503 internal-error`));
  });

  it('a dropped connection is retried', async () => {
    apify.failNext({ method: 'GET', pathPrefix: '/v2/datasets/', status: 'network' });
    const before = datasetGets().length;
    const result = (await source({ maxRetries: 1 }).fetch([A])).get(A);
    expect(result?.ok).toBe(true);
    expect(datasetGets().length - before).toBe(2);
  });

  it('a 4xx other than 429 is not retried; the token is in no message and no URL', async () => {
    apify.failNext({ method: 'POST', pathPrefix: '/v2/actors/', status: 400 });
    let before = runPosts().length;
    const invalid = (await source({ maxRetries: 2 }).fetch([A])).get(A);
    expect(runPosts().length - before).toBe(1);
    expect(invalid?.ok === false && invalid.error.message).toContain('400 invalid-input');

    before = runPosts().length;
    const badToken = (await source({ token: 'secret-token-xyz', maxRetries: 2 }).fetch([A])).get(A);
    expect(runPosts().length - before).toBe(1);
    expect(badToken?.ok === false && badToken.error.message).toContain('401 token-not-valid');
    expect(badToken?.ok === false && badToken.error.message).not.toContain('secret-token-xyz');
    expect(JSON.stringify(apify.calls.map((c) => [c.path, c.query]))).not.toMatch(/test-token|secret-token/);
  });

  it('no retry is scheduled past the deadline', async () => {
    apify.failNext({ method: 'POST', pathPrefix: '/v2/actors/', status: 429, retryAfterSecs: 30 });
    const started = Date.now();
    const result = (await source({ maxRetries: 2, timeoutMs: 3000 }).fetch([A])).get(A);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(result?.ok === false && result.error.code).toBe('acquisition_failed');
    expect(result?.ok === false && result.error.message).toContain('429 rate-limit-exceeded');
  });

  it('a run not readable yet (404, replica lag) is polled again', async () => {
    apify.setItem(A, axessoItem(A, IMAGES), { runMs: 300 });
    apify.failNext({ method: 'GET', pathPrefix: '/v2/actor-runs/', status: 404 });
    const before = runGets().length;
    // Under 3 s the start call does not wait, so the run is read by polling.
    const result = (await source({ timeoutMs: 2500 }).fetch([A])).get(A);
    expect(result?.ok).toBe(true);
    expect(runGets().length - before).toBeGreaterThanOrEqual(2);
  });

  it("rejects with the caller's abort reason", async () => {
    apify.setItem(A, axessoItem(A, IMAGES), { runMs: 3000 });
    const controller = new AbortController();
    const pending = source().fetch([A], { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('user cancelled')), 100);
    await expect(pending).rejects.toThrow('user cancelled');
  });
});
