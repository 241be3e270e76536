/**
 * Experiments — a finished comparison kept as a baseline, tagged re-runs after a change, and the
 * deltas between them. What the rest of the code may call: the experiment use-cases.
 */
export { createExperimentServices, type ExperimentServices } from './experiments.ts';
