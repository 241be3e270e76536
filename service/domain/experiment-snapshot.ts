import { z } from 'zod';
import { Winner } from './stage-outputs.ts';
import type { Verdict } from './stage-outputs.ts';

/**
 * What an experiment keeps of a run: its scores, not the run. A snapshot is taken when a baseline
 * is saved and when a re-run ends, and stored on the experiment (jsonb), so deleting old runs
 * (retention, a workspace clean-up) never destroys an experiment's history or its deltas.
 *
 * Invariant: a snapshot is plain JSON data derived only from the run's verdict and final status;
 * it is parsed with `RunSnapshotSchema` whenever it is read back.
 */

const Pair = z.object({ A: z.number(), B: z.number() });

/** A fix as an experiment remembers it: enough to tell whether it is still there after a change. */
export const FixRefSchema = z.object({
  listing: z.enum(['A', 'B']),
  stage: z.string(),
  action: z.string(),
  priority: z.number().int(),
});
export type FixRef = z.infer<typeof FixRefSchema>;

export const ScoresSchema = z.object({
  winner: Winner,
  /** Overall scores (0–10). */
  score: Pair,
  confidence: z.number(),
  clickWinner: Winner,
  saleWinner: Winner,
  /** Per-stage scores of each listing (the verdict's `stages`: ctr, pdp, text when present). */
  stages: z.record(z.string(), z.object({ A: z.number(), B: z.number(), winner: Winner })),
  fixes: z.array(FixRefSchema),
  /** Stages that failed and were left out of the verdict. */
  missing: z.array(z.string()),
  rulesOnly: z.boolean(),
  /** The verdict's content hash. */
  hash: z.string(),
});
export type Scores = z.infer<typeof ScoresSchema>;

export const RunSnapshotSchema = z.object({
  v: z.literal(1),
  /** The run it was taken of (kept after the run itself is deleted, to name it). */
  runId: z.string(),
  status: z.enum(['succeeded', 'partial', 'failed']),
  /** ISO time the run ended. */
  finishedAt: z.string().nullable(),
  /** Null when the run ended without a verdict (it failed). */
  scores: ScoresSchema.nullable(),
  errorCode: z.string().nullable(),
});
export type RunSnapshot = z.infer<typeof RunSnapshotSchema>;

export function scoresOf(v: Verdict): Scores {
  return {
    winner: v.winner,
    score: { A: v.score.A, B: v.score.B },
    confidence: v.confidence,
    clickWinner: v.clickWinner,
    saleWinner: v.saleWinner,
    stages: Object.fromEntries(Object.entries(v.stages).map(([name, s]) => [name, { A: s.A, B: s.B, winner: s.winner }])),
    fixes: v.fixes.map((f) => ({ listing: f.listing, stage: f.stage, action: f.action, priority: f.priority })),
    missing: [...v.missing],
    rulesOnly: v.rulesOnly,
    hash: v.hash,
  };
}

export interface FinishedRun {
  readonly id: string;
  readonly status: 'queued' | 'running' | 'succeeded' | 'partial' | 'failed';
  readonly finishedAt: Date | null;
  readonly errorCode: string | null;
}

/** The snapshot of a run that has ended; undefined while it is still queued or running. */
export function snapshotOf(run: FinishedRun, verdict: Verdict | null): RunSnapshot | undefined {
  if (run.status === 'queued' || run.status === 'running') return undefined;
  return {
    v: 1,
    runId: run.id,
    status: run.status,
    finishedAt: run.finishedAt ? run.finishedAt.toISOString() : null,
    scores: verdict ? scoresOf(verdict) : null,
    errorCode: run.errorCode,
  };
}

/** A stored snapshot read back; undefined when there is none (yet) or it is not one. */
export function parseSnapshot(json: unknown): RunSnapshot | undefined {
  if (json == null) return undefined;
  const parsed = RunSnapshotSchema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}
