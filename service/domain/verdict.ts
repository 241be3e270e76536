import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.ts';
import {
  CONFIDENCE,
  DEFAULT_EASE,
  DEFAULT_IMPACT,
  MAX_FIXES_PER_LISTING,
  SALE_STAGES,
  SCORE_DECIMALS,
  STAGE_WEIGHTS,
  TIE_MARGIN,
  WEIGHT_DECIMALS,
  compareFixes,
  compareText,
  roundTo,
  voteAgreement,
} from './scoring.ts';
import { DIMENSIONS, PARALLEL_STAGES } from './stage-outputs.ts';
import type {
  AvatarsOutput,
  Effort,
  CtrOutput,
  Evidence,
  Fix,
  ParallelStage,
  PdpOutput,
  TextOutput,
  Verdict,
  Winner,
} from './stage-outputs.ts';

/**
 * Stage 5: the verdict, a pure and deterministic function of the outputs of stages 1–4 (each
 * already validated against its schema) and of the weights in scoring.ts.
 *
 * - stage score of a listing = mean of its dimension scores;
 * - overall score = weighted mean of the stage scores present (weights renormalised), 2 decimals;
 * - winner = the higher overall score, or 'tie' when the margin is under TIE_MARGIN;
 * - clickWinner = ctr's winner; saleWinner = pdp + text scores, weighted, same tie margin;
 * - confidence from the margin and the agreement of stage winners and persona `buys` votes,
 *   lowered without a model, per missing, order-sensitive or single-order stage (scoring.ts);
 * - fixes: every negative evidence item with a fix, merged per (listing, action), each with its
 *   projected effect (the verdict recomputed as if it were made), grouped per listing and ranked;
 * - hash: SHA-256 of the canonical JSON of everything else. Nothing time- or id-dependent.
 *
 * Callers do not compute a verdict when all of stages 1–3 failed (PRODUCT.md); asked anyway, the
 * result is an honest tie at 0 with confidence 0.
 */

export type VerdictInput = {
  ctr?: CtrOutput | undefined;
  pdp?: PdpOutput | undefined;
  text?: TextOutput | undefined;
  avatars?: AvatarsOutput | undefined;
  /** Made by the offline rules engine, without a model. */
  rulesOnly: boolean;
  /** Stages that failed and were left out; each distinct name lowers confidence. */
  missing: readonly string[];
  /** Pairwise stages whose two presentation orders disagreed (issue 19); each distinct name lowers confidence. */
  orderSensitive?: readonly string[] | undefined;
  /** Pairwise stages answered in one presentation order only; each distinct name lowers confidence. */
  singleOrder?: readonly string[] | undefined;
};

type Side = 'A' | 'B';
const SIDES = ['A', 'B'] as const;

type ScoredOutput = {
  listings: Record<Side, { scores: Record<string, number>; evidence: readonly Evidence[] }>;
  winner: Winner;
};

type StageScore = { stage: ParallelStage; A: number; B: number; winner: Winner; output: ScoredOutput };

type FixDraft = Omit<Fix, 'priority'>;

export function computeVerdict(input: VerdictInput): Verdict {
  const scored = scoreStages(input);
  const overall = weightedScores(scored);
  const score = overall
    ? { A: roundTo(overall.A, SCORE_DECIMALS), B: roundTo(overall.B, SCORE_DECIMALS) }
    : { A: 0, B: 0 };
  const winner = overall ? winnerOf(score.A, score.B) : 'tie';
  const sale = weightedScores(scored.filter((s) => SALE_STAGES.includes(s.stage)));
  const saleWinner = sale
    ? winnerOf(roundTo(sale.A, SCORE_DECIMALS), roundTo(sale.B, SCORE_DECIMALS))
    : 'tie';
  const missing = [...new Set(input.missing)].sort(compareText);
  const totalWeight = sumWeights(scored);

  const body: Omit<Verdict, 'hash'> = {
    winner,
    score,
    stages: Object.fromEntries(
      scored.map((s) => [
        s.stage,
        {
          A: roundTo(s.A, SCORE_DECIMALS),
          B: roundTo(s.B, SCORE_DECIMALS),
          winner: s.winner,
          // Renormalised, for display: the computation above uses the unrounded value.
          weight: roundTo(STAGE_WEIGHTS[s.stage] / totalWeight, WEIGHT_DECIMALS),
        },
      ]),
    ),
    confidence: scored.length === 0 ? 0 : confidence(scored, winner, score, input, missing.length),
    clickWinner: input.ctr?.winner ?? 'tie',
    saleWinner,
    fixes: rankFixes(collectFixes(scored).map((f) => completeFix(f, scored, winner))),
    missing,
    rulesOnly: input.rulesOnly,
  };
  return { ...body, hash: createHash('sha256').update(canonicalJson(body)).digest('hex') };
}

