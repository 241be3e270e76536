import type { Db } from '../../db/client.ts';
import {
  findExperimentByBaseline,
  findExperimentForWorkspace,
  insertExperiment,
  listExperiments,
  setExperimentPinned,
  type Experiment,
} from '../../db/repos/experiments.ts';
import { findRunForWorkspace, getStage, lockRun } from '../../db/repos/runs.ts';
import { ensureWorkspace, type WorkspaceRef } from '../../db/repos/workspaces.ts';
import { snapshotOf } from '../../domain/experiment-snapshot.ts';
import { UserError } from '../../domain/errors.ts';
import type { Side, ListingInputRef } from '../../domain/listing.ts';
import { VerdictSchema } from '../../domain/stage-outputs.ts';
import type { RunOrigin } from '../delivery/index.ts';
import { experimentView, experimentViews, storedPair, type ExperimentView, type StoredPair } from '../views/index.ts';
import { startComparison, type ComparisonDeps, type StartComparisonResult } from '../comparisons/index.ts';

/**
 * The experiment loop (PRODUCT.md, Experiments): keep a finished run as a baseline, re-run the
 * pair after a change (tagged with what changed), compare scores against the baseline, pin the
 * experiments that matter. Every id is looked up in the asking workspace only: another
 * workspace's run or experiment is "not found" and is never shown or changed.
 */

export interface SaveExperimentInput {
  /** The run to keep as the baseline: full id or a unique prefix. */
  readonly job: string;
  /** Default: "<A> vs <B>". */
  readonly name?: string | undefined;
  readonly notes?: string | undefined;
}

export interface RerunInput {
  /** What changed (at least one). */
  readonly tags: readonly string[];
  readonly requestKey?: string | undefined;
  readonly requestedBy?: string | undefined;
  readonly origin?: RunOrigin | undefined;
  /** Listings to use instead of the experiment's (the CLI's changed listing folders). */
  readonly replace?: Partial<Record<Side, ListingInputRef>> | undefined;
}

export interface ExperimentServices {
  /** `existing`: this run was already the baseline of an experiment (saving twice makes one). */
  save(ref: WorkspaceRef, input: SaveExperimentInput): Promise<{ experiment: ExperimentView; existing: boolean }>;
  /** Pinned first, then the most recent. */
  list(ref: WorkspaceRef, limit?: number): Promise<ExperimentView[]>;
  show(ref: WorkspaceRef, id: string): Promise<ExperimentView>;
  setPinned(ref: WorkspaceRef, id: string, pinned: boolean): Promise<ExperimentView>;
  /** A fresh comparison of the pair, linked to the experiment in the transaction that creates it. */
  rerun(ref: WorkspaceRef, id: string, input: RerunInput): Promise<{ experiment: ExperimentView; started: StartComparisonResult }>;
}

const ID = /^[0-9a-f-]{4,36}$/;
const TAG = /^[a-z][a-z0-9-]{0,19}$/;
const MAX_TAGS = 8;
const MAX_NOTES = 2000;

const quote = (id: string) => `\`${id.slice(0, 40)}\``;
const noRun = (id: string) => new UserError('not_found', `No run ${quote(id)} in this workspace.`);
const noExperiment = (id: string) => new UserError('not_found', `No experiment ${quote(id)} in this workspace. \`experiment list\` shows them.`);

/** The side's name as people know it: its ASIN, or the label of a listing given by hand. */
const labelOf = (ref: ListingInputRef) => (ref.kind === 'asin' ? ref.asin : (ref.listing.asin ?? ref.label));

export function createExperimentServices(deps: ComparisonDeps): ExperimentServices {
  const db: Db = deps.db;
  const workspace = (ref: WorkspaceRef) => ensureWorkspace(db, ref, deps.metered(ref.platform) ? deps.freeCredits : 0);

  async function find(ref: WorkspaceRef, id: string): Promise<Experiment> {
    const clean = id.trim().toLowerCase();
    if (!ID.test(clean)) throw noExperiment(id);
    const exp = await findExperimentForWorkspace(db, (await workspace(ref)).id, clean);
    if (!exp) throw noExperiment(id);
    return exp;
  }

  return {
    async save(ref, input) {
      const ws = await workspace(ref);
      const clean = input.job.trim().toLowerCase();
      if (!ID.test(clean)) throw noRun(input.job);
      const notes = input.notes?.trim() || null;
      if (notes && notes.length > MAX_NOTES) throw new UserError('bad_command', `Notes are at most ${MAX_NOTES} characters.`);
      const saved = await db.transaction(async (tx) => {
        const found = await findRunForWorkspace(tx, ws.id, clean);
        if (!found) throw noRun(input.job);
        // Two saves of one run (a double click) serialise on the run row: the second finds the first.
        const run = await lockRun(tx, found.id);
        if (!run) throw noRun(input.job);
        const existing = await findExperimentByBaseline(tx, ws.id, run.id);
        if (existing) return { experiment: existing, existing: true };
        const row = await getStage(tx, run.id, 'verdict');
        const verdict = row?.status === 'succeeded' ? VerdictSchema.safeParse(row.output) : undefined;
        const snapshot = snapshotOf(run, verdict?.success ? verdict.data : null);
        if (run.kind !== 'compare' || !snapshot?.scores) {
          throw new UserError('bad_command', `Run \`${run.id.slice(0, 8)}\` has no verdict${snapshot ? '' : ' yet'}: only a finished comparison can be a baseline.`);
        }
        const inputs = run.inputs as { a: ListingInputRef; b: ListingInputRef };
        const pair: StoredPair = { A: inputs.a, B: inputs.b, labels: { A: labelOf(inputs.a), B: labelOf(inputs.b) } };
        const experiment = await insertExperiment(tx, {
          workspaceId: ws.id,
          name: input.name?.trim() || `${pair.labels.A} vs ${pair.labels.B}`,
          notes,
          baselineRunId: run.id,
          pair,
          baselineSnapshot: snapshot,
        });
        return { experiment, existing: false };
      });
      return { experiment: await experimentView(db, saved.experiment), existing: saved.existing };
    },

    async list(ref, limit = 10) {
      const ws = await workspace(ref);
      return experimentViews(db, await listExperiments(db, ws.id, Math.max(1, Math.min(limit, 50))));
    },

    async show(ref, id) {
      return experimentView(db, await find(ref, id));
    },

    async setPinned(ref, id, pinned) {
      const exp = await find(ref, id);
      const updated = await setExperimentPinned(db, exp.workspaceId, exp.id, pinned);
      if (!updated) throw noExperiment(id);
      return experimentView(db, updated);
    },

    async rerun(ref, id, input) {
      const tags = [...new Set(input.tags)];
      if (tags.length === 0) throw new UserError('missing_argument', 'Say what changed: at least one tag (main-image, gallery, title, bullets, description, price, aplus, other).');
      const bad = tags.find((t) => !TAG.test(t));
      if (bad !== undefined || tags.length > MAX_TAGS) throw new UserError('invalid_tag');
      const exp = await find(ref, id);
      const pair = storedPair(exp);
      const started = await startComparison(deps, {
        workspace: ref,
        a: input.replace?.A ?? pair.A,
        b: input.replace?.B ?? pair.B,
        // A re-run is about what changed: always fetched anew, never the de-duplicated old run.
        fresh: true,
        ...(input.requestKey ? { requestKey: input.requestKey } : {}),
        ...(input.requestedBy ? { requestedBy: input.requestedBy } : {}),
        ...(input.origin ? { origin: input.origin } : {}),
        experiment: { id: exp.id, tags },
      });
      return { experiment: await experimentView(db, exp), started };
    },
  };
}
