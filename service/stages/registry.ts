import type { ModelStage } from '../domain/stage-outputs.ts';
import { avatarsStage } from './avatars.ts';
import { ctrStage } from './ctr.ts';
import { pdpStage } from './pdp.ts';
import type { StageDefinition } from './stage.ts';
import { textStage } from './text.ts';

/** The model-evaluated stages, in pipeline order. Adding a stage: a file here + its prompt. */
export const STAGES: { readonly [S in ModelStage]: StageDefinition<S> } = {
  ctr: ctrStage,
  pdp: pdpStage,
  text: textStage,
  avatars: avatarsStage,
};
