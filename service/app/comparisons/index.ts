/**
 * Comparisons — two Amazon listings in, which one wins, why and what to fix out. What the rest of
 * the code may call: starting a comparison (one transaction: the run, its stage rows, the
 * reservation, the first job), the run engine that advances every run (drafts too) under the
 * run's row lock, the stage runners, listing acquisition, the manual fallback and the sweep of
 * stale runs.
 */
export { startComparison, type ComparisonDeps, type StartComparisonInput, type StartComparisonResult } from './start-comparison.ts';
export { createRun, existingAfterRace, openRunCreation } from './run-creation.ts';
export { beginStage, completeStage, isSettled, refundKey, settleStage } from './run-engine.ts';
export type { StageOutcome } from './stage-outcome.ts';
export { runStage } from './run-stage.ts';
export { modelOutcome, type ModelOutcomeDeps, type ModelOutcomeRequest, type StageModel } from './model-outcome.ts';
export { acquireListings } from './acquire-listings.ts';
export { dbMeasurementCache } from './measurement-cache.ts';
export { importListingFolder } from './import-listing.ts';
export { resumeWithManualListings, userImageProblem } from './manual-fallback.ts';
export { reclaimStaleRuns, type ReclaimDeps } from './reclaim-stale-runs.ts';
