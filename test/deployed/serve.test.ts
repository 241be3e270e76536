import { afterAll, describe, expect, test } from 'vitest';
import { discordCompareFlow, responsesTo, slackCompareFlow, slashCommand, stripePurchaseFlow, waitUntil } from './flows.ts';
import { processesUsing, startDeployed } from './service-process.ts';
import { storm } from './storm.ts';

/**
 * `listinglab serve` as an operator runs it (one process: HTTP and a worker), every integration
 * configured, LOG_LEVEL=debug, driven only over HTTP. Issue 16's "done means" for the service.
 */

const d = await startDeployed();
let stopped = false;
afterAll(async () => {
  if (!stopped) await d.stop();
});

describe('listinglab serve, every integration configured', () => {
  test('a signed Slack /listing compare ends with the root edited to the verdict and one thread card per stage', async () => {
    await slackCompareFlow(d, 'C_DEPLOYED');
  }, 150_000);

  test('a Discord /listing compare ends with @original edited to the verdict', async () => {
    await discordCompareFlow(d);
  }, 150_000);

  test('checkout.session.completed delivered 7 times (4 at once) credits the workspace once', async () => {
    await stripePurchaseFlow(d, 'C_BILLING');
  }, 60_000);

  test('1,000 mixed hostile requests, 20 at a time: every one answered, no 5xx, the process stays up and still answers a signed help', async () => {
    const result = await storm(d, { total: 1_000, concurrency: 20 });
    console.log(`storm: ${JSON.stringify(result.byKind)}`);
    expect(result.unanswered).toEqual([]);
    expect(result.serverErrors).toEqual([]);
    // Refusals are refusals: nothing unsigned, forged or stale got through.
    for (const kind of ['slack unsigned', 'slack forged', 'slack stale', 'discord forged', 'discord stale', 'discord unsigned']) {
      expect(Object.keys(result.byKind[kind] ?? {}), kind).toEqual(['401']);
    }
    for (const kind of ['stripe bad signature', 'stripe stale']) expect(Object.keys(result.byKind[kind] ?? {}), kind).toEqual(['400']);
    expect(Object.keys(result.byKind['2 MB body'] ?? {})).toEqual(['413']);
    expect(d.exited()).toEqual([]);

    const res = await slashCommand(d, 'help', { channelId: 'C_AFTER', responseId: 'after-storm', userId: 'U_AFTER' });
    expect(res.status).toBe(200);
    const reply = await waitUntil(() => responsesTo(d, 'after-storm')[0], 15_000, () => 'no help reply after the storm');
    expect(reply).toContain('compare');
  }, 300_000);

  test('the debug log holds no configured secret and no uncaught error; SIGTERM stops everything, Postgres included', async () => {
    const log = d.output();
    expect(log.length).toBeGreaterThan(10_000); // debug lines were written
    expect(d.leakedSecrets()).toEqual([]);
    expect(log).not.toMatch(/uncaught|unhandled rejection|Converting circular structure/i);
    stopped = true;
    const codes = await d.stop();
    expect(codes).toEqual([0]);
    expect(await processesUsing(d.dataDir)).toEqual([]);
  }, 60_000);
});