/** The scored stages present, in the fixed order ctr, pdp, text. */
function scoreStages(input: VerdictInput): StageScore[] {
  return PARALLEL_STAGES.flatMap((stage) => {
    const output: ScoredOutput | undefined = input[stage];
    if (!output) return [];
    return [
      {
        stage,
        A: meanOf(stage, output.listings.A.scores),
        B: meanOf(stage, output.listings.B.scores),
        winner: output.winner,
        output,
      },
    ];
  });
}

/** Mean over the stage's fixed dimensions, summed in their declared order (deterministic floats). */
function meanOf(stage: ParallelStage, scores: Record<string, number>): number {
  const dims = DIMENSIONS[stage];
  let sum = 0;
  for (const d of dims) sum += scores[d] ?? 0;
  return sum / dims.length;
}

function sumWeights(stages: readonly StageScore[]): number {
  return stages.reduce((acc, s) => acc + STAGE_WEIGHTS[s.stage], 0);
}

/** Weighted mean of the stage scores, weights renormalised over the stages given. */
function weightedScores(stages: readonly StageScore[]): { A: number; B: number } | undefined {
  const total = sumWeights(stages);
  if (stages.length === 0 || total <= 0) return undefined;
  let a = 0;
  let b = 0;
  for (const s of stages) {
    a += STAGE_WEIGHTS[s.stage] * s.A;
    b += STAGE_WEIGHTS[s.stage] * s.B;
  }
  return { A: a / total, B: b / total };
}

/** Scores are compared as reported (rounded), and so is the margin, so what is shown adds up. */
function winnerOf(a: number, b: number): Winner {
  const margin = roundTo(Math.abs(a - b), SCORE_DECIMALS);
  if (margin < TIE_MARGIN) return 'tie';
  return a > b ? 'A' : 'B';
}

function confidence(
  scored: readonly StageScore[],
  winner: Winner,
  score: { A: number; B: number },
  input: VerdictInput,
  missingCount: number,
): number {
  const margin = roundTo(Math.abs(score.A - score.B), SCORE_DECIMALS);
  const marginTerm = Math.min(1, margin / CONFIDENCE.fullMargin);

  let stageAgreement = 0;
  for (const s of scored) stageAgreement += STAGE_WEIGHTS[s.stage] * voteAgreement(s.winner, winner);
  stageAgreement /= sumWeights(scored);

  const personas = input.avatars?.personas ?? [];
  let agreement = stageAgreement;
  if (personas.length > 0) {
    let personaAgreement = 0;
    for (const p of personas) personaAgreement += voteAgreement(p.buys, winner);
    personaAgreement /= personas.length;
    agreement = (1 - CONFIDENCE.personaShare) * stageAgreement + CONFIDENCE.personaShare * personaAgreement;
  }

  const raw = CONFIDENCE.floor + CONFIDENCE.marginShare * marginTerm + CONFIDENCE.agreementShare * agreement;
  const n = (names: readonly string[] | undefined) => new Set(names ?? []).size;
  const orders = CONFIDENCE.orderSensitiveFactor ** n(input.orderSensitive) * CONFIDENCE.singleOrderFactor ** n(input.singleOrder);
  const factor = (input.rulesOnly ? CONFIDENCE.rulesOnlyFactor : 1) * CONFIDENCE.missingStageFactor ** missingCount * orders;
  return roundTo(Math.min(1, Math.max(0, raw * factor)), CONFIDENCE.decimals);
}

/**
 * Every negative evidence item with a non-empty fix becomes a fix for the listing it was found
 * under (not the letter its id starts with). The same action (whitespace and case aside) for the
 * same listing is one fix citing every evidence id: its impact is the highest, its ease the
 * lowest of theirs (nulls count as 2), its stage the weightiest among them; it is a compliance
 * problem when any of them is; current, target and effort come from the first that states them.
 */
