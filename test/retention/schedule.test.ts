import { parseCrontab } from 'graphile-worker';
import { afterAll, describe, expect, test } from 'vitest';
import { parseConfig } from '../../service/config/schema.ts';
import { CRONTAB } from '../../service/jobs/payloads.ts';
import { createLifecycle } from '../../service/main/lifecycle.ts';
import { startWorkerProcess } from '../../service/main/wiring.ts';
import { listingCache } from '../../service/db/schema.ts';
import { useTestDatabase } from '../db.ts';
import { memoryLogger } from '../support/logger.ts';

/**
 * The sweep runs in deployment: `listinglab serve` and `listinglab worker` start their worker with
 * `startWorkerProcess(config, db, logger, lifecycle, { sinks })` (service/main/cli.ts), whose
 * recurring tasks are on; graphile-worker then runs `sweep_expired` every 15 minutes and, after a
 * restart, once for a slot missed within the last hour (`?fill=1h`). This file starts a worker
 * exactly that way after a missed slot and watches the production handler sweep.
 */
const tdb = await useTestDatabase();

describe('the crontab', () => {
  test('names sweep_expired every 15 minutes, backfilling a slot missed within the hour, one attempt', () => {
    const sweep = parseCrontab(CRONTAB).find((item) => item.task === 'sweep_expired');
    expect(sweep).toBeDefined();
    expect(sweep!.identifier).toBe('sweep_expired');
    expect(sweep!.options).toMatchObject({ backfillPeriod: 3_600_000, maxAttempts: 1 });
    const fires = (min: number) => sweep!.match({ min, hour: 3, date: 5, month: 12, dow: 6 });
    expect([0, 15, 30, 45].map(fires)).toEqual([true, true, true, true]);
    expect([1, 14, 16, 59].map(fires)).toEqual([false, false, false, false]);
  });
});

describe('a worker started as deployment starts it', () => {
  const lifecycle = createLifecycle();
  afterAll(() => lifecycle.shutdown('test done'));

  test('runs the sweep when its cron slot comes (here: a slot missed 50 minutes ago, backfilled at start)', async () => {
    const now = Date.now();
    await tdb.db.insert(listingCache).values([
      { asin: 'B0CRONGONE', listing: {}, source: 'apify', fetchedAt: new Date(now - 25 * 3_600_000), expiresAt: new Date(now - 3_600_000) },
      { asin: 'B0CRONKEPT', listing: {}, source: 'apify', fetchedAt: new Date(now), expiresAt: new Date(now + 23 * 3_600_000) },
    ]);
    // graphile-worker backfills only crontab entries it has seen before: this deployment last ran
    // the sweep 50 minutes ago, so at least two 15-minute slots were missed.
    await tdb.sql`insert into graphile_worker._private_known_crontabs (identifier, known_since, last_execution)
      values ('sweep_expired', now() - interval '1 day', now() - interval '50 minutes')`;

    const parsed = parseConfig({});
    if (!parsed.ok) throw new Error(parsed.errors.join('; '));
    const { logger, lines } = memoryLogger();
    await startWorkerProcess(parsed.config, { ...tdb, embedded: false }, logger, lifecycle, { sinks: {} });

    const deadline = Date.now() + 20_000;
    while (!lines().some((l) => l.includes('"retention sweep"'))) {
      if (Date.now() > deadline) throw new Error(`no sweep ran: ${lines().slice(-5).join('\n')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((await tdb.db.select({ asin: listingCache.asin }).from(listingCache)).map((r) => r.asin)).toEqual(['B0CRONKEPT']);
    const [known] = await tdb.sql<{ recent: boolean }[]>`
      select last_execution > now() - interval '15 minutes' as recent from graphile_worker._private_known_crontabs where identifier = 'sweep_expired'`;
    expect(known?.recent).toBe(true);
  });
});
