import type { Listing, ReviewAspect } from '../../domain/listing.ts';
import type { Finding, Severity } from './findings.ts';
import { finding } from './findings.ts';
import { contentTerms, keyTerms, similarWord, slug, words } from './text-utils.ts';

/**
 * Does the copy answer what buyers talk about? For each review aspect, look for its name's words
 * (or, failing that, the terms reviewers repeat in its summary and snippets) in the title and
 * bullets — the copy a shopper reads before deciding. Negative aspects left unaddressed are the
 * costly gaps: the objection stands and nothing on the page answers it.
 */

const UNADDRESSED: Readonly<Record<ReviewAspect['sentiment'], Severity>> = { NEGATIVE: 'major', MIXED: 'minor', POSITIVE: 'minor', NEUTRAL: 'info' };

export interface AspectCoverage {
  readonly aspect: ReviewAspect;
  readonly nameTerms: readonly string[];
  readonly keyTerms: readonly string[];
  /** The listing words that matched, empty when unaddressed. */
  readonly matched: readonly string[];
  readonly by: 'name' | 'key_terms' | null;
}

export function aspectCoverage(aspect: ReviewAspect, copyWords: readonly string[]): AspectCoverage {
  const nameTerms = contentTerms(aspect.name);
  const key = keyTerms([aspect.summary, ...aspect.snippets]).filter((t) => !nameTerms.includes(t));
  // For each term, the first copy word that matches it (what the seller actually wrote).
  const hits = (terms: readonly string[]) => terms.flatMap((t) => copyWords.find((w) => similarWord(t, w)) ?? []);
  const byName = hits(nameTerms);
  if (byName.length > 0) return { aspect, nameTerms, keyTerms: key, matched: [...new Set(byName)], by: 'name' };
  const byKey = hits(key);
  if (key.length > 0 && byKey.length >= Math.min(2, key.length)) return { aspect, nameTerms, keyTerms: key, matched: [...new Set(byKey)], by: 'key_terms' };
  return { aspect, nameTerms, keyTerms: key, matched: [], by: null };
}

export function checkReviewCoverage(listing: Listing): Finding[] {
  const aspects = listing.reviewInsights?.aspects ?? [];
  if (aspects.length === 0) {
    return [finding('reviews.no_insights', 'reviews', 'info', 'No review insights for this listing; coverage of buyer concerns was not measured', { aspects: 0 })];
  }
  const copyWords = [...new Set(words([listing.title, ...listing.bullets].join(' ').toLowerCase()))];
  const coverage = aspects.map((a) => aspectCoverage(a, copyWords));
  const out: Finding[] = [];
  const seen = new Map<string, number>();
  for (const c of coverage) {
    const base = slug(c.aspect.name);
    const dup = (seen.get(base) ?? 0) + 1;
    seen.set(base, dup);
    const id = dup === 1 ? base : `${base}_${dup}`;
    const a = c.aspect;
    const tone = `${a.sentiment.toLowerCase()}, ${a.mentions} mention${a.mentions === 1 ? '' : 's'}${a.negative > 0 ? `, ${a.negative} negative` : ''}`;
    const measured = { aspect: a.name, sentiment: a.sentiment, mentions: a.mentions, negative: a.negative, positive: a.positive, addressed: c.by !== null };
    if (c.by !== null) {
      out.push(finding(`reviews.aspect_addressed.${id}`, 'reviews', 'info',
        `Review theme "${a.name}" (${tone}) is addressed in the title/bullets (${c.matched.join(', ')})`, { ...measured, matched: c.matched.join(', ') }));
    } else {
      const looked = [...c.nameTerms, ...c.keyTerms].join(', ') || a.name;
      const why = a.sentiment === 'NEGATIVE' ? '; the objection stands unanswered' : a.sentiment === 'POSITIVE' ? '; a strength buyers value goes unsaid' : '';
      out.push(finding(`reviews.aspect_unaddressed.${id}`, 'reviews', UNADDRESSED[a.sentiment],
        `Reviews raise "${a.name}" (${tone}) but the title and bullets never address it (looked for: ${looked})${why}`, measured));
    }
  }
  const negatives = coverage.filter((c) => c.aspect.sentiment === 'NEGATIVE');
  const addressed = coverage.filter((c) => c.by !== null).length;
  const negAddressed = negatives.filter((c) => c.by !== null).length;
  const severity: Severity = negAddressed < negatives.length ? 'minor' : 'info';
  out.unshift(finding('reviews.coverage', 'reviews', severity,
    `${addressed} of ${coverage.length} review themes are addressed in the title and bullets${negatives.length > 0 ? `; negative themes: ${negAddressed} of ${negatives.length}` : ''}`,
    { aspects: coverage.length, addressed, negative: negatives.length, negativeAddressed: negAddressed }));
  return out;
}