function collectFixes(scored: readonly StageScore[]): FixSource[] {
  const byKey = new Map<string, FixSource>();
  for (const { stage, output } of scored) {
    for (const side of SIDES) {
      for (const e of output.listings[side].evidence) {
        if (e.effect !== 'negative' || e.fix === null) continue;
        const action = e.fix.trim().replace(/\s+/g, ' ');
        if (action === '') continue;
        const impact = e.impact ?? DEFAULT_IMPACT;
        const ease = e.ease ?? DEFAULT_EASE;
        const key = `${side} ${action.toLowerCase()}`;
        const found = byKey.get(key);
        if (!found) {
          byKey.set(key, { listing: side, action, evidence: [e.id], stage, impact, ease, items: [{ stage, e }] });
          continue;
        }
        if (!found.evidence.includes(e.id)) found.evidence.push(e.id);
        found.items.push({ stage, e });
        if (STAGE_WEIGHTS[stage] > STAGE_WEIGHTS[found.stage]) found.stage = stage;
        found.impact = Math.max(found.impact, impact);
        found.ease = Math.min(found.ease, ease);
      }
    }
  }
  return [...byKey.values()];
}

type FixSource = Pick<Fix, 'listing' | 'action' | 'evidence' | 'stage' | 'impact' | 'ease'> & {
  items: { stage: ParallelStage; e: Evidence }[];
};

/** A fix with what it states and what making it would do, before ranking. */
function completeFix(f: FixSource, scored: readonly StageScore[], winner: Winner): FixDraft {
  const first = <K extends 'current' | 'target' | 'effort'>(k: K) => f.items.map((i) => i.e[k] ?? null).find((x) => x !== null) ?? null;
  return {
    listing: f.listing,
    action: f.action,
    evidence: f.evidence,
    observation: f.items[0]?.e.observation ?? '',
    stage: f.stage,
    impact: f.impact,
    ease: f.ease,
    current: first('current'),
    target: first('target'),
    effort: first('effort') ?? defaultEffort(f.stage, f.ease),
    compliance: f.items.some((i) => i.e.compliance === true),
    effect: projectedEffect(f, scored, winner),
  };
}

/** Without a stated effort: copy is a text edit; an image fix that is easy is a photo edit, else a new shoot. */
function defaultEffort(stage: ParallelStage, ease: number): Effort {
  if (stage === 'text') return 'text';
  return ease >= 3 ? 'photo-edit' : 'new-shoot';
}

/**
 * The verdict computed again as if the fix were made. Per stage the fix touches, the listing's
 * stage score becomes what the rules engine says it would be (`scoreIfFixed`), or — for evidence
 * without one (a model's judgement) — its mean with the named dimension raised to the other
 * listing's score on it (what the other listing shows is possible). Never lower than now.
 */
function projectedEffect(f: FixSource, scored: readonly StageScore[], winner: Winner): Fix['effect'] {
  const other: Side = f.listing === 'A' ? 'B' : 'A';
  const changed = scored.map((s) => {
    const items = f.items.filter((i) => i.stage === s.stage).map((i) => i.e);
    if (items.length === 0) return s;
    const own = s.output.listings[f.listing].scores;
    const theirs = s.output.listings[other].scores;
    // A re-scored measurement is the answer; only a judgement without one borrows the other listing's score.
    const lifted: Record<string, number> = { ...own };
    for (const e of items) {
      if (e.scoreIfFixed === null && e.dimension !== null && e.dimension in own) lifted[e.dimension] = Math.max(own[e.dimension] ?? 0, theirs[e.dimension] ?? 0);
    }
    let next = Math.max(s[f.listing], meanOf(s.stage, lifted));
    for (const e of items) if (e.scoreIfFixed !== null) next = Math.max(next, e.scoreIfFixed);
    return { ...s, [f.listing]: next };
  });
  const before = weightedScores(scored);
  const after = weightedScores(changed);
  if (!before || !after) return { points: 0, changesWinner: false };
  const points = roundTo(after[f.listing] - before[f.listing], SCORE_DECIMALS);
  const next = winnerOf(roundTo(after.A, SCORE_DECIMALS), roundTo(after.B, SCORE_DECIMALS));
  return { points: Math.max(0, points), changesWinner: next !== winner };
}

/**
 * Grouped per listing (A's, then B's — never interleaved), each ranked by compareFixes, capped at
 * MAX_FIXES_PER_LISTING and numbered 1..n within its listing.
 */
function rankFixes(drafts: readonly FixDraft[]): Fix[] {
  return SIDES.flatMap((side) =>
    drafts
      .filter((f) => f.listing === side)
      .sort(compareFixes)
      .slice(0, MAX_FIXES_PER_LISTING)
      .map((f, i) => ({ ...f, priority: i + 1 })),
  );
}
