import { presentDraftCard, presentDraftRoot } from './present-draft.ts';
import { presentComparisonRoot, type PresentOptions } from './present-run.ts';
import { presentComparisonStage } from './present-stage.ts';
import type { Presentation } from './presentation.ts';
import type { RunView, StageView } from './run-view-model.ts';

/**
 * The Presentation of a run's root message and of each card in its thread, whatever the run's
 * kind: what every surface renders (see presentation.ts). A draft's cards are draftThreadCards.
 */

export function presentRoot(v: RunView, opts: PresentOptions = {}): Presentation {
  return v.kind === 'draft' ? presentDraftRoot(v, opts) : presentComparisonRoot(v, opts);
}

export function presentStage(v: RunView, s: StageView): Presentation {
  return v.kind === 'draft' ? presentDraftCard(v, s) : presentComparisonStage(v, s);
}
