import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  jsonb,
  pgTable,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { tsz } from './schema-columns.ts';
import { runs, workspaces } from './schema-core.ts';

/** Experiments: baselines and their tagged re-runs (the entry is schema.ts). */

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
 * What really happened after a change went live or a real A/B test ended, recorded by a team
 * against one of its runs (`/listing outcome <job> A|B|tie`): the ground truth that calibrates
 * the verdict's confidence. One per run, editable (the latest answer counts). Kept when the run
 * is deleted by retention: the verdict it judged is copied in (`verdict`).
 */
export const outcomes = pgTable(
  'outcomes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    runId: uuid('run_id').references(() => runs.id, { onDelete: 'set null' }),
    /** Which listing really won overall. */
    result: text('result', { enum: ['A', 'B', 'tie'] }).notNull(),
    /** Which listing really won the click, when the team knows (a CTR test). */
    clickResult: text('click_result', { enum: ['A', 'B', 'tie'] }),
    note: text('note'),
    /** The run's verdict when the outcome was recorded: winner, clickWinner, confidence, rulesOnly. */
    verdict: jsonb('verdict').notNull(),
    recordedBy: text('recorded_by'),
    createdAt: tsz('created_at').notNull().defaultNow(),
    updatedAt: tsz('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('outcomes_run_uq').on(t.runId), index('outcomes_workspace_idx').on(t.workspaceId, t.createdAt)],
);
