import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { bytea, tsz } from './schema-columns.ts';

/** Workspaces, runs and their stages, caches, chat message references, worker heartbeats (the entry is schema.ts). */

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

/**
 * A workspace's own brands and ASINs (`/listing brand add …`): a comparison whose one side
 * matches is marked as the workspace's listing. `key` is the value normalised for matching
 * (brand: lower case, spaces collapsed; ASIN: upper case).
 */
export const workspaceBrands = pgTable(
  'workspace_brands',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['brand', 'asin'] }).notNull(),
    /** As the person typed it, for showing back. */
    value: text('value').notNull(),
    key: text('key').notNull(),
    addedBy: text('added_by'),
    createdAt: tsz('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('workspace_brands_uq').on(t.workspaceId, t.kind, t.key)],
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
    /**
     * Which side is the workspace's own listing (null: neither or both). Said in the command
     * (`mine:A`, `--mine A`) or found by the workspace's brand list; `mineSource` says which.
     * Presentation only: the verdict never depends on it.
     */
    mine: text('mine', { enum: ['A', 'B'] }),
    mineSource: text('mine_source', { enum: ['asked', 'asin', 'brand'] }),
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
    /**
     * A pairwise model judgement is asked in both presentation orders, (A, B) and (B, A): both
     * raw outputs (the second mapped back to A/B) and whether they agree. `output` is their
     * combination. Null for the rules engine (exactly symmetric) and for non-pairwise stages.
     */
    orders: jsonb('orders'),
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
