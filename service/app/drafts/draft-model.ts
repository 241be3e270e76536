/** Draft stages use the same model path as comparison stages (see comparisons/model-outcome.ts). */
export {
  modelOutcome as draftModelOutcome,
  type ModelOutcomeDeps as DraftModelDeps,
  type ModelOutcomeRequest as DraftModelRequest,
} from '../comparisons/index.ts';
