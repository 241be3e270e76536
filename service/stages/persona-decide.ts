import type { Listing, Side } from '../domain/listing.ts';
import { SALE_STAGES, STAGE_WEIGHTS, SCORE_DECIMALS, roundTo } from '../domain/scoring.ts';
import type { StageOutputs, Winner } from '../domain/stage-outputs.ts';
import { aspectCoverage } from '../providers/rules/review-coverage.ts';
import { words } from '../providers/rules/text-utils.ts';
import { meanOf, winnerOf } from './offline.ts';
import { lowerName, mentions, other, times, type SideTheme, type Theme } from './persona-themes.ts';
import type { StageInput } from './stage.ts';

/**
 * How an offline persona decides. The click is the CTR stage's winner (a tie stays a tie). The
 * purchase follows the persona's own concern: the listing whose title or bullets alone speak to
 * it; else the listing whose own reviews judge it clearly better; only then the conversion leader
 * (gallery and copy, weighted as the verdict's saleWinner). A tie is 'tie', never a vote for A.
 */

export interface Decision {
  readonly clicks: Winner;
  readonly buys: Winner;
  readonly why: string;
}

/** Reviews that judge a theme this much better (on a −1…1 scale) decide a purchase. */
const STANDING_MARGIN = 0.3;
/** Prices this much apart (share of the higher) decide a value seeker; ratings this far apart. */
const PRICE_MARGIN = 0.1;
const RATING_MARGIN = 0.2;

export const clicksOf = (prior: Partial<StageOutputs>): Winner => prior.ctr?.winner ?? 'tie';

/** Gallery and copy: pdp and text weighted as in the verdict, the same tie margin. */
export function conversion(prior: Partial<StageOutputs>): { winner: Winner; score: Record<Side, number> } | null {
  const present = SALE_STAGES.filter((s) => prior[s]);
  if (present.length === 0) return null;
  const total = present.reduce((n, s) => n + STAGE_WEIGHTS[s], 0);
  const side = (x: Side) => roundTo(present.reduce((n, s) => n + STAGE_WEIGHTS[s] * meanOf(Object.values(prior[s]!.listings[x].scores)), 0) / total, SCORE_DECIMALS);
  const score = { A: side('A'), B: side('B') };
  return { winner: winnerOf(score.A, score.B), score };
}

/** ", so the gallery and copy decide (B scores 6.1 against 5.4)", or why they cannot. */
function conversionClause(prior: Partial<StageOutputs>): { buys: Winner; text: string } {
  const c = conversion(prior);
  if (!c) return { buys: 'tie', text: ', and the gallery and copy were not scored' };
  if (c.winner === 'tie') return { buys: 'tie', text: ', and the gallery and copy do not separate them either' };
  const w = c.winner;
  return { buys: w, text: `, so the gallery and copy decide (${w} scores ${c.score[w].toFixed(1)} against ${c.score[other(w)].toFixed(1)})` };
}

const copyWords = (l: Listing) => [...new Set(words([l.title, ...l.bullets].join(' ').toLowerCase()))];

/**
 * Does this listing's title or bullets speak to the theme? The rules engine's review-coverage
 * finding when the listing's own reviews raise it; otherwise the same measurement made here.
 */
export function addressed(input: StageInput, t: Theme, side: Side): boolean {
  const own = t[side];
  if (own) {
    const f = input.acquired.facts[side].findings.find(
      (x) => /\.reviews\.aspect_(un)?addressed\./.test(`.${x.id}`) && (x.measured?.['aspect'] === own.aspect.name || x.message.includes(`"${own.aspect.name}"`)),
    );
    if (f) return /\.reviews\.aspect_addressed\./.test(`.${f.id}`);
  }
  const aspect = (own ?? t[other(side)]!).aspect;
  return aspectCoverage(aspect, copyWords(input.acquired[side].listing)).by !== null;
}

/** −1 (every mention negative) … 1 (every mention positive); 0 unmentioned; null with no reviews. */
function standing(s: SideTheme | undefined, reviewed: boolean): number | null {
  if (!s) return reviewed ? 0 : null;
  const a = s.aspect;
  return a.mentions > 0 ? (a.positive - a.negative) / a.mentions : 0;
}

function reviewsWhy(t: Theme, w: Side, name: string): string {
  const l = other(w);
  const lw = t[w]?.aspect;
  const ll = t[l]?.aspect;
  if (ll && ll.negative > 0 && ll.positive < ll.negative) {
    const rest = lw ? `, ${w}'s ${times(lw.negative)} in ${lw.mentions}` : `; ${w}'s reviews never raise it`;
    return `${l}'s own reviews complain about ${name} ${times(ll.negative)} in ${mentions(ll.mentions)}${rest}`;
  }
  const rest = ll ? `, ${l}'s ${times(ll.positive)} in ${ll.mentions}` : `; ${l}'s reviews never raise it`;
  return `${w}'s reviews praise ${name} ${times(lw?.positive ?? 0)} in ${mentions(lw?.mentions ?? 0)}${rest}`;
}

