import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, test } from 'vitest';
import { createDataServices, createExports } from '../../service/app/data/index.ts';
import { DEFAULTS } from '../../service/config/defaults.ts';
import { databaseReadiness } from '../../service/db/readiness.ts';
import { dataLinks, workspaces } from '../../service/db/schema.ts';
import { AppError } from '../../service/domain/errors.ts';
import type { WorkspaceRef } from '../../service/domain/workspace.ts';
import { buildApp } from '../../service/http/app.ts';
import { signCapability, verifyCapability } from '../../service/support/capability-token.ts';
import { useTestDatabase } from '../db.ts';
import { memoryLogger } from '../support/logger.ts';
import { goldenImage, json, readArchive, seedQuickRun, tarBytes } from './export-support.ts';

/**
 * `requestExport` (what `/listing data export` replies with) and `GET /exports/:token` over real
 * HTTP: a valid link streams the workspace's archive; an altered, expired, report or delete
 * token, a link of a deleted workspace — each is the service's ordinary 404.
 */

const tdb = await useTestDatabase();
const db = tdb.db;
let now = Date.parse('2026-12-05T10:00:00Z');
const clock = { now: () => now };
const key = randomBytes(32);
const { logger, lines } = memoryLogger([]);
const app = await buildApp({ logger, readiness: () => databaseReadiness(tdb.sql), exports: createExports({ db, key, clock }) });
const base = (await app.listen({ port: 0, host: '127.0.0.1' })).replace('localhost', '127.0.0.1');
afterAll(() => app.close());
const data = createDataServices({ db, clock, links: { key, baseUrl: base } });

const ONE: WorkspaceRef = { platform: 'slack', externalId: 'T_LINK_ONE' };
const TWO: WorkspaceRef = { platform: 'slack', externalId: 'T_LINK_TWO' };
const oneRun = await seedQuickRun(db, ONE, { asins: ['B0LINKONE1', 'B0LINKONE2'], image: goldenImage('duffel-compliance', 'B', 'main-badge.jpg') });
const twoRun = await seedQuickRun(db, TWO, { asins: ['B0LINKTWO1', 'B0LINKTWO2'], image: goldenImage('bulb-lowres-caps', 'B', 'main-400.jpg') });

const notFound = await fetch(`${base}/no-such-page`);
const notFoundBody = await notFound.text();
async function expectNotFound(url: string) {
  const res = await fetch(url);
  expect(res.status, url).toBe(404);
  expect(await res.text(), url).toBe(notFoundBody);
  expect(res.headers.get('content-type')).toBe(notFound.headers.get('content-type'));
}
const tokenOf = (url: string) => new URL(url).pathname.replace('/exports/', '');
const linkId = (url: string) => verifyCapability(key, 'export', tokenOf(url), new Date(now))!.id;
/** A download's status, its body read to the end (an unread body would hold the stream open). */
const statusOf = async (url: string) => {
  const res = await fetch(url);
  await res.arrayBuffer();
  return res.status;
};

async function refusal(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  if (!(e instanceof AppError)) throw new Error(`expected a refusal, got ${String(e)}`);
  return { code: e.code, message: e.message };
}

describe('requestExport', () => {
  test('records a link for 24 hours, signed for that row, and quotes the counts', async () => {
    const link = await data.requestExport(ONE, 'U_ADMIN');
    expect(link.url).toMatch(new RegExp(`^${base}/exports/[A-Za-z0-9_-]{50}$`));
    expect(link.expiresAt.getTime()).toBe(now + DEFAULTS.data.exportLinkHours * 3_600_000);
    expect(link.counts).toEqual({ runs: 1, experiments: 0, outcomes: 0, ledgerLines: 1, purchases: 0, brands: 0, images: 1 });
    const [ws] = await db.select().from(workspaces).where(eq(workspaces.externalId, 'T_LINK_ONE'));
    const rows = await db.select().from(dataLinks).where(eq(dataLinks.workspaceId, ws!.id));
    expect(rows).toEqual([expect.objectContaining({ purpose: 'export', requestedBy: 'U_ADMIN', expiresAt: link.expiresAt, usedAt: null })]);
  });

  test('a workspace never seen, or links off (no PUBLIC_URL): refused in plain words, nothing recorded', async () => {
    const before = await db.select().from(dataLinks);
    expect(await refusal(data.requestExport({ platform: 'discord', externalId: '999' }, 'U1'))).toEqual({ code: 'not_found', message: expect.stringMatching(/^There is no discord workspace 999 here: nothing was ever run or bought in it/) });
    const off = createDataServices({ db, clock, links: undefined });
    expect(await refusal(off.requestExport(ONE, 'U1'))).toEqual({ code: 'bad_command', message: expect.stringMatching(/^Export links need PUBLIC_URL .*`listinglab data export <platform> <workspace id>`/) });
    expect(await db.select().from(dataLinks)).toEqual(before);
  });
});

