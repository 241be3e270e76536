import { App } from '@slack/bolt';
import { describe, expect, test } from 'vitest';
import { capClientPools, limitBoltClientPools } from './bolt-clients.ts';

describe("Bolt's per-team client pools", () => {
  test('kept to the most recent teams: the current one moves to the end, the oldest beyond the cap go', () => {
    const pools: Record<string, unknown> = {};
    for (const t of ['T1', 'T2', 'T3']) {
      pools[t] = { team: t };
      capClientPools(pools, t, 2);
    }
    expect(Object.keys(pools)).toEqual(['T2', 'T3']);
    capClientPools(pools, 'T2', 2); // T2 used again: now the most recent
    pools['T4'] = {};
    capClientPools(pools, 'T4', 2);
    expect(Object.keys(pools)).toEqual(['T2', 'T4']);
    expect(pools['T2']).toEqual({ team: 'T2' }); // moved, not replaced
  });

  test('the App this Bolt version builds has the map, so the limit is applied', () => {
    const app = new App({ token: 'xoxb-test', signingSecret: 'secret', deferInitialization: true });
    expect((app as unknown as { clients?: object }).clients).toBeTypeOf('object');
    expect(() => limitBoltClientPools(app, 2)).not.toThrow();
  });
});
