import { TextOutputSchema, type TextOutput } from '../domain/stage-outputs.ts';
import type { Listing } from '../domain/listing.ts';
import type { SideFacts } from './acquired.ts';
import { clamp10, compareSides, factsText, findingsOf, has, hasPrefix, toEvidence, NO_DETAIL } from './offline.ts';
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

function offlineSide(f: SideFacts, listing: Listing): TextOutput['listings']['A'] {
  const titleRules = 10 - Object.entries(TITLE_PENALTIES).reduce((s, [id, p]) => s + (has(f, id) ? p : 0), 0);
  const chars = [...listing.title].length;
  // A title a shopper can parse at a glance: long enough to say what it is, short enough to read.
  const clarity = (chars < 20 ? 5 : chars <= f.titleMax ? 9 : chars <= 2 * f.titleMax ? 6 : 4) - (has(f, 'title.repeated_words') ? 1 : 0) - (has(f, 'title.all_caps') ? 1 : 0) + (listing.description ? 1 : 0);
  const aspects = listing.reviewInsights?.aspects ?? [];
  const addressed = f.findings.filter((x) => x.id.includes('.reviews.aspect_addressed.')).length;
  const reviewAlignment = aspects.length ? (10 * addressed) / aspects.length : 5;
  const copy = [listing.title, ...listing.bullets].join(' ').toLowerCase();
  const distinctWords = new Set(copy.match(/[\p{L}\p{N}]{3,}/gu) ?? []).size;
  // Keyword coverage: review themes found in the copy when there are any, else vocabulary breadth.
  const keywords = aspects.length ? 2 + (8 * addressed) / aspects.length : Math.min(10, distinctWords / 6);
  const n = listing.bullets.length;
  const bullets = (n >= 5 ? 10 : n * 2) - (has(f, 'bullets.too_short') ? 2 : 0) - (has(f, 'bullets.too_long') ? 1 : 0) - (hasPrefix(f, 'bullets.promo') && has(f, 'bullets.promo_words') ? 1 : 0);
  const evidence = findingsOf(f, ['title', 'bullets', 'description', 'reviews']).map(toEvidence).slice(0, 20);
  return {
    scores: {
      title_rules: clamp10(titleRules),
      clarity: clamp10(clarity),
      keywords: clamp10(keywords),
      review_alignment: clamp10(reviewAlignment),
      bullets: clamp10(bullets),
    },
    evidence: evidence.length ? evidence : [{ id: 'text_0', observation: `Title of ${chars} characters`, effect: 'neutral', fix: null, impact: null, ease: null, ...NO_DETAIL }],
  };
}

export function textOffline(input: StageInput): TextOutput {
  const { A: a, B: b, facts } = input.acquired;
  const A = offlineSide(facts.A, a.listing);
  const B = offlineSide(facts.B, b.listing);
  const { sa, sb, winner } = compareSides(A, B);
  const problems = (f: SideFacts) => f.findings.filter((x) => ['title', 'bullets'].includes(x.kind) && (x.severity === 'major' || x.severity === 'critical')).length;
  const summary = `Copy: A has ${problems(facts.A)} major rule problem(s), B has ${problems(facts.B)} (rule set ${facts.A.ruleSet}, title limit ${facts.A.titleMax}); ${winner === 'tie' ? 'neither reads clearly better' : `${winner}'s copy wins`} (A ${sa.toFixed(1)}, B ${sb.toFixed(1)}).`;
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
