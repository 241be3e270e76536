import type { z } from 'zod';
import type { ModelStage, StageOutputs } from '../domain/stage-outputs.ts';
import type { AcquireOutput } from './acquired.ts';

/**
 * One model-evaluated stage (ctr, pdp, text, avatars): its output schema, what the model is
 * shown, and how the offline rules engine produces the same output from measured facts alone.
 * Registered in order in ./registry.ts.
 */
export interface StageInput {
  readonly acquired: AcquireOutput;
  /** Outputs of earlier stages (avatars reads ctr, pdp, text). */
  readonly prior: Partial<StageOutputs>;
}

export interface StageImage {
  readonly sha256: string;
  readonly label: string;
  /**
   * OpenAI's image detail, which also picks the derivative sent (acquire/derivatives.ts forModel):
   * low where a glance is the point (a main image, as in search results: ≤ 512 px), high for
   * fine print (gallery images: within 576 32-px patches, a 1,500-px square as 768 × 768).
   */
  readonly detail: 'low' | 'high' | 'auto';
}

export interface StageDefinition<S extends ModelStage> {
  readonly name: S;
  readonly schema: z.ZodType<StageOutputs[S]>;
  readonly schemaName: string;
  readonly maxOutputTokens: number;
  images(input: StageInput): StageImage[];
  /** Values for the prompt's {{placeholders}} (system and user). */
  variables(input: StageInput): Record<string, string>;
  /** The stage's output from the rules engine's facts alone (no model). */
  offline(input: StageInput): StageOutputs[S];
}
