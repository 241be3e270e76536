import { TextOutputSchema, type TextOutput } from '../domain/stage-outputs.ts';
import type { Listing } from '../domain/listing.ts';
import type { FactFinding, SideFacts } from './acquired.ts';
import { bare, bothSay, clamp10, compareSides, factsText, findingsOf, has, meanOf, measuredNum, scoresText, toEvidence, without, NO_DETAIL } from './offline.ts';
import { reviewThemes } from './pdp.ts';
import type { StageDefinition, StageInput } from './stage.ts';

/** Stage 3: title, bullets and description A vs B. */

const TITLE_PENALTIES: Record<string, number> = {
  'title.too_long': 4,
  'title.promo_words': 3,
  'title.banned_chars': 3,
  'title.repeated_words': 2,
  'title.all_caps': 1,
  'title.decorative_chars': 1,
  'title.symbols': 1,
  'title.over_upcoming_limit': 1,
};

/** What the copy scores are computed from: the findings plus these measurements of the listing. */
interface CopyMeasures {
  readonly titleChars: number;
  readonly bullets: number;
  readonly description: boolean;
  readonly aspects: number;
  readonly addressed: number;
  readonly distinctWords: number;
}

function measure(f: SideFacts, listing: Listing): CopyMeasures {
  const copy = [listing.title, ...listing.bullets].join(' ').toLowerCase();
  return {
    titleChars: [...listing.title].length,
    bullets: listing.bullets.length,
    description: listing.description.trim() !== '',
    aspects: listing.reviewInsights?.aspects.length ?? 0,
    addressed: f.findings.filter((x) => x.id.includes('.reviews.aspect_addressed.')).length,
    distinctWords: new Set(copy.match(/[\p{L}\p{N}]{3,}/gu) ?? []).size,
  };
}

/** The copy's scores (the same function scores a fix's outcome). */
function scoreSide(f: SideFacts, c: CopyMeasures): Scores {
  // Each broken rule takes its share of what is left (not a flat sum clamped at 0), so a title that
  // breaks many rules still gains from fixing any one of them, and the order they are fixed in does not matter.
  const titleRules = Object.entries(TITLE_PENALTIES).reduce((s, [id, p]) => (has(f, id) ? s * (1 - p / 10) : s), 10);
  // A title a shopper can parse at a glance: long enough to say what it is, short enough to read.
  // A description counts when a buyer gets one of a useful length (not a stub, not cut off).
  const description = c.description && !has(f, 'description.short') && !has(f, 'description.too_long');
  const clarity = (c.titleChars < 20 ? 5 : c.titleChars <= f.titleMax ? 9 : c.titleChars <= 2 * f.titleMax ? 6 : 4) - (has(f, 'title.repeated_words') ? 1 : 0) - (has(f, 'title.all_caps') ? 1 : 0) + (description ? 1 : 0);
  const reviewAlignment = c.aspects ? (10 * c.addressed) / c.aspects : 5;
  // Keyword coverage: review themes found in the copy when there are any, else vocabulary breadth.
  const keywords = c.aspects ? 2 + (8 * c.addressed) / c.aspects : Math.min(10, c.distinctWords / 6);
  const n = c.bullets;
  const bullets = (n >= 5 ? 10 : n * 2) - (has(f, 'bullets.too_short') ? 2 : 0) - (has(f, 'bullets.too_long') ? 1 : 0) - (has(f, 'bullets.promo_words') ? 1 : 0) - (has(f, 'bullets.special_chars') ? 1 : 0);
  return { title_rules: clamp10(titleRules), clarity: clamp10(clarity), keywords: clamp10(keywords), review_alignment: clamp10(reviewAlignment), bullets: clamp10(bullets) };
}

type Scores = TextOutput['listings']['A']['scores'];

