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

  it("rejects with the caller's abort reason", async () => {
    apify.setItem(A, axessoItem(A, IMAGES), { runMs: 3000 });
    const controller = new AbortController();
    const pending = source().fetch([A], { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('user cancelled')), 100);
    await expect(pending).rejects.toThrow('user cancelled');
  });
});
