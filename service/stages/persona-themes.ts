import type { Listing, ReviewAspect, Side } from '../domain/listing.ts';
import { compareText } from '../domain/scoring.ts';

/**
 * Review themes for the offline personas: the same theme (its name, case and spacing aside) in
 * both listings' reviews is one theme that keeps each listing's own counts and quote. Everything
 * here is symmetric in A and B: themes are ordered by content, and when a text names both
 * listings it names them in an order decided by content (or not at all when they are alike), so
 * swapping the listings only swaps the letters.
 */

export interface SideTheme {
  readonly aspect: ReviewAspect;
  /** A real review snippet of this listing, or its summary of the theme; '' when it has neither. */
  readonly quote: string;
}

export interface Theme {
  readonly key: string;
  /** The theme's name as reviews give it (of the two spellings, the first in code-unit order). */
  readonly name: string;
  readonly A?: SideTheme | undefined;
  readonly B?: SideTheme | undefined;
  readonly tone: 'concern' | 'praise' | 'mixed';
  readonly mentions: number;
  readonly negative: number;
  readonly positive: number;
}

export const other = (s: Side): Side => (s === 'A' ? 'B' : 'A');
/** At most n characters, cut between words ("…" marks the cut). */
export function clip(s: string, n: number): string {
  if (s.length <= n) return s;
  const cut = s.slice(0, n);
  const space = cut.lastIndexOf(' ');
  return `${(space > n / 2 ? cut.slice(0, space) : cut.slice(0, n - 1)).trimEnd()}…`;
}
export const mentions = (n: number) => `${n} mention${n === 1 ? '' : 's'}`;
export const times = (n: number) => `${n} time${n === 1 ? '' : 's'}`;
const keyOf = (name: string) => name.trim().replace(/\s+/g, ' ').toLowerCase();

/** "Strap durability" → "strap durability"; an acronym ("USB port") keeps its case. */
export function lowerName(name: string): string {
  return /^\p{Lu}\p{Ll}/u.test(name) ? name.charAt(0).toLowerCase() + name.slice(1) : name;
}

function quoteOf(a: ReviewAspect): string {
  const snippet = a.snippets.map((s) => s.trim()).find((s) => s.length > 0);
  return clip((snippet ?? a.summary.trim()).replace(/\s+/g, ' '), 140);
}

/** A listing's review themes by key, the first of each name (a listing rarely repeats one). */
function sideThemes(listing: Listing): Map<string, SideTheme> {
  const out = new Map<string, SideTheme>();
  for (const aspect of listing.reviewInsights?.aspects ?? []) {
    const key = keyOf(aspect.name);
    if (key && !out.has(key)) out.set(key, { aspect, quote: quoteOf(aspect) });
  }
  return out;
}

export function hasReviews(listing: Listing): boolean {
  return sideThemes(listing).size > 0;
}

/** Which listing's side of a theme comes first in a text: present, more mentions, more negative … */
function compareSideTheme(x: SideTheme | undefined, y: SideTheme | undefined): number {
  if (!x || !y) return Number(!x) - Number(!y);
  const a = x.aspect;
  const b = y.aspect;
  return b.mentions - a.mentions || b.negative - a.negative || b.positive - a.positive || compareText(a.sentiment, b.sentiment) || compareText(x.quote, y.quote);
}

/** The two listings in the order a text about the theme names them; null when their sides are alike. */
export function sideOrder(t: Theme): readonly [Side, Side] | null {
  const c = compareSideTheme(t.A, t.B);
  return c === 0 ? null : c < 0 ? ['A', 'B'] : ['B', 'A'];
}

function toneOf(sides: readonly SideTheme[], negative: number, positive: number): Theme['tone'] {
  if (sides.some((s) => s.aspect.sentiment === 'NEGATIVE') || negative > positive) return 'concern';
  if ((positive > 0 && positive >= 2 * negative) || sides.every((s) => s.aspect.sentiment === 'POSITIVE')) return 'praise';
  return 'mixed';
}

/** Themes of both listings' reviews: concerns first, then by negative mentions, mentions, name. */
export function mergeThemes(A: Listing, B: Listing): Theme[] {
  const a = sideThemes(A);
  const b = sideThemes(B);
  const keys = [...new Set([...a.keys(), ...b.keys()])];
  const themes = keys.map((key): Theme => {
    const sa = a.get(key);
    const sb = b.get(key);
    const present = [sa, sb].filter((s): s is SideTheme => s !== undefined);
    const names = present.map((s) => s.aspect.name.trim().replace(/\s+/g, ' ')).sort(compareText);
    const sum = (f: (x: ReviewAspect) => number) => present.reduce((n, s) => n + f(s.aspect), 0);
    const negative = sum((x) => x.negative);
    const positive = sum((x) => x.positive);
    return { key, name: clip(names[0] ?? key, 60), A: sa, B: sb, tone: toneOf(present, negative, positive), mentions: sum((x) => x.mentions), negative, positive };
  });
  const rank = { concern: 0, mixed: 1, praise: 1 } as const;
  return themes.sort((x, y) => rank[x.tone] - rank[y.tone] || y.negative - x.negative || y.mentions - x.mentions || compareText(x.key, y.key));
}

/** Whose reviews the theme's quote comes from. */
export function fromOf(t: Theme): 'A' | 'B' | 'both' {
  return t.A && t.B ? 'both' : t.A ? 'A' : 'B';
}

/** The theme's quote(s), each attributed when the two listings' reviews say different things. */
export function citationOf(t: Theme): string {
  const order = sideOrder(t);
  if (!order) return t.A?.quote ?? '';
  const parts = order.flatMap((s) => {
    const q = t[s]?.quote;
    return q ? [{ s, q }] : [];
  });
  if (parts.length === 2 && parts[0]!.q === parts[1]!.q) return parts[0]!.q;
  if (parts.length === 1 && fromOf(t) !== 'both') return parts[0]!.q;
  return parts.map((p) => `${p.s}: ${p.q}`).join(' · ');
}

const negatives = (n: number) => (n === 0 ? 'none negative' : `${n} negative`);

/** "Strap durability: 64 mentions in A's reviews, 44 negative; 41 in B's, 35 negative." */
export function countsText(t: Theme, reviewed: Readonly<Record<Side, boolean>>): string {
  const order = sideOrder(t);
  if (!order) {
    const a = t.A!.aspect;
    return `${t.name}: ${mentions(a.mentions)} in each listing's reviews, ${negatives(a.negative)}.`;
  }
  const [first, second] = order;
  const a = t[first]!.aspect;
  const b = t[second]?.aspect;
  const rest = b ? `${b.mentions} in ${second}'s, ${negatives(b.negative)}` : reviewed[second] ? `none in ${second}'s` : `${second} has no review insights`;
  return `${t.name}: ${mentions(a.mentions)} in ${first}'s reviews, ${negatives(a.negative)}; ${rest}.`;
}
