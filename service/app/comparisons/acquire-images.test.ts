import { readFile } from 'node:fs/promises';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURES_DIR, startImageHost } from '../../../test/emulators/image-host.ts';
import { useTestDatabase } from '../../../test/db.ts';
import { sha256Hex } from '../../acquire/image-fetch.ts';
import type { Db } from '../../db/client.ts';
import { eq } from 'drizzle-orm';
import { insertImage } from '../../db/repos/blobs.ts';
import * as schema from '../../db/schema.ts';
import { imageBlobs, runs, workspaces } from '../../db/schema.ts';
import { storeListingImages } from './acquire-images.ts';

const host = await startImageHost();
const tdb = await useTestDatabase();
// A handle of its own whose statements are counted.
const statements: string[] = [];
const client = postgres(tdb.url, { max: 2, onnotice: () => undefined, debug: (_conn, query) => statements.push(query) });
const db: Db = drizzle(client, { schema });
afterAll(async () => {
  await client.end();
  await host.close();
});

const deps = { db, allowedHosts: [host.host] };
const [ws] = await db.insert(workspaces).values({ platform: 'cli', externalId: 'acquire-images' }).returning({ id: workspaces.id });
const newRun = async () => (await db.insert(runs).values({ workspaceId: ws!.id, kind: 'compare', inputs: {} }).returning({ id: runs.id }))[0]!.id;
const runId = await newRun();
/** The run's images; these tests always expect a run that exists. */
const store = async (sides: string[][], signal = AbortSignal.timeout(30_000)) => {
  const stored = await storeListingImages(deps, runId, sides, signal);
  if (!stored) throw new Error('the run is gone');
  return stored;
};
const url = (file: string) => `${host.url}/abo/B0799CK52K/${file}`;
const blobStatements = (verb: 'update' | 'insert into') => statements.filter((q) => new RegExp(`${verb} "?image_blobs"?`).test(q)).length;
const fixtureHash = async (file: string) => sha256Hex(await readFile(`${FIXTURES_DIR}abo/B0799CK52K/${file}`));

describe('storeListingImages', () => {
  it('downloads a photo both listings show once; stores each new content once; one lookup for the batch', async () => {
    statements.length = 0;
    const shared = url('d80a51d3.jpg');
    const before = host.requests.length;
    const { sides, bytes } = await store([[shared, url('528c608a.jpg')], [url('25ffa37c.jpg'), shared]]);
    expect(host.requests.slice(before).filter((p) => p.endsWith('/d80a51d3.jpg'))).toHaveLength(1);
    const main = await fixtureHash('d80a51d3.jpg');
    expect(sides[0]![0]).toMatchObject({ index: 0, ref: shared, sha256: main, mediaType: 'image/jpeg' });
    expect(sides[1]![1]).toMatchObject({ index: 1, ref: shared, sha256: main });
    expect(sha256Hex(bytes.get(main)!)).toBe(main);
    expect(blobStatements('update')).toBe(1);
    expect(blobStatements('insert into')).toBe(3);
  });

  it('images already stored: one statement refreshes them all, nothing is inserted, the stored size is used', async () => {
    const file = '95f7ee92.jpg';
    // Recorded with a size the bytes do not have: the answer proves the record was used, not a decode.
    await insertImage(db, { sha256: await fixtureHash(file), mediaType: 'image/jpeg', width: 11, height: 13, bytes: await readFile(`${FIXTURES_DIR}abo/B0799CK52K/${file}`) });
    statements.length = 0;
    const { sides } = await store([[url('d80a51d3.jpg'), url(file)], [url('25ffa37c.jpg')]]);
    expect(sides[0]![1]).toMatchObject({ width: 11, height: 13 });
    expect(blobStatements('update')).toBe(1);
    expect(statements).toHaveLength(1);
  });

  it('refusals are per image and the rest are stored; a stored blob reference is read, a missing one refused', async () => {
    const main = await fixtureHash('d80a51d3.jpg');
    const { sides } = await store([
      [url('d80a51d3.jpg'), 'https://evil.example.com/x.jpg', `${host.url}/bomb.png`, `${host.url}/not-an-image`],
      [`sha256:${main}`, `sha256:${'0'.repeat(64)}`, `${host.url}/status/404`],
    ]);
    expect(sides[0]!.map((i) => i.refused)).toEqual([undefined, 'host_not_allowed', 'too_many_pixels', 'not_an_image']);
    expect(sides[1]!.map((i) => i.refused ?? i.sha256)).toEqual([main, 'image_missing', 'http_status']);
  });

  it('a run deleted meanwhile stores nothing and touches nothing (checked in the same statement)', async () => {
    const gone = await newRun();
    await db.delete(runs).where(eq(runs.id, gone));
    const stored = await db.select({ sha256: imageBlobs.sha256, lastUsedAt: imageBlobs.lastUsedAt }).from(imageBlobs);
    statements.length = 0;
    expect(await storeListingImages(deps, gone, [[url('d80a51d3.jpg'), url('a8a14cd2.jpg')], []], AbortSignal.timeout(10_000))).toBeUndefined();
    expect(await db.select({ sha256: imageBlobs.sha256, lastUsedAt: imageBlobs.lastUsedAt }).from(imageBlobs)).toEqual(stored);
    expect(blobStatements('update')).toBe(1);
    expect(blobStatements('insert into')).toBe(0);
  });

  it("the caller's abort rejects the whole batch (it is not a refusal)", async () => {
    const controller = new AbortController();
    const pending = store([[`${host.url}/slow?ms=3000`], [url('d80a51d3.jpg')]], controller.signal);
    controller.abort(new Error('job cancelled'));
    await expect(pending).rejects.toThrow('job cancelled');
  });
});
