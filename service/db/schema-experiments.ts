import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  jsonb,
  pgTable,
  text,
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