/** This side's stage score with one finding resolved: the finding gone and its measurement at the fix's target. */
function rescore(f: SideFacts, c: CopyMeasures, x: FactFinding): number | null {
  const id = bare(x.id);
  const patch: Partial<CopyMeasures> | null =
    id === 'title.too_long' ? { titleChars: Math.min(c.titleChars, measuredNum(x, 'titleMax', f.titleMax)) }
    : id === 'title.over_upcoming_limit' ? { titleChars: Math.min(c.titleChars, measuredNum(x, 'upcomingMax', f.titleMax)) }
    : id === 'bullets.missing' || id === 'bullets.count_low' ? { bullets: Math.max(c.bullets, measuredNum(x, 'recommended', 5)) }
    : id === 'description.missing' ? { description: true }
    : id.startsWith('reviews.aspect_unaddressed.') ? { addressed: Math.min(c.aspects, c.addressed + 1) }
    : id in TITLE_PENALTIES || id.startsWith('bullets.') || id.startsWith('description.') ? {}
    : null;
  return patch ? meanOf(Object.values(scoreSide(without(f, x), { ...c, ...patch }))) : null;
}

function offlineSide(f: SideFacts, listing: Listing): TextOutput['listings']['A'] {
  const c = measure(f, listing);
  const evidence = findingsOf(f, ['title', 'bullets', 'description', 'reviews']).map((x) => toEvidence(x, (y) => rescore(f, c, y))).slice(0, 20);
  return {
    scores: scoreSide(f, c),
    evidence: evidence.length ? evidence : [{ id: 'text_0', observation: `Title of ${c.titleChars} characters`, effect: 'neutral', fix: null, impact: null, ease: null, ...NO_DETAIL }],
  };
}

const problems = (n: number) => `${n} major rule problem${n === 1 ? '' : 's'}`;

export function textOffline(input: StageInput): TextOutput {
  const { A: a, B: b, facts } = input.acquired;
  const A = offlineSide(facts.A, a.listing);
  const B = offlineSide(facts.B, b.listing);
  const { sa, sb, winner } = compareSides(A, B);
  const major = (f: SideFacts) => f.findings.filter((x) => ['title', 'bullets'].includes(x.kind) && (x.severity === 'major' || x.severity === 'critical')).length;
  // Each listing is judged by its own category's title limit; say it once when they share it.
  const sameLimit = facts.A.titleMax === facts.B.titleMax;
  const said = (f: SideFacts) => `${problems(major(f))}${sameLimit ? '' : ` under a ${f.titleMax}-character title limit`}`;
  const score = { A: sa, B: sb };
  const limit = sameLimit ? ` (title limit ${facts.A.titleMax} characters)` : '';
  const summary = `Copy: ${bothSay(score, { A: said(facts.A), B: said(facts.B) })}${limit}; ${winner === 'tie' ? 'neither reads clearly better' : `${winner}'s copy wins`} ${scoresText(score)}.`;
  return { listings: { A, B }, winner, summary: summary.slice(0, 600) };
}

const bulletList = (l: Listing) => (l.bullets.length ? l.bullets.map((b) => `- ${b}`).join('\n') : '- (none)');

export const textStage: StageDefinition<'text'> = {
  name: 'text',
  schema: TextOutputSchema,
  schemaName: 'text_evaluation',
  maxOutputTokens: 2_500,
  images: () => [],
  variables: (input: StageInput) => {
    const { A, B, facts } = input.acquired;
    return {
      rule_set: facts.A.ruleSet,
      title_max: String(facts.A.titleMax),
      title_a: A.listing.title,
      title_b: B.listing.title,
      bullets_a: bulletList(A.listing),
      bullets_b: bulletList(B.listing),
      description_a: A.listing.description || '(none)',
      description_b: B.listing.description || '(none)',
      review_themes: reviewThemes([A.listing, B.listing]),
      facts: factsText(facts, ['title', 'bullets', 'description', 'reviews']),
    };
  },
  offline: textOffline,
};
