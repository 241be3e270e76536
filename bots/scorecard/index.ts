/**
 * The scorecard: a run's result as one PNG (a comparison's verdict with both main images, or a
 * draft's main photo and marketplace scores). `createScorecardRenderer({ loadImage })` gives the
 * function a sink or the terminal calls with a RunView; `scorecardReady` says whether there is a
 * result to show yet.
 */
export type { RenderScorecard, Scorecard } from './scorecard.ts';
export type { LoadImage } from './images.ts';
export { createScorecardRenderer, scorecardReady, scorecardSvg, type ScorecardDeps } from './render.ts';
