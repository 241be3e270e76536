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

/** Dimension names per stage: fixed, so scores are comparable across providers and runs. */
export const DIMENSIONS = {
  ctr: ['compliance', 'fill', 'legibility', 'quality', 'appeal'],
  pdp: ['coverage', 'count', 'quality', 'questions', 'uniqueness'],
  text: ['title_rules', 'clarity', 'keywords', 'review_alignment', 'bullets'],
} as const;
/** Every stage's dimensions, once each (`quality` is both ctr's and pdp's). */
const ALL_DIMENSIONS = ['compliance', 'fill', 'legibility', 'quality', 'appeal', 'coverage', 'count', 'questions', 'uniqueness', 'title_rules', 'clarity', 'keywords', 'review_alignment', 'bullets'] as const;

/** How much work a fix is: a text edit, an edit of an existing photo, or a new photo shoot. */
export const Effort = z.enum(['text', 'photo-edit', 'new-shoot']);
export type Effort = z.infer<typeof Effort>;

/**
 * One observation about one listing. Every property is required and nullable (strict
 * structured-output modes require every property); the rules engine fills all of them, a model
 * fills what it can.
 */
export const EvidenceSchema = z.object({
  id: z.string().min(1).max(80),
  /** A concrete observation in plain words: what is seen or measured, with numbers where there are any. */
  observation: z.string().min(1).max(400),
  effect: z.enum(['positive', 'negative', 'neutral']),
  /** For negative evidence: what to change (null otherwise). */
  fix: z.string().max(300).nullable(),
  /** 1 low – 3 high: how much fixing it would move the result. */
  impact: z.number().int().min(1).max(3).nullable(),
  /** 1 hard – 3 easy. */
  ease: z.number().int().min(1).max(3).nullable(),
  /** The scored dimension of the stage this bears on (one of DIMENSIONS[stage]; another stage's is ignored). */
  dimension: z.enum(ALL_DIMENSIONS).nullable(),
  /** The value now, as a person reads it, with units ("69% of the frame", "230 characters"). */
  current: z.string().max(120).nullable(),
  /** What the fix aims for, with units ("at least 85%", "at most 75 characters"). */
  target: z.string().max(120).nullable(),
  effort: Effort.nullable(),
  /** Breaks an Amazon rule that can get the listing suppressed (non-white main background, text or badges on the main image, a title over the limit). */
  compliance: z.boolean().nullable(),
  /**
   * This listing's score on this stage (0–10) were the fix made, when it can be computed (the
   * rules engine re-scores the changed measurement); null from a model, whose dimension then
   * moves to the other listing's score on it.
   */
  scoreIfFixed: Score.nullable(),
});
export type Evidence = z.infer<typeof EvidenceSchema>;

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
    .array(
      z.object({
        aspect: z.string().min(1).max(80),
        /** A buyer's words from reviews, or for a category default a sentence saying so. */
        citation: z.string().max(300),
        /** Whose reviews the citation comes from; 'category' when no review said it. */
        from: z.enum(['A', 'B', 'both', 'category']),
      }),
    )
    .min(1)
    .max(6),
  /** 'tie' when nothing separates the two for this buyer: a tie is not a vote for A. */
  clicks: Winner,
  buys: Winner,
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
  /** 1 = do first, counted within its listing. */
  priority: z.number().int().min(1),
  action: z.string().min(1),
  /** Ids of the evidence items it answers. */
  evidence: z.array(z.string()).min(1),
  /** The first of those observations, in plain words. */
  observation: z.string(),
  stage: z.enum(['ctr', 'pdp', 'text']),
  impact: z.number().int().min(1).max(3),
  ease: z.number().int().min(1).max(3),
  current: z.string().nullable(),
  target: z.string().nullable(),
  effort: Effort,
  compliance: z.boolean(),
  /** The verdict computed again as if this fix were made: the listing's overall score change (0–10 scale). */
  effect: z.object({ points: z.number(), changesWinner: z.boolean() }),
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
