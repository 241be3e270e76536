import { afterAll, describe, expect, test } from 'vitest';
import { discordCompareFlow, slackCompareFlow, stripePurchaseFlow } from './flows.ts';
import { processesUsing, startDeployed } from './service-process.ts';
import { storm } from './storm.ts';

/**
 * The shape fly.toml deploys: `listinglab serve --no-worker` (HTTP only) and `listinglab worker`
 * as two processes on one database (here the embedded Postgres both share through DATA_DIR).
 * The web process only records and enqueues; every stage and every message edit is the worker's.
 */

const d = await startDeployed({ split: true });
let stopped = false;
afterAll(async () => {
  if (!stopped) await d.stop();
});

describe('listinglab serve --no-worker + listinglab worker', () => {
  test('Slack compare: root edited to the verdict, one thread card per stage', async () => {
    await slackCompareFlow(d, 'C_SPLIT');
  }, 150_000);

  test('Discord compare: @original edited to the verdict', async () => {
    await discordCompareFlow(d);
  }, 150_000);

  test('a Stripe purchase delivered 7 times credits once', async () => {
    await stripePurchaseFlow(d, 'C_SPLIT_BILLING');
  }, 60_000);

  test('hostile requests at the web process: all answered, no 5xx, nothing leaked; SIGTERM stops both and Postgres', async () => {
    const result = await storm(d, { total: 300, concurrency: 20 });
    expect(result.unanswered).toEqual([]);
    expect(result.serverErrors).toEqual([]);
    expect(d.exited()).toEqual([]);
    expect(d.leakedSecrets()).toEqual([]);
    expect(d.output()).not.toMatch(/uncaught|unhandled rejection/i);
    stopped = true;
    expect(await d.stop()).toEqual([0, 0]);
    expect(await processesUsing(d.dataDir)).toEqual([]);
  }, 120_000);
});
