import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { importListingFolder } from '../../service/app/comparisons/index.ts';
import { loadRunView } from '../../service/app/views/index.ts';
import { createAppServices } from '../../service/app/services.ts';
import { parseConfig } from '../../service/config/schema.ts';
import { createDb } from '../../service/db/client.ts';
import { startEmbeddedPostgres, stopServerNow } from '../../service/db/embedded.ts';
import { migrateDatabase } from '../../service/db/migrate.ts';
import { createLifecycle } from '../../service/main/lifecycle.ts';
import { comparisonDeps, startWorkerProcess } from '../../service/main/wiring.ts';
import { autoAnswer, startOpenAiEmulator } from '../emulators/openai.ts';
import { memoryLogger } from '../support/logger.ts';

/**
 * A Postgres restart in the middle of a run (its own embedded server: the shared test server
 * cannot be stopped under other files): the service reconnects and the run completes.
 */

const PAIR = path.resolve(import.meta.dirname, '../../golden_tests/pairs/vitamin-gallery');
const parent = await mkdtemp(path.join(os.tmpdir(), 'listinglab-pgrestart-'));
await chmod(parent, 0o755);
const dataDir = path.join(parent, 'data');
const openai = await startOpenAiEmulator({
  handler: (req) => ({ kind: 'json', body: autoAnswer((req.body.response_format as { json_schema?: { schema?: unknown } }).json_schema?.schema) }),
  latencyMs: () => 1_200,
});
const lifecycle = createLifecycle();
afterAll(async () => {
  await lifecycle.shutdown('test done');
  await openai.close();
  await rm(parent, { recursive: true, force: true });
});

describe('Postgres restart', () => {
  test('the server restarts mid-run; the worker reconnects and the run completes', async () => {
    const pg = await startEmbeddedPostgres({ dataDir });
    lifecycle.onShutdown('embedded', () => pg.release());
    const port = Number(new URL(pg.url).port);
    await migrateDatabase(pg.url);
    const handle = createDb(pg.url, { max: 5 });
    lifecycle.onShutdown('pool', () => handle.close());
    const parsed = parseConfig({ OPENAI_API_KEY: 'sk-restart-test', OPENAI_BASE_URL: openai.url });
    if (!parsed.ok) throw new Error(parsed.errors.join());
    const db = { ...handle, url: pg.url, embedded: true };
    const { logger } = memoryLogger();
    await startWorkerProcess(parsed.config, db, logger, lifecycle, { schedule: false });
    const services = createAppServices({ ...(await comparisonDeps(parsed.config, db)), dailyCap: 1000 });
    const started = await services.startComparison({
      workspace: { platform: 'cli', externalId: 'local' },
      a: await importListingFolder(handle.db, path.join(PAIR, 'A')),
      b: await importListingFolder(handle.db, path.join(PAIR, 'B')),
      fresh: true,
    });

    // Wait for a model call in flight, then restart the database under it.
    for (let i = 0; i < 300 && openai.requests.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(openai.requests.length).toBeGreaterThan(0);
    await stopServerNow(dataDir);
    await new Promise((r) => setTimeout(r, 1_000));
    await startEmbeddedPostgres({ dataDir, port });

    let view = await loadRunView(handle.db, started.run.id).catch(() => undefined);
    const deadline = Date.now() + 90_000;
    while (!view || !['succeeded', 'partial', 'failed'].includes(view.status)) {
      if (Date.now() > deadline) throw new Error(`run did not finish: ${JSON.stringify(view?.stages.map((s) => [s.name, s.status]))}`);
      await new Promise((r) => setTimeout(r, 250));
      view = await loadRunView(handle.db, started.run.id).catch(() => undefined);
    }
    expect(view.status).toBe('succeeded');
    expect(view.verdict).not.toBeNull();
  }, 150_000);
});
