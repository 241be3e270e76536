import type { App } from '@slack/bolt';

/**
 * Bolt keeps a WebClient pool per team (`App.clients`, keyed by team or enterprise id) for the
 * life of the App and never removes one: ~27 KB of heap for every workspace that ever sent a
 * command (each client binds ~280 API methods), 1,000 pools after a 1,000-workspace soak (bench
 * --soak, issue 22) — memory growing with the number of workspaces served. Listeners get their
 * `client` from that pool, so it cannot be turned off; this keeps it to the `cap` teams seen most
 * recently. A pool dropped is made again on that team's next event (its clients are stateless
 * apart from their request queue), and an event in flight keeps the client it was given.
 */
export const BOLT_CLIENT_POOLS = 500;

/** The map Bolt keeps, with the team of the event being handled moved to the most recent end and the oldest beyond `cap` dropped. */
export function capClientPools(pools: Record<string, unknown>, team: string | undefined, cap: number): void {
  if (team !== undefined && team in pools) {
    const pool = pools[team];
    // Team and enterprise ids (T…, E…) are not integer-like, so the object keeps insertion order.
    delete pools[team];
    pools[team] = pool;
  }
  const names = Object.keys(pools);
  for (const name of names.slice(0, Math.max(0, names.length - cap))) delete pools[name];
}

/** Global middleware on `app` applying `capClientPools` to Bolt's private pool map at every event. */
export function limitBoltClientPools(app: App, cap = BOLT_CLIENT_POOLS): void {
  const pools = (app as unknown as { clients?: Record<string, unknown> }).clients;
  if (!pools) return; // a Bolt without the map (a future version): nothing to limit
  app.use(async ({ context, next }) => {
    capClientPools(pools, context.teamId ?? context.enterpriseId, cap);
    await next();
  });
}
