import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, test } from 'vitest';
import { useTestDatabase } from '../../test/db.ts';
import { creditsDeps, pairInput } from '../../test/support/credits.ts';
import { startComparison } from '../app/comparisons/index.ts';
import { columnValue, hot, hotSql, shapes, slot, value, type TemplateDb } from './hot.ts';
import { chatMessages, runs, runStages } from './schema.ts';

const tdb = await useTestDatabase();
const deps = await creditsDeps(tdb);
const created = await startComparison(deps, pairInput('THOT', 1, { requestKey: 'hot-1' }));
if (created.kind !== 'created') throw new Error('no run');
const runId = created.run.id;

// A run, its stages and its (absent) messages: timestamps, numerics, jsonb, a left join with no row.
const joined = (db: TemplateDb) =>
  db
    .select({ run: runs, stage: runStages, message: chatMessages, n: sql<number>`${1}::int + 1` })
    .from(runs)
    .leftJoin(runStages, eq(runStages.runId, runs.id))
    .leftJoin(chatMessages, eq(chatMessages.runId, runs.id));
const joinedHot = hot('test_joined', (db) => joined(db).where(eq(runs.id, value('id'))));

describe('statements built once (db/hot.ts)', () => {
  test("a select's rows are drizzle's own: dates, numerics, jsonb, a joined table with no row as null", async () => {
    await tdb.db.update(runStages).set({ costUsd: '0.0123', output: { a: [1, 'x'] }, finishedAt: new Date('2026-01-02T03:04:05.678Z') }).where(eq(runStages.runId, runId));
    const expected = await joined(tdb.db).where(eq(runs.id, runId));
    const rows = await joinedHot(tdb.db, { id: runId });
    expect(rows).toEqual(expected);
    expect(rows[0]?.message).toBeNull();
    expect(rows[0]?.run.createdAt).toBeInstanceOf(Date);
    expect(rows[0]?.stage?.finishedAt).toEqual(new Date('2026-01-02T03:04:05.678Z'));
    expect(rows[0]?.stage?.output).toEqual({ a: [1, 'x'] });
  });

  test("in a transaction, on the transaction's connection: it sees what the transaction wrote", async () => {
    const inside = await tdb.db
      .transaction(async (tx) => {
        await tx.update(runs).set({ errorCode: 'in_tx' }).where(eq(runs.id, runId));
        const seen = (await joinedHot(tx, { id: runId }))[0]?.run.errorCode;
        throw new Rolled(seen);
      })
      .catch((e: unknown) => (e instanceof Rolled ? e.seen : 'not rolled back'));
    expect(inside).toBe('in_tx');
    expect((await joinedHot(tdb.db, { id: runId }))[0]?.run.errorCode).toBeNull();
  });

  test('a value is encoded as its column, and a null written stays SQL null (not JSON null)', async () => {
    const setOutput = hot('test_set_output', (db) =>
      db
        .update(runStages)
        .set({ output: columnValue('output'), finishedAt: columnValue('at') })
        .where(and(eq(runStages.runId, value('id')), eq(runStages.stage, 'acquire'))),
    );
    await setOutput(tdb.db, { id: runId, output: { k: 'v' }, at: new Date('2026-03-04T05:06:07Z') });
    const [stored] = await tdb.sql<{ output: unknown; kind: string; at: Date }[]>`select output, jsonb_typeof(output) as kind, finished_at as at from run_stages where run_id = ${runId} and stage = 'acquire'`;
    expect(stored).toMatchObject({ output: { k: 'v' }, kind: 'object' });
    expect(new Date(stored!.at).toISOString()).toBe('2026-03-04T05:06:07.000Z');
    await setOutput(tdb.db, { id: runId, output: null, at: null });
    const [cleared] = await tdb.sql<{ isNull: boolean; atNull: boolean }[]>`select output is null as "isNull", finished_at is null as "atNull" from run_stages where run_id = ${runId} and stage = 'acquire'`;
    expect(cleared).toEqual({ isNull: true, atNull: true });
  });

  test("a slot's fragment is written in, its parameters after the statement's own; no fragment writes the fallback", async () => {
    const q = hotSql<{ a: number; f: number | null; b: string }>(sql`select ${value('a')}::int as a, ${slot('f')} as f, ${value('b')}::text as b`);
    expect(await q(tdb.db, { a: 1, b: 'x' }, { f: sql`${7}::int * ${3}::int` })).toEqual([{ a: 1, f: 21, b: 'x' }]);
    expect(await q(tdb.db, { a: 2, b: 'y' })).toEqual([{ a: 2, f: null, b: 'y' }]);
  });

  test('a missing value is an error, not a null', async () => {
    const q = hotSql(sql`select ${value('a')}::int as a`);
    await expect(q(tdb.db, {})).rejects.toThrow(/no value for a/);
  });

  test('shapes: one statement per shape key, built the first time', () => {
    const built: string[] = [];
    const byKey = shapes(
      (n: number) => String(n % 2),
      (_n, key) => (built.push(key), key),
    );
    expect([byKey(1), byKey(3), byKey(2), byKey(5)]).toEqual(['1', '1', '0', '1']);
    expect(built).toEqual(['1', '0']);
  });
});

class Rolled extends Error {
  readonly seen: unknown;
  constructor(seen: unknown) {
    super('rolled back');
    this.seen = seen;
  }
}
