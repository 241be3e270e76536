import type { FixRef, Scores } from './experiment-snapshot.ts';
import { PARALLEL_STAGES } from './stage-outputs.ts';
import type { Winner } from './stage-outputs.ts';

/**
 * Deltas of a re-run against its experiment's baseline (PRODUCT.md, Experiments): how each
 * listing's overall and per-stage scores moved, what moved the verdict, and which fixes were
 * resolved or are new. Pure and deterministic.
 *
 * Properties (tested with fast-check):
 * - a run against itself: every delta is 0, the winner is unchanged, nothing moved, no fix
 *   resolved or new;
 * - swapping baseline and re-run negates every delta, swaps before/after, and swaps resolved
 *   and new fixes (rounding is symmetric around 0, so this holds exactly).
 */

export type Side = 'A' | 'B';
export interface Pair {
  readonly A: number;
  readonly B: number;
}

export interface Change {
  readonly before: Pair;
  readonly after: Pair;
  /** after − before, per listing, to 2 decimals. */
  readonly delta: Pair;
}

export interface StageDelta {
  readonly stage: string;
  /** Null when the stage is missing from the baseline (it failed there). */
  readonly before: (Pair & { readonly winner: Winner }) | null;
  /** Null when the stage is missing from the re-run. */
  readonly after: (Pair & { readonly winner: Winner }) | null;
  /** Null unless the stage is in both. */
  readonly delta: Pair | null;
}

export interface ExperimentDeltas {
  readonly overall: Change;
  /** Change of the lead of A over B: (A − B) after minus (A − B) before. Positive favours A. */
  readonly margin: number;
  readonly winner: { readonly before: Winner; readonly after: Winner; readonly changed: boolean };
  readonly confidence: { readonly before: number; readonly after: number; readonly delta: number };
  /** Every stage scored in either run: ctr, pdp, text first, then any other by name. */
  readonly stages: readonly StageDelta[];
  /** The stage score that moved most (largest |delta|; earlier stage, then A, on a tie). Null when nothing moved. */
  readonly movedMost: { readonly stage: string; readonly listing: Side; readonly delta: number } | null;
  readonly fixes: {
    /** In the baseline, gone in the re-run (baseline's order). */
    readonly resolved: readonly FixRef[];
    /** In the re-run, not in the baseline (re-run's order). */
    readonly new: readonly FixRef[];
  };
}

const DECIMALS = 100;

/** Rounds to 2 decimals symmetrically around 0 (round(−x) = −round(x)); never returns −0. */
export function roundDelta(x: number): number {
  const r = (Math.sign(x) * Math.round(Math.abs(x) * DECIMALS)) / DECIMALS;
  return r === 0 ? 0 : r;
}

const diff = (after: Pair, before: Pair): Pair => ({ A: roundDelta(after.A - before.A), B: roundDelta(after.B - before.B) });

function stageOrder(names: Iterable<string>): string[] {
  const known: readonly string[] = PARALLEL_STAGES;
  return [...new Set(names)].sort((a, b) => {
    const ia = known.indexOf(a);
    const ib = known.indexOf(b);
    if (ia !== -1 || ib !== -1) return (ia === -1 ? Infinity : ia) - (ib === -1 ? Infinity : ib);
    return a < b ? -1 : a > b ? 1 : 0;
  });
}

/** Two fixes are the same when they are for the same listing and stage and say the same thing. */
export function fixKey(f: Pick<FixRef, 'listing' | 'stage' | 'action'>): string {
  return `${f.listing}|${f.stage}|${f.action.replace(/\s+/g, ' ').trim().toLowerCase()}`;
}

function missingFrom(from: readonly FixRef[], other: readonly FixRef[]): FixRef[] {
  const there = new Set(other.map(fixKey));
  const seen = new Set<string>();
  return from.filter((f) => {
    const key = fixKey(f);
    if (there.has(key) || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function computeDeltas(baseline: Scores, rerun: Scores): ExperimentDeltas {
  const stages = stageOrder([...Object.keys(baseline.stages), ...Object.keys(rerun.stages)]).map((stage): StageDelta => {
    const b = baseline.stages[stage];
    const r = rerun.stages[stage];
    return {
      stage,
      before: b ? { A: b.A, B: b.B, winner: b.winner } : null,
      after: r ? { A: r.A, B: r.B, winner: r.winner } : null,
      delta: b && r ? diff(r, b) : null,
    };
  });

  let movedMost: ExperimentDeltas['movedMost'] = null;
  for (const s of stages) {
    if (!s.delta) continue;
    for (const listing of ['A', 'B'] as const) {
      const d = s.delta[listing];
      if (d !== 0 && (movedMost === null || Math.abs(d) > Math.abs(movedMost.delta))) movedMost = { stage: s.stage, listing, delta: d };
    }
  }

  return {
    overall: { before: baseline.score, after: rerun.score, delta: diff(rerun.score, baseline.score) },
    margin: roundDelta(rerun.score.A - rerun.score.B - (baseline.score.A - baseline.score.B)),
    winner: { before: baseline.winner, after: rerun.winner, changed: baseline.winner !== rerun.winner },
    confidence: { before: baseline.confidence, after: rerun.confidence, delta: roundDelta(rerun.confidence - baseline.confidence) },
    stages,
    movedMost,
    fixes: { resolved: missingFrom(baseline.fixes, rerun.fixes), new: missingFrom(rerun.fixes, baseline.fixes) },
  };
}
