import type { AvatarsOutput, ModelStage, Persona, StageOutputs, Winner } from '../../domain/stage-outputs.ts';
import { compareSides } from '../../stages/offline.ts';

/**
 * How the two presentation orders of a pairwise judgement (issue 19) become one stage output.
 * Pure: the same two answers always combine the same way.
 *
 * - ctr, pdp, text: each dimension score is the mean of the two orders; the winner comes from the
 *   combined means with the offline engine's margin (offline.ts `winnerOf`, WIN_MARGIN). When the
 *   two orders named different winners the stage is order-sensitive: its winner is 'tie' unless
 *   the combined stage means differ by at least ORDER_SENSITIVE_MARGIN (then it stays a win, and
 *   the verdict counts it as low confidence). Evidence and summary are the first order's (so
 *   evidence ids stay unique), plus one sentence in the summary when order-sensitive.
 * - avatars: the first order's personas; when the majority buy (or click) vote differs between
 *   the orders, each persona whose buy (or click) differs between them votes 'tie'.
 */

/** A lead this large on the combined means survives orders that disagree (0–10 scale). */
export const ORDER_SENSITIVE_MARGIN = 1;

export interface Combined<S extends ModelStage> {
  readonly output: StageOutputs[S];
  /** The two orders agree: the same stage winner (avatars: the same majority click and buy votes). */
  readonly consistent: boolean;
}

type Scored = StageOutputs['ctr' | 'pdp' | 'text'];

/** `second` is already mapped back to A/B (swap.ts swapOutput). */
export function combineOrders<S extends ModelStage>(stage: S, first: StageOutputs[S], second: StageOutputs[S]): Combined<S> {
  if (stage === 'avatars') return combineAvatars(first as AvatarsOutput, second as AvatarsOutput) as Combined<S>;
  return combineScored(first as Scored, second as Scored) as unknown as Combined<S>;
}

const SUMMARY_MAX = 600;
const mean2 = (a: number, b: number) => Math.round(((a + b) / 2) * 100) / 100;

function meanScores<T extends Record<string, number>>(a: T, b: T): T {
  return Object.fromEntries(Object.keys(a).map((d) => [d, mean2(a[d] ?? 0, b[d] ?? a[d] ?? 0)])) as T;
}

function combineScored(first: Scored, second: Scored): Combined<'ctr'> {
  const A = { ...first.listings.A, scores: meanScores(first.listings.A.scores, second.listings.A.scores) };
  const B = { ...first.listings.B, scores: meanScores(first.listings.B.scores, second.listings.B.scores) };
  const { sa, sb, winner: byMeans } = compareSides(A, B);
  const consistent = first.winner === second.winner;
  const decisive = Math.abs(sa - sb) >= ORDER_SENSITIVE_MARGIN;
  const winner: Winner = consistent || decisive ? byMeans : 'tie';
  let summary = first.summary;
  if (!consistent) {
    const note = decisive
      ? ` The two presentation orders disagreed; the combined scores still favour listing ${winner} by ${Math.abs(sa - sb).toFixed(1)} points.`
      : ' The two presentation orders disagreed; treated as a tie.';
    summary = clip(first.summary, SUMMARY_MAX - note.length) + note;
  }
  return { output: { ...first, listings: { A, B }, winner, summary } as StageOutputs['ctr'], consistent };
}

/** The text cut at a word boundary to fit `max` characters, with an ellipsis when cut. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const at = cut.lastIndexOf(' ');
  return `${(at > 0 ? cut.slice(0, at) : cut).trimEnd()}…`;
}

/** The vote most personas cast; 'tie' when no vote has a majority. */
export function majority(votes: readonly Winner[]): Winner {
  for (const w of ['A', 'B', 'tie'] as const) if (votes.filter((v) => v === w).length * 2 > votes.length) return w;
  return 'tie';
}

function combineAvatars(first: AvatarsOutput, second: AvatarsOutput): Combined<'avatars'> {
  const clicksAgree = majority(first.personas.map((p) => p.clicks)) === majority(second.personas.map((p) => p.clicks));
  const buysAgree = majority(first.personas.map((p) => p.buys)) === majority(second.personas.map((p) => p.buys));
  const personas = first.personas.map((p, i): Persona => {
    const other = second.personas[i];
    return {
      ...p,
      clicks: clicksAgree || other?.clicks === p.clicks ? p.clicks : 'tie',
      buys: buysAgree || other?.buys === p.buys ? p.buys : 'tie',
    };
  });
  return { output: { ...first, personas }, consistent: clicksAgree && buysAgree };
}
