import type { DbOrTx } from '../../db/client.ts';
import { experimentRunsOf, findRerunByRun, type Experiment, type ExperimentRun } from '../../db/repos/experiments.ts';
import { getRun, getStage, type Run } from '../../db/repos/runs.ts';
import { computeDeltas, type ExperimentDeltas } from '../../domain/experiment-deltas.ts';
import { parseSnapshot, snapshotOf, type RunSnapshot, type Scores } from '../../domain/experiment-snapshot.ts';
import { VerdictSchema } from '../../domain/stage-outputs.ts';
import type { ListingInputRef } from '../../domain/listing.ts';

/**
 * ExperimentView: the platform-neutral read model of an experiment, built from the database only
 * (like RunView). Scores come from the stored snapshots, so an experiment reads the same after
 * its runs were deleted; a re-run still going on is shown with its run's current status.
 */

/** What the experiment stores in `pair`: the listings to re-run and how people name them. */
export interface StoredPair {
  readonly A: ListingInputRef;
  readonly B: ListingInputRef;
  readonly labels: { readonly A: string; readonly B: string };
}

export type RerunStatus = Run['status'] | 'gone';

export interface RerunView {
  readonly id: string;
  /** Null once the run was deleted (its snapshot stays). */
  readonly runId: string | null;
  readonly shortId: string;
  readonly tags: readonly string[];
  readonly createdAt: Date;
  /** The run's status; `gone` when it was deleted before it ended. */
  readonly status: RerunStatus;
  readonly scores: Scores | null;
  /** Against the baseline; null until the re-run has a verdict. */
  readonly deltas: ExperimentDeltas | null;
}

export interface ExperimentView {
  readonly id: string;
  readonly shortId: string;
  readonly name: string;
  readonly notes: string | null;
  readonly pinned: boolean;
  readonly createdAt: Date;
  /** ASINs, or the labels of listings given by hand. */
  readonly pair: { readonly A: string; readonly B: string };
  readonly baseline: { readonly runId: string; readonly shortId: string; readonly finishedAt: string | null; readonly scores: Scores };
  /** Oldest first. */
  readonly reruns: readonly RerunView[];
}

/** The re-run a chat card is about, with its experiment. */
export interface ExperimentCard {
  readonly experiment: ExperimentView;
  readonly rerun: RerunView;
}

export function storedPair(exp: Pick<Experiment, 'pair'>): StoredPair {
  return exp.pair as StoredPair;
}

function baselineOf(exp: Experiment): RunSnapshot & { scores: Scores } {
  const snap = parseSnapshot(exp.baselineSnapshot);
  // Written by saveExperiment from a verdict, always: anything else is a corrupted row.
  if (!snap?.scores) throw new Error(`experiment ${exp.id}: baseline snapshot unreadable`);
  return { ...snap, scores: snap.scores };
}

/** The snapshot of a re-run: stored once it ended; read from its run while that is still there. */
async function rerunSnapshot(db: DbOrTx, link: ExperimentRun): Promise<{ status: RerunStatus; snapshot: RunSnapshot | undefined }> {
  const stored = parseSnapshot(link.snapshot);
  if (stored) return { status: stored.status, snapshot: stored };
  const run = link.runId ? await getRun(db, link.runId) : undefined;
  if (!run) return { status: 'gone', snapshot: undefined };
  const row = await getStage(db, run.id, 'verdict');
  const verdict = row?.status === 'succeeded' ? VerdictSchema.safeParse(row.output) : undefined;
  return { status: run.status, snapshot: snapshotOf(run, verdict?.success ? verdict.data : null) };
}

async function rerunView(db: DbOrTx, baseline: Scores, link: ExperimentRun): Promise<RerunView> {
  const { status, snapshot } = await rerunSnapshot(db, link);
  const scores = snapshot?.scores ?? null;
  const runId = link.runId ?? snapshot?.runId ?? null;
  return {
    id: link.id,
    runId: link.runId,
    shortId: (runId ?? link.id).slice(0, 8),
    tags: link.tags,
    createdAt: link.createdAt,
    status,
    scores,
    deltas: scores ? computeDeltas(baseline, scores) : null,
  };
}

export async function experimentViews(db: DbOrTx, exps: readonly Experiment[]): Promise<ExperimentView[]> {
  const links = await experimentRunsOf(db, exps.map((e) => e.id));
  const out: ExperimentView[] = [];
  for (const exp of exps) {
    const base = baselineOf(exp);
    const reruns: RerunView[] = [];
    for (const link of links) if (link.experimentId === exp.id) reruns.push(await rerunView(db, base.scores, link));
    const pair = storedPair(exp);
    out.push({
      id: exp.id,
      shortId: exp.id.slice(0, 8),
      name: exp.name,
      notes: exp.notes,
      pinned: exp.pinned,
      createdAt: exp.createdAt,
      pair: { A: pair.labels.A, B: pair.labels.B },
      baseline: { runId: base.runId, shortId: base.runId.slice(0, 8), finishedAt: base.finishedAt, scores: base.scores },
      reruns,
    });
  }
  return out;
}

export async function experimentView(db: DbOrTx, exp: Experiment): Promise<ExperimentView> {
  const [view] = await experimentViews(db, [exp]);
  if (!view) throw new Error('experiment view missing');
  return view;
}

/** The card for a re-run's thread: undefined unless the run is a re-run and has a verdict. */
export async function experimentCardFor(db: DbOrTx, runId: string): Promise<ExperimentCard | undefined> {
  const found = await findRerunByRun(db, runId);
  if (!found) return undefined;
  const experiment = await experimentView(db, found.experiment);
  const rerun = experiment.reruns.find((r) => r.id === found.link.id);
  return rerun?.deltas ? { experiment, rerun } : undefined;
}
