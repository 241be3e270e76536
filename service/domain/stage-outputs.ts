import { z } from 'zod';

/**
 * The validated shape of every stage's output. A stage output is stored and shown only after it
 * passed its schema here, whoever produced it (a model or the offline rules engine).
 *
 * Evidence ids are stable strings derived from content (e.g. "A.ctr.bg_not_white" or
 * "B.pdp.m2"), never from job ids or timestamps, so the verdict hash depends only on inputs.
 */

export const STAGE_NAMES = ['acquire', 'ctr', 'pdp', 'text', 'avatars', 'verdict'] as const;
export type StageName = (typeof STAGE_NAMES)[number];
/** The evaluations that run in parallel once both listings are acquired. */
export const PARALLEL_STAGES = ['ctr', 'pdp', 'text'] as const;
export type ParallelStage = (typeof PARALLEL_STAGES)[number];
export type ModelStage = ParallelStage | 'avatars';

export const Winner = z.enum(['A', 'B', 'tie']);
export type Winner = z.infer<typeof Winner>;
const Score = z.number().min(0).max(10);

export const EvidenceSchema = z.object({
  id: z.string().min(1).max(80),
  /** A concrete observation: what is seen or measured, with numbers where there are any. */
  observation: z.string().min(1).max(400),
  effect: z.enum(['positive', 'negative', 'neutral']),
  /** For negative evidence: what to change (null otherwise). Nullable, not optional: strict
   * structured-output modes require every property. */
  fix: z.string().max(300).nullable(),
  /** 1 low – 3 high: how much fixing it would move the result. */
  impact: z.number().int().min(1).max(3).nullable(),
  /** 1 hard – 3 easy. */
  ease: z.number().int().min(1).max(3).nullable(),
});
export type Evidence = z.infer<typeof EvidenceSchema>;

/** Dimension names per stage: fixed, so scores are comparable across providers and runs. */
export const DIMENSIONS = {
  ctr: ['compliance', 'fill', 'legibility', 'quality', 'appeal'],
  pdp: ['coverage', 'count', 'quality', 'questions', 'uniqueness'],
  text: ['title_rules', 'clarity', 'keywords', 'review_alignment', 'bullets'],
} as const;

function sideSchema<const D extends readonly [string, ...string[]]>(dims: D, minEvidence: number) {
  const shape = Object.fromEntries(dims.map((d) => [d, Score])) as { [K in D[number]]: typeof Score };
  return z.object({
    scores: z.object(shape),
    evidence: z.array(EvidenceSchema).min(minEvidence).max(20),
  });
}

export const CtrOutputSchema = z.object({
  listings: z.object({ A: sideSchema(DIMENSIONS.ctr, 2), B: sideSchema(DIMENSIONS.ctr, 2) }),
  winner: Winner,
  summary: z.string().min(1).max(600),
});
export type CtrOutput = z.infer<typeof CtrOutputSchema>;

export const ImageRole = z.enum(['main', 'infographic', 'lifestyle', 'scale', 'detail', 'comparison', 'in_the_box', 'white_background', 'other']);
const PdpSide = sideSchema(DIMENSIONS.pdp, 2).extend({
  images: z.array(z.object({ index: z.number().int().min(0), role: ImageRole, note: z.string().max(300) })).max(20),
  answered: z.array(z.string().max(200)).max(12),
  open: z.array(z.string().max(200)).max(12),
});
export const PdpOutputSchema = z.object({
  listings: z.object({ A: PdpSide, B: PdpSide }),
  winner: Winner,
  summary: z.string().min(1).max(600),
});
export type PdpOutput = z.infer<typeof PdpOutputSchema>;

export const TextOutputSchema = z.object({
  listings: z.object({ A: sideSchema(DIMENSIONS.text, 1), B: sideSchema(DIMENSIONS.text, 1) }),
  winner: Winner,
  summary: z.string().min(1).max(600),
});
export type TextOutput = z.infer<typeof TextOutputSchema>;

export const PersonaSchema = z.object({
  name: z.string().min(1).max(80),
  profile: z.string().min(1).max(400),
  caresAbout: z
    .array(z.object({ aspect: z.string().min(1).max(80), citation: z.string().max(300) }))
    .min(1)
    .max(6),
  clicks: z.enum(['A', 'B']),
  buys: z.enum(['A', 'B']),
  why: z.string().min(1).max(500),
  objections: z.array(z.string().max(300)).max(5),
});
export type Persona = z.infer<typeof PersonaSchema>;

export const AvatarsOutputSchema = z.object({
  personas: z.array(PersonaSchema).length(3),
  /** True when there were no review insights: personas are the category's defaults. */
  categoryDefault: z.boolean(),
});
export type AvatarsOutput = z.infer<typeof AvatarsOutputSchema>;

export const FixSchema = z.object({
  listing: z.enum(['A', 'B']),
  priority: z.number().int().min(1),
  action: z.string().min(1),
  evidence: z.array(z.string()).min(1),
  stage: z.enum(['ctr', 'pdp', 'text']),
  impact: z.number().int().min(1).max(3),
  ease: z.number().int().min(1).max(3),
});
export type Fix = z.infer<typeof FixSchema>;

export const VerdictSchema = z.object({
  winner: Winner,
  score: z.object({ A: z.number().min(0).max(10), B: z.number().min(0).max(10) }),
  /** Per-stage overall scores (mean of the dimensions) that went into the verdict. */
  stages: z.record(z.string(), z.object({ A: z.number(), B: z.number(), winner: Winner, weight: z.number() })),
  confidence: z.number().min(0).max(1),
  clickWinner: Winner,
  saleWinner: Winner,
  fixes: z.array(FixSchema),
  /** Stages that failed and were left out (lower confidence). */
  missing: z.array(z.string()),
  rulesOnly: z.boolean(),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
});
export type Verdict = z.infer<typeof VerdictSchema>;

/** Any model-evaluated stage output is tagged with who made it when stored. */
export const MadeBySchema = z.object({
  provider: z.enum(['openai', 'anthropic', 'rules']),
  model: z.string(),
});

export const STAGE_SCHEMAS = {
  ctr: CtrOutputSchema,
  pdp: PdpOutputSchema,
  text: TextOutputSchema,
  avatars: AvatarsOutputSchema,
} as const;
export type StageOutputs = {
  ctr: CtrOutput;
  pdp: PdpOutput;
  text: TextOutput;
  avatars: AvatarsOutput;
};
