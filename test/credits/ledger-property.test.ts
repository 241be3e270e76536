import { eq, sql } from 'drizzle-orm';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { handleStripeEvent } from '../../service/app/credits/index.ts';
import { reclaimStaleRuns, beginStage, completeStage, isSettled, startComparison } from '../../service/app/comparisons/index.ts';
import { creditLedger, runStages } from '../../service/db/schema.ts';
import { isUserError } from '../../service/domain/errors.ts';
import { systemClock } from '../../service/providers/provider.ts';
import { useTestDatabase } from '../db.ts';
import { memoryLogger } from '../support/logger.ts';
import { balanceOf, creditsDeps, expectLedgerConsistent, jobsFor, killWorkerOf, pairInput, runsOf, workspaceWith } from '../support/credits.ts';

/**
 * The ledger under random histories: reservations, stage outcomes, runs driven to their end,
 * purchases (duplicated, out of order, concurrent) and killed workers swept up. After every step:
 * - balance ≥ 0 and balance = the sum of the workspace's ledger rows;
 * - every run's refunds = the credits of its failed and skipped stages, exactly;
 * - balance = 30 free + 100 per paid session − 10 per run + those refunds;
 * - at most 3 runs hold a slot, a run waits only when 3 do, and each admitted run has one acquire job.
 */

const tdb = await useTestDatabase();
const db = tdb.db;
const deps = await creditsDeps(tdb, { dailyCap: 1_000_000 });
const { logger } = memoryLogger();
const sweep = { db, clock: systemClock, staleAfterMs: 15 * 60_000 };

type Op =
  | { kind: 'reserve' }
  | { kind: 'advance'; pick: number; ok: boolean }
  | { kind: 'settle'; pick: number }
  | { kind: 'purchase'; session: number; type: 'completed' | 'async'; paid: boolean; concurrent: boolean }
  | { kind: 'crash'; pick: number; midStage: boolean }
  | { kind: 'sweep' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ kind: 'reserve' as const }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('advance' as const), pick: fc.nat(20), ok: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('settle' as const), pick: fc.nat(20) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('purchase' as const), session: fc.nat(2), type: fc.constantFrom('completed' as const, 'async' as const), paid: fc.boolean(), concurrent: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('crash' as const), pick: fc.nat(20), midStage: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'sweep' as const }) },
);

const OUTPUT = { ok: true as const, output: { hash: 'h' }, provider: 'rules', model: 'property' };
let iteration = 0;

async function activeRuns(workspaceId: string) {
  return (await runsOf(db, workspaceId)).filter((r) => r.admittedAt !== null && r.settledAt === null);
}
async function currentStages(runId: string): Promise<string[]> {
  const rows = await db.select().from(runStages).where(eq(runStages.runId, runId));
  return rows.filter((s) => s.status === 'queued' || s.status === 'running').map((s) => s.stage).sort();
}

async function checkInvariants(workspaceId: string, paidSessions: number): Promise<void> {
  const balance = await balanceOf(db, workspaceId);
  expect(balance).toBeGreaterThanOrEqual(0);
  await expectLedgerConsistent(db);
  const all = await runsOf(db, workspaceId);
  let refunds = 0;
  for (const run of all) {
    const stages = await db.select().from(runStages).where(eq(runStages.runId, run.id));
    const owed = stages.filter((s) => s.status === 'failed' || s.status === 'skipped').reduce((n, s) => n + s.credits, 0);
    const [r] = await db.select({ n: sql<number>`coalesce(sum(${creditLedger.amount}), 0)::int` }).from(creditLedger).where(sql`${creditLedger.runId} = ${run.id} and ${creditLedger.kind} = 'refund'`);
    expect(r?.n, `refunds of run ${run.id}`).toBe(owed);
    refunds += owed;
    if (run.settledAt !== null) expect(stages.every((s) => isSettled(s.status))).toBe(true);
  }
  expect(balance).toBe(30 + 100 * paidSessions - 10 * all.length + refunds);
  const holding = all.filter((r) => r.admittedAt !== null && r.settledAt === null);
  const waiting = all.filter((r) => r.admittedAt === null);
  expect(holding.length).toBeLessThanOrEqual(3);
  if (waiting.length) expect(holding.length).toBe(3);
  const acquire = await jobsFor(db, 'acquire_listings');
  for (const run of all) expect(acquire.filter((j) => j.runId === run.id).length).toBe(run.admittedAt === null ? 0 : 1);
}

