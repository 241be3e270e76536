import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, test } from 'vitest';
import { importListingFolder } from '../../service/app/comparisons/index.ts';
import { createAppServices } from '../../service/app/services.ts';
import { creditLedger, runStages, runs, workspaces } from '../../service/db/schema.ts';
import { comparisonDeps } from '../../service/main/wiring.ts';
import { parseConfig } from '../../service/config/schema.ts';
import { autoAnswer, startOpenAiEmulator } from '../emulators/openai.ts';
import { useTestDatabase } from '../db.ts';

/**
 * Crash recovery: a worker SIGKILLed in the middle of a run. graphile-worker would leave its jobs
 * locked for 4 hours; worker heartbeats let the next worker unlock them within seconds. The run
 * completes, each stage is settled once, and credits are settled exactly once.
 */

const root = path.resolve(import.meta.dirname, '../..');
const PAIR = path.join(root, 'golden_tests/pairs/bulb-lowres-caps');
const tdb = await useTestDatabase();
// Every model call takes 1.5 s, so a run is reliably mid-stage when the worker is killed.
const openai = await startOpenAiEmulator({
  handler: (req) => ({ kind: 'json', body: autoAnswer((req.body.response_format as { json_schema?: { schema?: unknown } }).json_schema?.schema) }),
  latencyMs: () => 1_500,
});
const children: ChildProcess[] = [];
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await openai.close();
});

const env = {
  PATH: process.env.PATH ?? '',
  DATABASE_URL: tdb.url,
  OPENAI_API_KEY: 'sk-crash-test-key',
  OPENAI_BASE_URL: openai.url,
  WORKER_STALE_SECONDS: '3',
  LOG_LEVEL: 'warn',
};

let workerLog = '';

function startWorker(): ChildProcess {
  const child = spawn(process.execPath, [path.join(root, 'service/main/cli.ts'), 'worker'], { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'] });
  // Drain stderr (a full pipe would stall the child); keep it for the failure message.
  child.stderr?.on('data', (c: Buffer) => (workerLog += c.toString()));
  children.push(child);
  return child;
}

async function until<T>(what: string, f: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) {
      const jobs = await tdb.sql`select t.identifier, j.attempts, j.max_attempts, j.locked_by, j.run_at, j.last_error from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id`;
      const stages = await tdb.sql`select stage, status, attempts from run_stages`;
      throw new Error(`timed out waiting for ${what}\n${JSON.stringify(jobs)}\n${JSON.stringify(stages)}\n${workerLog.slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('crash recovery', () => {
  test('SIGKILL mid-run: a new worker finishes the run; stages settled once, credits once', async () => {
    const parsed = parseConfig(env);
    if (!parsed.ok) throw new Error(parsed.errors.join());
    const deps = await comparisonDeps(parsed.config, { ...tdb, embedded: false });
    const services = createAppServices({ ...deps, dailyCap: 1_000 });
    const ws = { platform: 'slack' as const, externalId: 'T-crash' };
    const started = await services.startComparison({
      workspace: ws,
      a: await importListingFolder(tdb.db, path.join(PAIR, 'A')),
      b: await importListingFolder(tdb.db, path.join(PAIR, 'B')),
      fresh: true,
    });
    const runId = started.run.id;

    const first = startWorker();
    // Wait until a model stage is running (its model call is in flight), then kill the worker.
    await until('a stage in flight', async () => {
      const rows = await tdb.db.select().from(runStages).where(eq(runStages.runId, runId));
      return rows.some((r) => ['ctr', 'pdp', 'text'].includes(r.stage) && r.status === 'running') ? true : undefined;
    });
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const locked = await tdb.sql`select count(*)::int as n from graphile_worker._private_jobs where locked_by is not null`;
    expect(locked[0]?.n).toBeGreaterThan(0);

    startWorker();
    const finished = await until('the run to finish', async () => {
      const [r] = await tdb.db.select().from(runs).where(eq(runs.id, runId));
      return r && ['succeeded', 'partial', 'failed'].includes(r.status) ? r : undefined;
    }, 90_000);
    expect(finished.status).toBe('succeeded');
    expect(finished.settledAt).not.toBeNull();

    const stages = await tdb.db.select().from(runStages).where(eq(runStages.runId, runId));
    expect(stages.every((s) => s.status === 'succeeded')).toBe(true);
    // The interrupted stage ran a second time; nothing ran three times.
    expect(stages.some((s) => s.attempts === 2)).toBe(true);
    expect(Math.max(...stages.map((s) => s.attempts))).toBeLessThanOrEqual(2);

    const [w] = await tdb.db.select().from(workspaces).where(eq(workspaces.externalId, 'T-crash'));
    const ledger = await tdb.db.select().from(creditLedger).where(eq(creditLedger.workspaceId, w!.id));
    expect(ledger.filter((l) => l.kind === 'reserve')).toHaveLength(1);
    expect(ledger.filter((l) => l.kind === 'refund')).toHaveLength(0);
    expect(w!.balance).toBe(30 - 10);
    expect(ledger.reduce((s, l) => s + l.amount, 0)).toBe(w!.balance);
  }, 120_000);
});
