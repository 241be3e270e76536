import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, test } from 'vitest';
import { imageBlobs, creditLedger, workspaces } from '../../service/db/schema.ts';
import type { AcquireOutput } from '../../service/stages/acquired.ts';
import { startApifyEmulator } from '../emulators/apify.ts';
import { TITLE_FIELD, axessoItem } from '../emulators/axesso-items.ts';
import { FIXTURES_DIR, startImageHost } from '../emulators/image-host.ts';
import { startTestPipeline } from '../support/pipeline.ts';
import { resumeWithManualListings } from '../../service/app/comparisons/index.ts';
import { comparisonDeps } from '../../service/main/wiring.ts';

/** Stage 0 against the Apify emulator and a local image host, through the real job queue. */

const images = await startImageHost();
const apify = await startApifyEmulator({ token: 'apify-test-token-123' });
afterAll(async () => {
  await apify.close();
  await images.close();
});
apify.setItem('B0799CK52K', axessoItem('B0799CK52K', images.url));
apify.setItem('B074M5HPBD', axessoItem('B074M5HPBD', images.url, { imageUrlList: [`${images.url}/abo/B074M5HPBD/dcace9b5.jpg`, 'https://evil.example.com/x.jpg', `${images.url}/redirect?to=${encodeURIComponent('https://evil.example.com/y.jpg')}`, `${images.url}/bomb.png`, `${images.url}/oversized`] }));
apify.setItem('B07GTFSCHB', null);
// The same two products under their own ASINs, one in each of Axesso's shapes: the actor's dataset
// item (what production gets) and the REST lookup's response (test/fixtures/axesso/SOURCES.md).
const ACTOR_ASIN = 'B0SHAPEACT';
const REST_ASIN = 'B0SHAPERST';
const actorShaped = axessoItem('B0799CK52K', images.url, { asin: ACTOR_ASIN, url: `https://www.amazon.com/dp/${ACTOR_ASIN}` });
const restShaped = axessoItem('B074M5HPBD', images.url, { asin: REST_ASIN }, { shape: 'rest' });
apify.setItem(ACTOR_ASIN, actorShaped);
apify.setItem(REST_ASIN, restShaped);

const pipeline = await startTestPipeline({
  APIFY_TOKEN: 'apify-test-token-123',
  APIFY_BASE_URL: apify.url,
  IMAGE_HOSTS: images.host,
});
const db = pipeline.tdb.db;
const slack = { platform: 'slack' as const, externalId: 'T-acquire' };

const apifyRuns = () => apify.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/runs')).length;

