/**
 * Word-level helpers for the text rules: tokenising, the function words Amazon exempts from the
 * repetition rule, light fuzzy matching of review terms against listing copy. Pure.
 */

/** Prepositions, articles and conjunctions: exempt from "no word more than twice". */
export const FUNCTION_WORDS: ReadonlySet<string> = new Set([
  'a', 'an', 'the', 'and', 'or', 'but', 'nor', 'for', 'so', 'yet', 'of', 'in', 'on', 'at', 'to', 'by',
  'with', 'from', 'into', 'onto', 'over', 'under', 'up', 'down', 'out', 'off', 'about', 'above', 'below',
  'after', 'before', 'between', 'through', 'during', 'without', 'within', 'per', 'via', 'as', 'than',
  'vs', 'plus', 'if', 'while', 'because', 'both', 'either', 'neither', 'around', 'across', 'inside',
  'outside', 'near', 'against', 'along', 'behind', 'beside', 'beyond', 'toward', 'towards', 'upon',
]);

/** Words that carry no topic in review text ("great product, works well"). */
const FILLER = new Set([
  ...FUNCTION_WORDS,
  'this', 'that', 'these', 'those', 'it', 'its', 'is', 'are', 'was', 'were', 'be', 'been', 'being', 'have', 'has',
  'had', 'do', 'does', 'did', 'not', 'no', 'very', 'really', 'just', 'also', 'too', 'much', 'more', 'most',
  'some', 'any', 'all', 'one', 'two', 'get', 'got', 'would', 'could', 'should', 'will', 'can', 'my', 'our',
  'your', 'they', 'them', 'their', 'we', 'you', 'he', 'she', 'his', 'her', 'i', 'me', 'product', 'item',
  'great', 'good', 'bad', 'nice', 'like', 'love', 'well', 'works', 'work', 'use', 'used', 'using', 'buy',
  'bought', 'after', 'only', 'even', 'still', 'what', 'when', 'which', 'who', 'there', 'here', 'than',
  'then', 'other', 'customers', 'customer', 'say', 'says', 'said', 'find', 'found', 'mention', 'mentions',
  'overall', 'however', 'some', 'many', 'few', 'people', 'reviewers', 'others',
]);

const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu;

export function words(text: string): string[] {
  return text.match(WORD) ?? [];
}

/** Characters as a shopper counts them (code points, so an emoji is one). */
export function charCount(text: string): number {
  return [...text].length;
}

/** Content words of a phrase, lower case, at least 3 characters, no filler. */
export function contentTerms(text: string): string[] {
  return [...new Set(words(text.toLowerCase()).filter((w) => w.length >= 3 && !FILLER.has(w) && !/^\d+$/.test(w)))];
}

/** The most frequent content words (at least `minCount` times) of some texts, most frequent first. */
export function keyTerms(texts: readonly string[], top = 3, minCount = 2): string[] {
  const counts = new Map<string, number>();
  for (const text of texts) {
    for (const w of words(text.toLowerCase())) {
      if (w.length < 3 || FILLER.has(w) || /^\d+$/.test(w)) continue;
      counts.set(w, (counts.get(w) ?? 0) + 1);
    }
  }
  return [...counts].filter(([, c]) => c >= minCount).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, top).map(([w]) => w);
}

/**
 * Same word up to inflection: "zipper"/"zippers", "durable"/"durability", "colour"/"color".
 * Words under 4 letters must match exactly or by a plural "s".
 */
export function similarWord(a: string, b: string): boolean {
  if (a === b) return true;
  if (a.length < 4 || b.length < 4) return a + 's' === b || b + 's' === a;
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  return prefix >= Math.max(4, Math.min(a.length, b.length) - 2);
}

/** A stable id fragment: "Value for money" → "value_for_money". */
export function slug(text: string): string {
  const s = text.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 40);
  return s === '' ? 'aspect' : s;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Each phrase's whole-word pattern, compiled once: the rule lists are fixed, and compiling a
 * Unicode pattern per phrase per listing was ~1.5 ms of a comparison's acquisition (issue 22).
 */
const wholeWord = new Map<string, RegExp>();

function wholeWordPattern(phrase: string): RegExp {
  let re = wholeWord.get(phrase);
  if (!re) {
    re = new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(phrase)}(?![\\p{L}\\p{N}])`, 'u');
    // Phrases come from the rule lists (a few hundred); a bound keeps a caller's own from piling up.
    if (wholeWord.size >= 5_000) wholeWord.clear();
    wholeWord.set(phrase, re);
  }
  return re;
}

/** Phrases from `phrases` found in `text` as whole words (case-insensitive), in list order. */
export function findPhrases(text: string, phrases: readonly string[]): string[] {
  const lower = text.toLowerCase();
  return phrases.filter((p) => wholeWordPattern(p).test(lower));
}

/** Drops phrases contained in a longer found phrase ("sale" inside "hot sale"). */
export function longestPhrases(found: readonly string[]): string[] {
  return found.filter((p) => !found.some((q) => q !== p && q.includes(p)));
}
