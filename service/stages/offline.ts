import type { Side } from '../domain/listing.ts';
import type { Evidence, Winner } from '../domain/stage-outputs.ts';
import { fixDetail } from '../providers/rules/fixes.ts';
import type { FactFinding, SideFacts } from './acquired.ts';

/**
 * Shared pieces of the offline rules engine's stage outputs: findings become evidence (with the
 * fix a seller should make), scores are clamped and rounded, and a winner needs a real margin.
 */

export const WIN_MARGIN = 0.25;

export const clamp10 = (x: number) => Math.round(Math.min(10, Math.max(0, x)) * 10) / 10;
export const meanOf = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

export function winnerOf(a: number, b: number): Winner {
  if (Math.abs(a - b) < WIN_MARGIN) return 'tie';
  return a > b ? 'A' : 'B';
}

/** Both sides' mean scores and the winner they give (the same rule for every offline stage). */
export function compareSides(A: { scores: Record<string, number> }, B: { scores: Record<string, number> }): { sa: number; sb: number; winner: Winner } {
  const sa = meanOf(Object.values(A.scores));
  const sb = meanOf(Object.values(B.scores));
  return { sa, sb, winner: winnerOf(sa, sb) };
}

/**
 * The two listings in the order a summary names them, decided by what it says and never by which
 * listing was given first: the higher score first, then by the words said of each; null when both
 * the scores and the words are the same (the summary then says "both"). So swapping the listings
 * only swaps the letters in a summary.
 */
export function summaryOrder(score: Readonly<Record<Side, number>>, said: Readonly<Record<Side, string>> = { A: '', B: '' }): readonly [Side, Side] | null {
  if (score.A !== score.B) return score.A > score.B ? ['A', 'B'] : ['B', 'A'];
  if (said.A !== said.B) return said.A < said.B ? ['A', 'B'] : ['B', 'A'];
  return null;
}

/** "(B 6.1, A 5.4)", higher first; "(both 5.0)" when they read the same at one decimal. */
export function scoresText(score: Readonly<Record<Side, number>>): string {
  const [a, b] = [score.A.toFixed(1), score.B.toFixed(1)];
  if (a === b) return `(both ${a})`;
  const [first, second] = summaryOrder(score) ?? ['A', 'B'];
  return `(${first} ${score[first].toFixed(1)}, ${second} ${score[second].toFixed(1)})`;
}

/** "B has 3 images, A has 1 image" in summaryOrder; "both have 2 images" when they say the same. */
export function bothSay(score: Readonly<Record<Side, number>>, said: Readonly<Record<Side, string>>): string {
  const order = summaryOrder(score, said);
  if (said.A === said.B || !order) return `both have ${said.A}`;
  return `${order[0]} has ${said[order[0]]}, ${order[1]} has ${said[order[1]]}`;
}

/** The finding id without its side: "A.main.fill_low" → "main.fill_low". */
export const bare = (id: string) => id.replace(/^[AB]\./, '');

/** Findings that describe, not judge (they are neither good nor bad). */
const NEUTRAL = new Set(['main.fill_unmeasurable', 'gallery.roles', 'reviews.no_insights', 'reviews.coverage']);
/** Findings that are at best neutral: text on a main image is never a plus, only harmless when printed on the product. */
const NEVER_POSITIVE = new Set(['main.text_present']);

/** The evidence fields a plain observation leaves open. */
export const NO_DETAIL = { dimension: null, current: null, target: null, effort: null, compliance: null, scoreIfFixed: null } as const;

/**
 * A finding as evidence. A negative finding with a fix states the dimension it lowers, the value
 * now and the target, the effort and whether it breaks an Amazon rule; `scoreIfFixed` (when
 * given) is this side's stage score re-scored with that finding resolved, rounded down to 0.01 so
 * rounding never invents a gain.
 */
export function toEvidence(f: FactFinding, scoreIfFixed?: (f: FactFinding) => number | null): Evidence {
  const id = bare(f.id);
  const negative = f.severity !== 'info' && !NEUTRAL.has(id);
  const detail = negative ? fixDetail(id, f.measured) : undefined;
  const effect = NEUTRAL.has(id) || (NEVER_POSITIVE.has(id) && !negative) ? 'neutral' : negative ? 'negative' : 'positive';
  const evidence: Evidence = {
    id: f.id,
    observation: f.message.length > 400 ? `${f.message.slice(0, 397)}…` : f.message,
    effect,
    fix: detail?.fix ?? null,
    impact: detail?.impact ?? null,
    ease: detail?.ease ?? null,
    ...NO_DETAIL,
  };
  if (!detail) return evidence;
  const rescored = scoreIfFixed?.(f) ?? null;
  return {
    ...evidence,
    dimension: detail.dimension,
    current: detail.current,
    target: detail.target,
    effort: detail.effort,
    compliance: detail.compliance,
    scoreIfFixed: rescored === null ? null : Math.floor(Math.min(10, Math.max(0, rescored)) * 100) / 100,
  };
}

/** Facts with one finding resolved: gone from the findings, the rest patched by the caller. */
export function without(facts: SideFacts, f: FactFinding): SideFacts {
  return { ...facts, findings: facts.findings.filter((x) => x.id !== f.id) };
}

/** A number from a finding's measurements, or the fallback. */
export function measuredNum(f: FactFinding, key: string, fallback: number): number {
  const v = f.measured?.[key];
  return typeof v === 'number' ? v : fallback;
}

export function findingsOf(facts: SideFacts, kinds: readonly string[]): FactFinding[] {
  return facts.findings.filter((f) => kinds.includes(f.kind));
}

export const has = (facts: SideFacts, bareId: string) => facts.findings.some((f) => bare(f.id) === bareId);
export const hasPrefix = (facts: SideFacts, prefix: string) => facts.findings.some((f) => bare(f.id).startsWith(prefix));

/** Grounding facts for prompts: one line per finding, worst first. */
export function factsText(facts: { A: SideFacts; B: SideFacts }, kinds: readonly string[]): string {
  const lines: string[] = [];
  for (const side of ['A', 'B'] as const satisfies readonly Side[]) {
    for (const f of findingsOf(facts[side], kinds)) lines.push(`- [${side}] (${f.severity}) ${f.message}`);
  }
  return lines.length ? lines.join('\n') : '- (no measurements available)';
}
