import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  check,
  customType,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/**
 * The whole product's tables. Invariants the database itself enforces:
 * - a workspace balance is never negative (CHECK);
 * - every ledger row has a unique idempotency key, so a retried write is a no-op;
 * - a Stripe event is recorded once (primary key on its id);
 * - one stage row per (run, stage); one message reference per (run, key).
 */

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });
const tsz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const workspaces = pgTable(
  'workspaces',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    platform: text('platform', { enum: ['slack', 'discord', 'cli'] }).notNull(),
    externalId: text('external_id').notNull(),
    name: text('name'),
    balance: integer('balance').notNull().default(0),
    /** Where purchase confirmations and notices go (a channel id on the platform). */
    notifyChannel: text('notify_channel'),
    createdAt: tsz('created_at').notNull().defaultNow(),
    deletedAt: tsz('deleted_at'),
  },
  (t) => [
    uniqueIndex('workspaces_platform_external_uq').on(t.platform, t.externalId),
    check('workspaces_balance_non_negative', sql`${t.balance} >= 0`),
  ],
);

export const installations = pgTable(
  'installations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    platform: text('platform', { enum: ['slack', 'discord'] }).notNull(),
    /** Enterprise grid id, when the install is org-wide. */
    enterpriseId: text('enterprise_id'),
    botUserId: text('bot_user_id'),
    scopes: text('scopes'),
    /** The platform's installation object, AES-256-GCM encrypted with ENCRYPTION_KEY. */
    secretEnc: bytea('secret_enc').notNull(),
    installedBy: text('installed_by'),
    createdAt: tsz('created_at').notNull().defaultNow(),
    updatedAt: tsz('updated_at').notNull().defaultNow(),
    revokedAt: tsz('revoked_at'),
  },
  (t) => [uniqueIndex('installations_workspace_uq').on(t.workspaceId, t.platform)],
);

export const RUN_KINDS = ['compare', 'draft'] as const;
export const RUN_STATUSES = ['queued', 'running', 'succeeded', 'partial', 'failed'] as const;

export const runs = pgTable(
  'runs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: RUN_KINDS }).notNull(),
    status: text('status', { enum: RUN_STATUSES }).notNull().default('queued'),
    /** What was asked: listing refs (ASIN or manual listing), options. */
    inputs: jsonb('inputs').notNull(),
    /** Same workspace + same pair within 24 h → the existing run (unless fresh). */
    dedupKey: text('dedup_key'),
    fresh: boolean('fresh').notNull().default(false),
    /** The platform's command/interaction id: a redelivery creates no second run. */
    requestKey: text('request_key'),
    requestedBy: text('requested_by'),
    /** Where the run was asked from (platform, channel, thread, interaction token…). */
    origin: jsonb('origin').notNull().default({}),
    /** Prompt versions and content hashes this run pinned at creation. */
    pinnedPrompts: jsonb('pinned_prompts').notNull().default({}),
    reservedCredits: integer('reserved_credits').notNull().default(0),
    /**
     * When the run got one of its workspace's running slots (at most N running per workspace).
     * Null while it waits for one: status 'queued', no job enqueued, credits already reserved.
     */
    admittedAt: tsz('admitted_at'),
    /** Creation order (assigned under the workspace lock): the workspace queue is FIFO on it. */
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    /**
     * Bumped when a failed run is resumed (manual fallback): ledger keys carry it, so the new
     * reservation and any new refunds are distinct from the first attempt's.
     */
    generation: integer('generation').notNull().default(0),
    verdictHash: text('verdict_hash'),
    errorCode: text('error_code'),
    /** When the credits of the run were settled (final): set once. */
    settledAt: tsz('settled_at'),
    createdAt: tsz('created_at').notNull().defaultNow(),
    startedAt: tsz('started_at'),
    finishedAt: tsz('finished_at'),
  },
  (t) => [
    uniqueIndex('runs_request_key_uq').on(t.workspaceId, t.requestKey),
    index('runs_dedup_idx').on(t.workspaceId, t.dedupKey, t.createdAt),
    index('runs_workspace_created_idx').on(t.workspaceId, t.createdAt),
    index('runs_status_idx').on(t.status),
    index('runs_workspace_status_idx').on(t.workspaceId, t.status, t.seq),
  ],
);

/** pending → queued (its job enqueued) → running → succeeded | failed; skipped when it cannot run. */
export const STAGE_STATUSES = ['pending', 'queued', 'running', 'succeeded', 'failed', 'skipped'] as const;

