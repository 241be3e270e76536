/**
 * The whole product's tables. Invariants the database itself enforces:
 * - a workspace balance is never negative (CHECK);
 * - every ledger row has a unique idempotency key, so a retried write is a no-op;
 * - a Stripe event is recorded once (primary key on its id);
 * - one stage row per (run, stage); one message reference per (run, key).
 */

export * from './schema-core.ts';
export * from './schema-billing.ts';
export * from './schema-experiments.ts';
export * from './schema-data.ts';