function withClick(clicks: Winner, buys: Winner, body: string): string {
  const clause = clicks !== 'tie' && clicks !== buys ? `; ${clicks}'s main image still wins the click` : '';
  return `${body}${clause}.`;
}

/** A persona built around a review theme decides on that theme first. */
export function decideTheme(input: StageInput, t: Theme, reviewed: Readonly<Record<Side, boolean>>): Decision {
  const clicks = clicksOf(input.prior);
  const name = lowerName(t.name);
  const copy = { A: addressed(input, t, 'A'), B: addressed(input, t, 'B') };
  if (copy.A !== copy.B) {
    const w: Side = copy.A ? 'A' : 'B';
    const l = other(w);
    const lNeg = t[l]?.aspect.negative ?? 0;
    const wNeg = t[w]?.aspect.negative ?? 0;
    const wMentions = t[w]?.aspect.mentions ?? 0;
    const rest = lNeg > 0 ? `; ${l}'s own reviews complain about it ${times(lNeg)}` : wNeg > 0 && 3 * wNeg >= wMentions ? `, though ${w}'s own reviews complain about it ${times(wNeg)}` : '';
    return { clicks, buys: w, why: withClick(clicks, w, `Only ${w}'s title or bullets mention ${name}${rest}`) };
  }
  const sA = standing(t.A, reviewed.A);
  const sB = standing(t.B, reviewed.B);
  if (sA !== null && sB !== null && Math.abs(sA - sB) >= STANDING_MARGIN) {
    const w: Side = sA > sB ? 'A' : 'B';
    return { clicks, buys: w, why: withClick(clicks, w, reviewsWhy(t, w, name)) };
  }
  const copyText = copy.A ? `Both listings' titles or bullets mention ${name}` : `Neither listing's title or bullets mention ${name}`;
  const unreviewed: Side | null = sA === null ? 'A' : sB === null ? 'B' : null;
  const reviewsText = unreviewed ? `only ${other(unreviewed)}'s reviews discuss it` : 'the reviews do not separate them';
  const c = conversionClause(input.prior);
  return { clicks, buys: c.buys, why: withClick(clicks, c.buys, `${copyText} and ${reviewsText}${c.text}`) };
}

/** The three kinds of shopper a category default persona is (see avatars.ts). */
export type Role = 0 | 1 | 2;

function valueDecision(input: StageInput): { buys: Winner; text: string } | null {
  const a = input.acquired.A.listing;
  const b = input.acquired.B.listing;
  if (a.price !== undefined && b.price !== undefined && Math.max(a.price, b.price) > 0) {
    if (Math.abs(a.price - b.price) / Math.max(a.price, b.price) >= PRICE_MARGIN) {
      const w: Side = a.price < b.price ? 'A' : 'B';
      const [pw, pl] = w === 'A' ? [a.price, b.price] : [b.price, a.price];
      return { buys: w, text: `${w} costs ${pw.toFixed(2)} against ${pl.toFixed(2)}` };
    }
  }
  if (a.rating !== undefined && b.rating !== undefined && Math.abs(a.rating - b.rating) >= RATING_MARGIN) {
    const w: Side = a.rating > b.rating ? 'A' : 'B';
    const [rw, rl] = w === 'A' ? [a.rating, b.rating] : [b.rating, a.rating];
    return { buys: w, text: `${w} is rated ${rw.toFixed(1)} stars against ${rl.toFixed(1)}` };
  }
  return null;
}

/** A category default persona decides the way its kind of shopper does. */
export function decideDefault(input: StageInput, role: Role): Decision {
  const clicks = clicksOf(input.prior);
  if (role === 0) {
    if (clicks !== 'tie') return { clicks, buys: clicks, why: `Decides from the thumbnail in seconds, and ${clicks}'s main image measures better.` };
    const c = conversionClause(input.prior);
    return { clicks, buys: c.buys, why: `The thumbnails are too close to call${c.text}.` };
  }
  if (role === 1) {
    const c = conversionClause(input.prior);
    return { clicks, buys: c.buys, why: withClick(clicks, c.buys, `Reads every bullet and zooms into the gallery before buying${c.text}`) };
  }
  const v = valueDecision(input);
  if (v) return { clicks, buys: v.buys, why: withClick(clicks, v.buys, v.text) };
  const c = conversionClause(input.prior);
  return { clicks, buys: c.buys, why: withClick(clicks, c.buys, `Price and rating do not separate them${c.text}`) };
}