describe('stage 0: acquisition through Apify', () => {
  test('two ASINs become two normalised listings with stored, hashed images', async () => {
    const started = await pipeline.compare({ kind: 'asin', asin: 'B0799CK52K' }, { kind: 'asin', asin: 'B074M5HPBD' }, { workspace: slack });
    const view = await pipeline.waitForRun(started.run.id);
    expect(view.status).toBe('succeeded');
    const acquired = view.stages.find((s) => s.name === 'acquire')!.output as AcquireOutput;
    expect(acquired.A.source).toBe('apify');
    expect(acquired.A.listing.asin).toBe('B0799CK52K');
    expect(acquired.A.listing.rating).toBe(4.4);
    expect(acquired.A.listing.bullets.length).toBeGreaterThan(0);
    const main = acquired.A.images[0]!;
    const expectedHash = createHash('sha256').update(readFileSync(path.join(FIXTURES_DIR, 'abo/B0799CK52K/d80a51d3.jpg'))).digest('hex');
    expect(main.sha256).toBe(expectedHash);
    const [blob] = await db.select().from(imageBlobs).where(eq(imageBlobs.sha256, expectedHash));
    expect(createHash('sha256').update(blob!.bytes).digest('hex')).toBe(expectedHash);
    expect(apifyRuns()).toBe(2);
  });

  test('refused images (host not allowed, redirect off the list, bomb, oversized) are skipped as findings; the run goes on', async () => {
    const view = (await pipeline.waitForRun((await pipeline.compare({ kind: 'asin', asin: 'B0799CK52K' }, { kind: 'asin', asin: 'B074M5HPBD' }, { workspace: slack })).run.id));
    const acquired = view.stages.find((s) => s.name === 'acquire')!.output as AcquireOutput;
    const refused = acquired.B.images.filter((i) => i.refused).map((i) => i.refused);
    expect(refused).toEqual(expect.arrayContaining(['host_not_allowed', 'redirect_refused', 'too_many_pixels', 'too_large']));
    expect(acquired.facts.B.findings.filter((f) => f.id.startsWith('B.images.refused_')).length).toBe(refused.length);
    expect(view.status).toBe('succeeded');
  });

  test('a second acquisition within 24 h makes no Apify call; fresh does', async () => {
    const before = apifyRuns();
    // B,A is a different ordered pair (a new run) whose listings are both cached.
    const swapped = await pipeline.compare({ kind: 'asin', asin: 'B074M5HPBD' }, { kind: 'asin', asin: 'B0799CK52K' }, { workspace: slack });
    expect(swapped.kind).toBe('created');
    const view = await pipeline.waitForRun(swapped.run.id);
    expect((view.stages[0]!.output as AcquireOutput).A.source).toBe('cache');
    expect(apifyRuns()).toBe(before);
    const fresh = await pipeline.compare({ kind: 'asin', asin: 'B074M5HPBD' }, { kind: 'asin', asin: 'B0799CK52K' }, { workspace: slack, fresh: true });
    await pipeline.waitForRun(fresh.run.id);
    expect(apifyRuns()).toBe(before + 2);
  });

  test('the same pair within 24 h returns the existing run unless fresh', async () => {
    const again = await pipeline.compare({ kind: 'asin', asin: 'B0799CK52K' }, { kind: 'asin', asin: 'B074M5HPBD' }, { workspace: slack });
    expect(again.kind).toBe('existing');
  });

  test("both of Axesso's shapes (the actor's item, the REST lookup) become listings with their images downloaded", async () => {
    // What the emulator serves: the actor's item names the title `title`, the REST lookup `productTitle`.
    expect(TITLE_FIELD).toEqual({ actor: 'title', rest: 'productTitle' });
    expect(actorShaped).toHaveProperty('title');
    expect(actorShaped).not.toHaveProperty('productTitle');
    expect(restShaped).toHaveProperty('productTitle');
    expect(restShaped).not.toHaveProperty('title');

    const ws = { platform: 'slack' as const, externalId: 'T-shapes' };
    const started = await pipeline.compare({ kind: 'asin', asin: ACTOR_ASIN }, { kind: 'asin', asin: REST_ASIN }, { workspace: ws });
    const view = await pipeline.waitForRun(started.run.id);
    expect(view.status).toBe('succeeded');
    const acquired = view.stages.find((s) => s.name === 'acquire')!.output as AcquireOutput;
    expect(acquired.A.source).toBe('apify');
    expect(acquired.B.source).toBe('apify');
    expect(acquired.A.listing).toMatchObject({ asin: ACTOR_ASIN, title: actorShaped['title'], brand: 'Starter', rating: 4.4, reviewCount: 1873, price: 24.99 });
    expect(acquired.A.listing.category).toBe('Sports & Outdoors > Sports & Fitness > Exercise & Fitness > Yoga > Bags');
    expect(acquired.A.listing.reviewInsights?.aspects.map((a) => a.mentions)).toEqual([214, 131, 58, 44]);
    expect(acquired.B.listing).toMatchObject({ asin: REST_ASIN, title: restShaped['productTitle'], brand: 'AmazonBasics', rating: 4.6, reviewCount: 48211, price: 21.49 });
    expect(acquired.B.listing.category).toBe('Tools & Home Improvement > Light Bulbs > LED Bulbs');
    expect(acquired.B.listing.reviewInsights).toBeUndefined();

    // Every image of both listings was downloaded and stored under the hash of its bytes.
    const expected = { A: ['d80a51d3', '528c608a', '25ffa37c', '95f7ee92', 'a8a14cd2'], B: ['dcace9b5', '9ea6992d', 'f5047137'] };
    const fixtureHash = (asin: string, file: string) => createHash('sha256').update(readFileSync(path.join(FIXTURES_DIR, `abo/${asin}/${file}.jpg`))).digest('hex');
    expect(acquired.A.images.map((i) => i.sha256)).toEqual(expected.A.map((f) => fixtureHash('B0799CK52K', f)));
    expect(acquired.B.images.map((i) => i.sha256)).toEqual(expected.B.map((f) => fixtureHash('B074M5HPBD', f)));
    for (const image of [...acquired.A.images, ...acquired.B.images]) {
      expect(image.refused).toBeUndefined();
      const [blob] = await db.select().from(imageBlobs).where(eq(imageBlobs.sha256, image.sha256!));
      expect(createHash('sha256').update(blob!.bytes).digest('hex')).toBe(image.sha256);
    }
  });

  test('a listing that is not found fails the run with a full refund, and the manual fallback completes it', async () => {
    const ws = { platform: 'slack' as const, externalId: 'T-notfound' };
    const started = await pipeline.compare({ kind: 'asin', asin: 'B0799CK52K' }, { kind: 'asin', asin: 'B07GTFSCHB' }, { workspace: ws });
    expect(started.kind).toBe('created');
    const failed = await pipeline.waitForRun(started.run.id);
    expect(failed.status).toBe('failed');
    expect(failed.errorCode).toBe('listing_not_found');
    expect(failed.errorMessage).toContain('B07GTFSCHB');
    const [w] = await db.select().from(workspaces).where(eq(workspaces.externalId, 'T-notfound'));
    expect(w!.balance).toBe(30);
    const ledger = await db.select().from(creditLedger).where(eq(creditLedger.workspaceId, w!.id));
    expect(ledger.reduce((s, r) => s + r.amount, 0)).toBe(30);

    const deps = await comparisonDeps(pipeline.config, { ...pipeline.tdb, embedded: false });
    await resumeWithManualListings(deps, { workspaceId: w!.id, runId: started.run.id, listings: { B: { title: 'Vitamin E Oil 2.5 oz', bullets: ['Moisturises dry skin'], description: '', images: [`${images.url}/abo/B07GTFSCHB/844a1cce.jpg`] } } });
    const done = await pipeline.waitForRun(started.run.id);
    expect(done.status).toBe('succeeded');
    expect(done.verdict).not.toBeNull();
    const [after] = await db.select().from(workspaces).where(eq(workspaces.id, w!.id));
    expect(after!.balance).toBe(20);
  });
});
