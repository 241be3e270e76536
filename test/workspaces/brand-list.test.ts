import { eq } from 'drizzle-orm';
import { describe, expect, test } from 'vitest';
import { BRAND_LIST_MAX, brandEntryOf, brandKey, createBrandList } from '../../service/app/workspaces/index.ts';
import { workspaceBrands, workspaces } from '../../service/db/schema.ts';
import { useTestDatabase } from '../db.ts';
import { creditsDeps, slack } from '../support/credits.ts';
import { refusal } from '../support/refusals.ts';

/** The workspace brand list: what is stored, duplicates, the limit, and workspaces kept apart. */

const tdb = await useTestDatabase();
const db = tdb.db;
const brands = createBrandList(await creditsDeps(tdb));

describe('normalisation', () => {
  test('an ASIN-shaped value is an upper-case ASIN; anything else a brand keyed lower-case, spaces collapsed', () => {
    expect(brandEntryOf(' b0799ck52k ')).toEqual({ kind: 'asin', value: 'B0799CK52K', key: 'B0799CK52K' });
    expect(brandEntryOf('  Starter   Bags\tCo ')).toEqual({ kind: 'brand', value: 'Starter Bags Co', key: 'starter bags co' });
    // 10 characters but not B0…: a brand (an ISBN-like ASIN is not what people list as theirs).
    expect(brandEntryOf('0123456789').kind).toBe('brand');
    expect(brandEntryOf('B0799CK52').kind).toBe('brand');
    expect(brandKey('ＳＴＡＲＴＥＲ')).toBe('starter');
    expect(brandKey('Starter')).toBe(brandKey(' starter '));
  });

  test('blank or over 100 characters is refused with a clear message', () => {
    expect(() => brandEntryOf('   ')).toThrow(/brand name .* or an ASIN/);
    expect(() => brandEntryOf('x'.repeat(101))).toThrow(/at most 100 characters; that one is 101/);
    expect(brandEntryOf('x'.repeat(100)).value).toHaveLength(100);
  });
});

describe('add, remove, list', () => {
  test('add keeps the value as typed; the same brand again in other case or spacing changes nothing', async () => {
    const ws = slack('TBRANDS1');
    const first = await brands.add(ws, 'Starter  Bags', 'U1');
    expect(first).toEqual({ entry: { kind: 'brand', value: 'Starter Bags' }, changed: true, list: [{ kind: 'brand', value: 'Starter Bags' }] });
    const again = await brands.add(ws, 'starter bags', 'U2');
    expect(again.changed).toBe(false);
    expect(again.entry.value).toBe('Starter Bags');
    const asin = await brands.add(ws, 'b0799ck52k');
    expect(asin.entry).toEqual({ kind: 'asin', value: 'B0799CK52K' });
    expect(await brands.list(ws)).toEqual([
      { kind: 'brand', value: 'Starter Bags' },
      { kind: 'asin', value: 'B0799CK52K' },
    ]);
    const rows = await db.select().from(workspaceBrands);
    expect(rows.map((r) => [r.kind, r.key, r.addedBy])).toEqual(expect.arrayContaining([['brand', 'starter bags', 'U1'], ['asin', 'B0799CK52K', null]]));
  });

  test('remove matches as marking does; removing what is not there writes nothing', async () => {
    const ws = slack('TBRANDS2');
    await brands.add(ws, 'Oatly');
    await brands.add(ws, 'B0799CK53Z');
    expect(await brands.remove(ws, '  OATLY ')).toEqual({ entry: { kind: 'brand', value: 'Oatly' }, changed: true, list: [{ kind: 'asin', value: 'B0799CK53Z' }] });
    expect((await brands.remove(ws, 'Oatly')).changed).toBe(false);
    expect((await brands.remove(ws, 'b0799ck53z')).list).toEqual([]);
    // A workspace never seen: nothing is created by a read or a remove.
    expect(await brands.list(slack('TNEVER'))).toEqual([]);
    expect((await brands.remove(slack('TNEVER'), 'Oatly')).changed).toBe(false);
    expect(await db.select().from(workspaces).where(eq(workspaces.externalId, 'TNEVER'))).toEqual([]);
  });

  test(`at most ${BRAND_LIST_MAX} entries, also under concurrent adds; a duplicate of a full list is still fine`, async () => {
    const ws = slack('TBRANDS3');
    const results = await Promise.allSettled(Array.from({ length: BRAND_LIST_MAX + 5 }, (_, i) => brands.add(ws, `Brand ${i}`)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(BRAND_LIST_MAX);
    const refused = results.find((r) => r.status === 'rejected');
    expect(String((refused as PromiseRejectedResult).reason)).toMatch(/brand list is full \(50 entries\): remove one before adding Brand \d+/);
    expect(await brands.list(ws)).toHaveLength(BRAND_LIST_MAX);
    const full = await refusal(brands.add(ws, 'One More'));
    expect(full.code).toBe('bad_command');
    const kept = (await brands.list(ws))[0]!.value;
    expect((await brands.add(ws, kept)).changed).toBe(false);
  });

  test("another workspace's list is never read or touched", async () => {
    const mine = slack('TBRANDS4');
    const theirs = { platform: 'discord', externalId: '123456789012345678' } as const;
    await brands.add(theirs, 'Acme');
    await brands.add(mine, 'Starter');
    expect(await brands.list(mine)).toEqual([{ kind: 'brand', value: 'Starter' }]);
    // Adding or removing their brand here touches only this workspace's list.
    expect((await brands.remove(mine, 'Acme')).changed).toBe(false);
    expect((await brands.add(mine, 'Acme')).changed).toBe(true);
    expect((await brands.remove(mine, 'Acme')).changed).toBe(true);
    expect(await brands.list(theirs)).toEqual([{ kind: 'brand', value: 'Acme' }]);
    // The same external id on another platform is another workspace.
    expect(await brands.list({ platform: 'slack', externalId: '123456789012345678' })).toEqual([]);
  });
});