describe('GET /exports/:token', () => {
  test('a valid link: 200, a gzip attachment named for the workspace and day, not cached, holding this workspace only; its use is noted', async () => {
    const link = await data.requestExport(ONE, 'U_ADMIN');
    now += 60_000;
    const res = await fetch(link.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/gzip');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="listinglab-export-slack-T_LINK_ONE-2026-12-05.tar.gz"');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const gz = Buffer.from(await res.arrayBuffer());
    const files = await readArchive(gz);
    expect(files.has(`listinglab-export/runs/${oneRun}.json`)).toBe(true);
    expect(json(files, 'manifest.json')).toMatchObject({ version: 1, counts: link.counts });
    for (const needle of [twoRun, 'T_LINK_TWO', 'B0LINKTWO1', goldenImage('bulb-lowres-caps', 'B', 'main-400.jpg').sha256]) expect(tarBytes(gz).includes(needle), needle).toBe(false);
    const [row] = await db.select().from(dataLinks).where(eq(dataLinks.id, linkId(link.url)));
    expect(row?.usedAt?.getTime()).toBe(now);
    // The token never reaches the log (request lines are off for this route).
    expect(lines().join('\n')).not.toContain(tokenOf(link.url));
  });

  test('an altered or cut-short token, a report token for the same link, a delete confirmation signed as an export: the ordinary 404', async () => {
    const link = await data.requestExport(ONE, 'U_ADMIN');
    const token = tokenOf(link.url);
    const flipped = `${token.slice(0, 10)}${token[10] === 'A' ? 'B' : 'A'}${token.slice(11)}`;
    await expectNotFound(`${base}/exports/${flipped}`);
    await expectNotFound(`${base}/exports/${token.slice(0, -2)}`);
    await expectNotFound(`${base}/exports/not-a-token`);
    const [row] = await db.select().from(dataLinks).where(eq(dataLinks.id, linkId(link.url)));
    await expectNotFound(`${base}/exports/${signCapability(key, 'report', row!.id, link.expiresAt)}`);
    const [confirm] = await db.insert(dataLinks).values({ workspaceId: row!.workspaceId, purpose: 'delete', expiresAt: link.expiresAt }).returning();
    await expectNotFound(`${base}/exports/${signCapability(key, 'export', confirm!.id, link.expiresAt)}`);
    // A link signed for a row that does not exist (revoked: its row removed).
    await db.delete(dataLinks).where(eq(dataLinks.id, confirm!.id));
    await expectNotFound(`${base}/exports/${signCapability(key, 'export', confirm!.id, link.expiresAt)}`);
    expect(await statusOf(link.url)).toBe(200);
    // HEAD would build the archive only to drop it: there is no HEAD route.
    expect((await fetch(link.url, { method: 'HEAD' })).status).toBe(404);
  });

  test('expired: 24 hours later the same link is the 404', async () => {
    const link = await data.requestExport(TWO, 'U_ADMIN');
    expect(await statusOf(link.url)).toBe(200);
    const at = now;
    now = link.expiresAt.getTime();
    try {
      await expectNotFound(link.url);
    } finally {
      now = at;
    }
  });

  test('a deleted workspace: its links open nothing', async () => {
    const link = await data.requestExport(TWO, 'U_ADMIN');
    expect(await statusOf(link.url)).toBe(200);
    await db.update(workspaces).set({ deletedAt: new Date(now) }).where(eq(workspaces.externalId, 'T_LINK_TWO'));
    await expectNotFound(link.url);
    expect(await refusal(data.requestExport(TWO, 'U_ADMIN'))).toMatchObject({ code: 'not_found', message: expect.stringMatching(/was deleted: there is nothing left to export/) });
  });
});
