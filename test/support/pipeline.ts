import { afterAll } from 'vitest';
import type { Sinks } from '../../service/app/delivery/index.ts';
import { importListingFolder, startComparison, type StartComparisonResult } from '../../service/app/comparisons/index.ts';
import { loadRunView, type RunView } from '../../service/app/views/index.ts';
import type { ListingInputRef } from '../../service/domain/listing.ts';
import { parseConfig, type Config } from '../../service/config/schema.ts';
import type { WorkspaceRef } from '../../service/db/repos/workspaces.ts';
import { createLifecycle } from '../../service/main/lifecycle.ts';
import type { Database } from '../../service/main/database.ts';
import { comparisonDeps, startWorkerProcess } from '../../service/main/wiring.ts';
import { useTestDatabase, type TestDatabase } from '../db.ts';
import { memoryLogger } from './logger.ts';

/**
 * The real pipeline for a test file: its own database, an in-process graphile-worker with the
 * production task handlers, wired from a Config built from `env` (an object, never process.env).
 */
export interface TestPipeline {
  readonly tdb: TestDatabase;
  readonly config: Config;
  /** `mine`: the side the command says is the asker's own (`mine:A`, `--mine B`). */
  compare(a: ListingInputRef, b: ListingInputRef, opts?: CompareOptions): Promise<StartComparisonResult>;
  /** Two listing folders through the whole pipeline (fresh unless told otherwise); the finished run's view. */
  compareFolders(a: string, b: string, opts?: CompareOptions): Promise<RunView>;
  waitForRun(runId: string, timeoutMs?: number): Promise<RunView>;
  logLines(): string[];
}

export interface CompareOptions {
  readonly fresh?: boolean;
  /** Default: the CLI's workspace (`cli`/`local`). */
  readonly workspace?: WorkspaceRef;
  readonly requestKey?: string;
  readonly mine?: 'A' | 'B';
}

/** `sinks`: chat sinks for the worker's deliver_run task (an object the test may fill in after the start). */
export async function startTestPipeline(env: Record<string, string> = {}, opts: { sinks?: Sinks } = {}): Promise<TestPipeline> {
  const tdb = await useTestDatabase();
  const parsed = parseConfig(env);
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  const config = parsed.config;
  const { logger, lines } = memoryLogger(Object.values(env).filter((v) => v.length >= 8));
  const lifecycle = createLifecycle();
  const db: Database = { ...tdb, embedded: false };
  await startWorkerProcess(config, db, logger, lifecycle, { schedule: false, ...(opts.sinks ? { sinks: opts.sinks } : {}) });
  afterAll(() => lifecycle.shutdown('test done'));
  const deps = await comparisonDeps(config, db);
  const cli: WorkspaceRef = { platform: 'cli', externalId: 'local' };

  const pipeline: TestPipeline = {
    tdb,
    config,
    compare: (a, b, opts = {}) =>
      startComparison(deps, {
        workspace: opts.workspace ?? cli,
        a,
        b,
        fresh: opts.fresh ?? false,
        ...(opts.requestKey ? { requestKey: opts.requestKey } : {}),
        ...(opts.mine ? { mine: opts.mine } : {}),
      }),
    async compareFolders(a, b, opts = {}) {
      const started = await pipeline.compare(await importListingFolder(tdb.db, a), await importListingFolder(tdb.db, b), { ...opts, fresh: opts.fresh ?? true });
      return pipeline.waitForRun(started.run.id);
    },
    async waitForRun(runId, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const view = await loadRunView(tdb.db, runId);
        if (view && ['succeeded', 'partial', 'failed'].includes(view.status)) return view;
        if (Date.now() > deadline) throw new Error(`run ${runId} did not finish: ${JSON.stringify(view?.stages.map((s) => [s.name, s.status]))}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    logLines: lines,
  };
  return pipeline;
}