async function apply(op: Op, ctx: { teamId: string; workspaceId: string; n: number; paid: Set<number> }): Promise<void> {
  switch (op.kind) {
    case 'reserve': {
      const before = await balanceOf(db, ctx.workspaceId);
      const result = await startComparison(deps, pairInput(ctx.teamId, ctx.n++)).catch((e: unknown) => e);
      if (before >= 10) expect(result).toMatchObject({ kind: 'created', balance: before - 10 });
      else expect(isUserError(result) && result.code).toBe('insufficient_credits');
      return;
    }
    case 'advance': {
      const runs = await activeRuns(ctx.workspaceId);
      const run = runs[op.pick % Math.max(1, runs.length)];
      if (!run) return;
      const stages = await currentStages(run.id);
      const stage = stages[op.pick % stages.length]!;
      await completeStage(db, run.id, stage, op.ok ? OUTPUT : { ok: false, code: 'provider_failed', message: 'property' });
      return;
    }
    case 'settle': {
      const runs = await activeRuns(ctx.workspaceId);
      const run = runs[op.pick % Math.max(1, runs.length)];
      if (!run) return;
      for (let stages = await currentStages(run.id); stages.length; stages = await currentStages(run.id)) {
        await completeStage(db, run.id, stages[0]!, OUTPUT);
      }
      return;
    }
    case 'purchase': {
      const sessionId = `cs_prop_${ctx.teamId}_${op.session}`;
      const paid = op.type === 'async' || op.paid;
      const event = {
        id: `evt_${ctx.teamId}_${op.session}_${op.type}_${paid}`,
        type: op.type === 'async' ? 'checkout.session.async_payment_succeeded' : 'checkout.session.completed',
        data: { object: { id: sessionId, object: 'checkout.session', payment_status: paid ? 'paid' : 'unpaid', client_reference_id: ctx.workspaceId, metadata: { workspace_id: ctx.workspaceId, credits: '100', pack: 'starter' } } },
      };
      const deliveries = op.concurrent ? 3 : 1;
      await Promise.all(Array.from({ length: deliveries }, () => handleStripeEvent({ db, logger }, event)));
      if (paid) ctx.paid.add(op.session);
      return;
    }
    case 'crash': {
      const runs = await activeRuns(ctx.workspaceId);
      const run = runs[op.pick % Math.max(1, runs.length)];
      if (!run) return;
      const stages = await currentStages(run.id);
      if (op.midStage && stages[0]) await beginStage(db, run.id, stages[0]);
      await killWorkerOf(db, run.id, 20);
      expect(await reclaimStaleRuns(sweep)).toEqual([run.id]);
      // The killed worker was not dead after all and reports late: nothing moves.
      if (stages[0]) await completeStage(db, run.id, stages[0], OUTPUT);
      expect(await reclaimStaleRuns(sweep)).toEqual([]);
      return;
    }
    case 'sweep':
      expect(await reclaimStaleRuns(sweep)).toEqual([]);
      return;
  }
}

describe('ledger properties', () => {
  test('random histories of reserve / refund / settle / purchase / crash + sweep keep the books exact', { timeout: 240_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 24 }), async (ops) => {
        const teamId = `TPROP${iteration++}`;
        const ws = await workspaceWith(db, teamId, 30);
        const ctx = { teamId, workspaceId: ws.id, n: 0, paid: new Set<number>() };
        for (const op of ops) {
          await apply(op, ctx);
          await checkInvariants(ws.id, ctx.paid.size);
        }
      }),
      { numRuns: 30 },
    );
  });
});
