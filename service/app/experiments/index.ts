/**
 * Experiments — a finished comparison kept as a baseline, tagged re-runs after a change, and the
 * deltas between them. What the rest of the code may call: the experiment use-cases. Two pieces
 * live where their callers are: an experiment's read model in ../views/experiment-view.ts, and
 * the snapshot of a re-run's scores, written by the run engine in the transaction that ends the
 * run, in ../comparisons/experiment-snapshots.ts.
 */
export { createExperimentServices, type ExperimentServices } from './experiments.ts';