export const runStages = pgTable(
  'run_stages',
  {
    runId: uuid('run_id').notNull().references(() => runs.id, { onDelete: 'cascade' }),
    stage: text('stage').notNull(),
    status: text('status', { enum: STAGE_STATUSES }).notNull().default('pending'),
    /** Schema-validated output; never written unvalidated. */
    output: jsonb('output'),
    provider: text('provider'),
    model: text('model'),
    promptVersion: text('prompt_version'),
    promptHash: text('prompt_hash'),
    inputTokens: integer('input_tokens').notNull().default(0),
    outputTokens: integer('output_tokens').notNull().default(0),
    costUsd: numeric('cost_usd', { precision: 12, scale: 6 }).notNull().default('0'),
    latencyMs: integer('latency_ms'),
    /** Credits this stage carries (refunded if it fails). */
    credits: integer('credits').notNull().default(0),
    cached: boolean('cached').notNull().default(false),
    errorCode: text('error_code'),
    errorMessage: text('error_message'),
    attempts: integer('attempts').notNull().default(0),
    startedAt: tsz('started_at'),
    finishedAt: tsz('finished_at'),
  },
  (t) => [primaryKey({ columns: [t.runId, t.stage] })],
);

export const listingCache = pgTable(
  'listing_cache',
  {
    asin: text('asin').primaryKey(),
    listing: jsonb('listing').notNull(),
    source: text('source').notNull(),
    fetchedAt: tsz('fetched_at').notNull().defaultNow(),
    expiresAt: tsz('expires_at').notNull(),
  },
  (t) => [index('listing_cache_expires_idx').on(t.expiresAt)],
);

export const imageBlobs = pgTable(
  'image_blobs',
  {
    /** SHA-256 (hex) of the original bytes: stored once per content. */
    sha256: text('sha256').primaryKey(),
    mediaType: text('media_type').notNull(),
    width: integer('width').notNull(),
    height: integer('height').notNull(),
    byteSize: integer('byte_size').notNull(),
    bytes: bytea('bytes').notNull(),
    sourceUrl: text('source_url'),
    createdAt: tsz('created_at').notNull().defaultNow(),
    /** Retention: 30 days after last use. */
    lastUsedAt: tsz('last_used_at').notNull().defaultNow(),
  },
  (t) => [index('image_blobs_last_used_idx').on(t.lastUsedAt)],
);

export const visionCache = pgTable(
  'vision_cache',
  {
    /** Hash of (evaluation type, image content hashes, prompt version, model). */
    key: text('key').primaryKey(),
    evaluation: text('evaluation').notNull(),
    output: jsonb('output').notNull(),
    provider: text('provider').notNull(),
    model: text('model').notNull(),
    promptVersion: text('prompt_version').notNull(),
    createdAt: tsz('created_at').notNull().defaultNow(),
    expiresAt: tsz('expires_at').notNull(),
  },
  (t) => [index('vision_cache_expires_idx').on(t.expiresAt)],
);

