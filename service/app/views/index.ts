/**
 * Views — what a person sees, as platform-neutral read models built from the database only:
 * RunView (comparisons and drafts) and ExperimentView. Every surface (Slack, Discord, terminal)
 * renders these and nothing else.
 */
export type { DraftView, RunView, SideView, StageView } from './run-view-model.ts';
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
