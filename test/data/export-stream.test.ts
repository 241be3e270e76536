import { createHash, randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, test } from 'vitest';
import { createDataServices, createExports, writeWorkspaceArchive } from '../../service/app/data/index.ts';
import { putImage } from '../../service/db/repos/blobs.ts';
import { insertRun, updateStage } from '../../service/db/repos/runs.ts';
import { ensureWorkspace } from '../../service/db/repos/workspaces.ts';
import { databaseReadiness } from '../../service/db/readiness.ts';
import { buildApp } from '../../service/http/app.ts';
import { systemClock } from '../../service/providers/provider.ts';
import { useTestDatabase } from '../db.ts';
import { memoryLogger } from '../support/logger.ts';
import { readArchive } from './export-support.ts';

/**
 * The archive is streamed: a reader that stops reading stops the export (what is buffered stays
 * a small part of the archive), one that goes away ends it — the archive is never built whole in
 * memory. The images are random bytes, so gzip cannot shrink them.
 */

const tdb = await useTestDatabase();
const db = tdb.db;
const IMAGES = 24;
const IMAGE_BYTES = 200_000;
const TOTAL = IMAGES * IMAGE_BYTES;

const ws = await ensureWorkspace(db, { platform: 'slack', externalId: 'T_STREAM' }, 0);
const images = Array.from({ length: IMAGES }, () => {
  const bytes = randomBytes(IMAGE_BYTES);
  return { sha256: createHash('sha256').update(bytes).digest('hex'), bytes };
});
for (const i of images) await putImage(db, { ...i, mediaType: 'image/png', width: 100, height: 100 });
const run = await insertRun(db, { workspaceId: ws.id, kind: 'compare', status: 'succeeded', inputs: { a: { kind: 'asin', asin: 'B0STREAM01' }, b: { kind: 'asin', asin: 'B0STREAM02' } } }, [{ stage: 'acquire', credits: 0 }]);
await updateStage(db, run.id, 'acquire', { status: 'succeeded', output: { A: { images: images.map((i, index) => ({ index, sha256: i.sha256 })) }, B: { images: [] } } });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('streaming', () => {
  test('a reader that stops reading holds the export back; reading on finishes it with every image', async () => {
    const out = new PassThrough();
    let settled = false;
    const writing = writeWorkspaceArchive({ db, clock: systemClock }, ws.id, out).finally(() => (settled = true));
    await sleep(1_500);
    expect(settled).toBe(false);
    // What waits in the output is a small part of the archive (one image, the stream buffers).
    expect(out.readableLength).toBeLessThan(TOTAL / 4);
    const chunks: Buffer[] = [];
    for await (const chunk of out) chunks.push(chunk as Buffer);
    expect((await writing).images).toBe(IMAGES);
    const gz = Buffer.concat(chunks);
    expect(gz.length).toBeGreaterThan(TOTAL);
    const files = await readArchive(gz);
    for (const i of images) expect(files.get(`listinglab-export/images/${i.sha256}.png`)?.equals(i.bytes)).toBe(true);
  });

  test('an output that fails half-way ends the export with the error at once', async () => {
    const out = new PassThrough();
    const writing = writeWorkspaceArchive({ db, clock: systemClock }, ws.id, out);
    await new Promise((r) => out.once('readable', r));
    out.destroy(new Error('disk full'));
    const started = Date.now();
    await expect(writing).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  test('over HTTP, a client that goes away mid-download ends the export; the server closes promptly', async () => {
    const key = randomBytes(32);
    const { logger, lines } = memoryLogger([]);
    const app = await buildApp({ logger, readiness: () => databaseReadiness(tdb.sql), exports: createExports({ db, key, clock: systemClock }) });
    afterAll(() => app.close());
    const base = (await app.listen({ port: 0, host: '127.0.0.1' })).replace('localhost', '127.0.0.1');
    const link = await createDataServices({ db, clock: systemClock, links: { key, baseUrl: base } }).requestExport({ platform: 'slack', externalId: 'T_STREAM' }, 'U1');
    const abort = new AbortController();
    const res = await fetch(link.url, { signal: abort.signal });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    await reader.read();
    abort.abort();
    const deadline = Date.now() + 10_000;
    while (!lines().some((l) => l.includes('export download ended early')) && Date.now() < deadline) await sleep(50);
    expect(lines().filter((l) => l.includes('export download ended early'))).toHaveLength(1);
    expect(lines().some((l) => l.includes('"level":50'))).toBe(false);
    const closing = Date.now();
    await app.close();
    expect(Date.now() - closing).toBeLessThan(3_000);
  });
});