export const chatMessages = pgTable(
  'chat_messages',
  {
    runId: uuid('run_id').notNull().references(() => runs.id, { onDelete: 'cascade' }),
    /** 'root' or a stage name (its detail card in the thread). */
    key: text('key').notNull(),
    platform: text('platform', { enum: ['slack', 'discord'] }).notNull(),
    channelId: text('channel_id').notNull(),
    /** Slack message ts / Discord message id. */
    messageRef: text('message_ref').notNull(),
    threadRef: text('thread_ref'),
    /** Hash of the last rendered content: an unchanged render makes no API call. */
    lastRenderedHash: text('last_rendered_hash'),
    createdAt: tsz('created_at').notNull().defaultNow(),
    updatedAt: tsz('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.key] })],
);

/** `reversal`: credits of a purchase taken back after Stripe refunded its payment or lost a dispute over it. */
export const LEDGER_KINDS = ['signup', 'reserve', 'refund', 'settle', 'purchase', 'grant', 'reclaim', 'reversal'] as const;

export const creditLedger = pgTable(
  'credit_ledger',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    /** Signed: negative spends, positive credits. */
    amount: integer('amount').notNull(),
    kind: text('kind', { enum: LEDGER_KINDS }).notNull(),
    runId: uuid('run_id').references(() => runs.id, { onDelete: 'set null' }),
    idempotencyKey: text('idempotency_key').notNull(),
    note: text('note'),
    createdAt: tsz('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('credit_ledger_idempotency_uq').on(t.idempotencyKey),
    index('credit_ledger_workspace_idx').on(t.workspaceId, t.createdAt),
  ],
);

export const stripeEvents = pgTable('stripe_events', {
  eventId: text('event_id').primaryKey(),
  type: text('type').notNull(),
  sessionId: text('session_id'),
  workspaceId: uuid('workspace_id').references(() => workspaces.id, { onDelete: 'set null' }),
  receivedAt: tsz('received_at').notNull().defaultNow(),
});

/**
 * A Stripe Checkout session of ours, recorded when `buy` creates it (its link is handed out again
 * for the same workspace + pack while it is open) or, at the latest, when it completes: what it
 * sold and the PaymentIntent Stripe paid it with — what links a later refund (`charge.refunded`,
 * a Charge) or a lost dispute (`charge.dispute.closed`, a Dispute) back to this purchase. Both only name the
 * PaymentIntent and the charge, never the session.
 *
 * Reversal accounting, changed only under this row's lock: `refunded_cents` is the highest
 * cumulative `amount_refunded` seen, `lost_disputes` the disputes lost, and `reversed_credits` how
 * many of the purchase's credits those account for so far (removed, or already spent when the
 * money went back) — never more than `credits`.
 */
export const checkoutSessions = pgTable(
  'checkout_sessions',
  {
    /** Stripe's Checkout Session id (`cs_…`). */
    id: text('id').primaryKey(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    pack: text('pack'),
    credits: integer('credits').notNull(),
    /** Where `buy` was asked: purchase and reversal notices go there. */
    channelId: text('channel_id'),
    /** Who asked for it (the platform's user id). */
    requestedBy: text('requested_by'),
    /** The Checkout link handed out, and when Stripe expires it: reused while open (`buy`). */
    url: text('url'),
    expiresAt: tsz('expires_at'),
    /** The PaymentIntent of a payment-mode session (`pi_…`), once Stripe has one. */
    paymentIntent: text('payment_intent'),
    /** What was paid (the session's amount_total), in cents. */
    amountCents: integer('amount_cents'),
    refundedCents: integer('refunded_cents').notNull().default(0),
    lostDisputes: text('lost_disputes').array().notNull().default(sql`'{}'::text[]`),
    disputedCents: integer('disputed_cents').notNull().default(0),
    reversedCredits: integer('reversed_credits').notNull().default(0),
    createdAt: tsz('created_at').notNull().defaultNow(),
    completedAt: tsz('completed_at'),
  },
  (t) => [
    uniqueIndex('checkout_sessions_payment_intent_uq').on(t.paymentIntent),
    index('checkout_sessions_workspace_idx').on(t.workspaceId, t.createdAt),
    index('checkout_sessions_open_idx').on(t.workspaceId, t.pack, t.expiresAt),
    check('checkout_sessions_reversed_within_purchase', sql`${t.reversedCredits} between 0 and ${t.credits}`),
  ],
);

/**
 * Fixed-window request counters (`buy` per user and per workspace): one row per key, counted with
 * one atomic upsert, so every web process shares the count. A row whose window has passed starts
 * over at its next hit.
 */
export const rateLimits = pgTable('rate_limits', {
  key: text('key').primaryKey(),
  windowStart: tsz('window_start').notNull(),
  hits: integer('hits').notNull(),
});

export const experiments = pgTable(
  'experiments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    notes: text('notes'),
    baselineRunId: uuid('baseline_run_id').references(() => runs.id, { onDelete: 'set null' }),
    /** The pair under test (ASINs or manual listing labels). */
    pair: jsonb('pair').notNull(),
    /** Scores of the baseline, kept so retention of old runs never destroys the history. */
    baselineSnapshot: jsonb('baseline_snapshot').notNull(),
    pinned: boolean('pinned').notNull().default(false),
    createdAt: tsz('created_at').notNull().defaultNow(),
  },
  (t) => [index('experiments_workspace_idx').on(t.workspaceId, t.pinned, t.createdAt)],
);

export const experimentRuns = pgTable(
  'experiment_runs',
  {
    experimentId: uuid('experiment_id').notNull().references(() => experiments.id, { onDelete: 'cascade' }),
    runId: uuid('run_id').references(() => runs.id, { onDelete: 'set null' }),
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    snapshot: jsonb('snapshot'),
    createdAt: tsz('created_at').notNull().defaultNow(),
    id: uuid('id').primaryKey().defaultRandom(),
  },
  (t) => [index('experiment_runs_experiment_idx').on(t.experimentId, t.createdAt)],
);

/**
 * Liveness of graphile-worker workers, written by each worker process every few seconds. A worker
 * whose heartbeat is stale died (SIGKILL, OOM, lost machine): its locked jobs are force-unlocked
 * so they run again now rather than after graphile-worker's 4-hour lock timeout.
 */
export const workerHeartbeats = pgTable('worker_heartbeats', {
  workerId: text('worker_id').primaryKey(),
  /** host:pid of the process, for operators. */
  process: text('process').notNull(),
  lastSeen: tsz('last_seen').notNull().defaultNow(),
});
