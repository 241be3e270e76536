/**
 * Views — what a person sees, as platform-neutral read models built from the database only:
 * RunView (comparisons and drafts) and ExperimentView. Every surface (Slack, Discord, terminal)
 * renders these and nothing else.
 */
export type { DraftView, ModelCostView, RunView, SideView, StageUsageView, StageView } from './run-view-model.ts';
export { modelCostLine } from './model-cost.ts';
export { loadRunView, STAGE_TITLES, toRunView } from './run-view.ts';
export { cardMarketplace, draftThreadCards } from './draft-view.ts';
export {
  experimentCardFor,
  experimentView,
  experimentViews,
  storedPair,
  type ExperimentCard,
  type ExperimentView,
  type RerunView,
  type StoredPair,
} from './experiment-view.ts';
export type { Field, Intent, Line, Presentation, Section, Segment, StageLine, Tone } from './presentation.ts';
export { atWordBoundary, code, plainText, t } from './presentation.ts';
export { presentExperiment, presentExperimentCard, presentExperimentList } from './present-experiment.ts';
export { presentRoot, presentStage } from './present.ts';
export { curly, plural } from './present-words.ts';
export { stageLine, type PresentOptions } from './present-run.ts';
export { isFinished, RESUMABLE_ERRORS, sideName } from './present-run.ts';
