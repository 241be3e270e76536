import type { Listing } from '../../domain/listing.ts';
import { checkBullets, checkDescription } from './copy-rules.ts';
import type { Finding } from './findings.ts';
import { finding } from './findings.ts';
import { checkReviewCoverage } from './review-coverage.ts';
import type { RuleSet } from './rule-sets.ts';
import { nextRuleSetAfter, ruleSetFor } from './rule-sets.ts';
import { charCount, findPhrases, FUNCTION_WORDS, longestPhrases, words } from './text-utils.ts';

/**
 * Amazon's text rules applied to a listing on a given date (the rule set is chosen by date and
 * category; see rule-sets.ts). Total: never throws, whatever the listing holds.
 */
export function checkText(listing: Listing, date: Date): Finding[] {
  const rules = ruleSetFor(date, listing.category);
  return [
    ...checkTitle(listing.title, rules, nextRuleSetAfter(date, listing.category)),
    ...checkBullets(listing.bullets, rules),
    ...checkDescription(listing.description, rules),
    ...checkReviewCoverage(listing),
  ];
}

export function checkTitle(title: string, rules: RuleSet, upcoming?: RuleSet): Finding[] {
  return [length(title, rules, upcoming), ...characters(title, rules), promo(title, rules), repetition(title, rules), caps(title, rules)];
}

function length(title: string, rules: RuleSet, upcoming: RuleSet | undefined): Finding {
  const chars = charCount(title);
  const measured = { chars, titleMax: rules.titleMax, ruleSet: rules.version, mediaCategory: rules.mediaCategory };
  if (chars > rules.titleMax) {
    return finding('title.too_long', 'title', 'major',
      `Title is ${chars} characters; Amazon's limit is ${rules.titleMax}${rules.mediaCategory ? ' (media category)' : ''}: ${chars - rules.titleMax} over, so Amazon may suppress or rewrite it`, measured);
  }
  if (upcoming !== undefined && chars > upcoming.titleMax) {
    return finding('title.over_upcoming_limit', 'title', 'minor',
      `Title is ${chars} characters: within ${rules.titleMax} now, but over the ${upcoming.titleMax}-character limit from ${upcoming.effectiveFrom}`,
      { ...measured, upcomingMax: upcoming.titleMax, upcomingRuleSet: upcoming.version, upcomingFrom: upcoming.effectiveFrom });
  }
  return finding('title.length_ok', 'title', 'info', `Title is ${chars} characters (Amazon's limit is ${rules.titleMax})`, measured);
}

/**
 * ~ # < > * are fine as identifiers or measurements ("Style #4301", "<10 lb", "~5 kg", "10*20 cm");
 * anywhere else they are decoration.
 */
function decorativeUses(title: string, rules: RuleSet): string[] {
  const found: string[] = [];
  const chars = [...title];
  for (const [i, c] of chars.entries()) {
    if (!rules.titleContextChars.includes(c)) continue;
    // Bounded look-around keeps this linear in the title length.
    const after = chars.slice(i + 1, i + 8).join('');
    const before = chars.slice(Math.max(0, i - 8), i).join('');
    const digitAfter = /^\s*\d/.test(after);
    const ok = c === '*' ? digitAfter && /\d\s*$/.test(before) : digitAfter;
    if (!ok) found.push(c);
  }
  return found;
}

function characters(title: string, rules: RuleSet): Finding[] {
  const banned = [...new Set([...title].filter((c) => rules.titleBannedChars.includes(c)))];
  const decorative = [...new Set(decorativeUses(title, rules))];
  const symbols = [...new Set(title.match(/[©®™]|\p{Extended_Pictographic}/gu) ?? [])];
  const out: Finding[] = [];
  if (banned.length > 0) {
    out.push(finding('title.banned_chars', 'title', 'major',
      `Title uses ${banned.map((c) => `"${c}"`).join(' ')}; Amazon does not allow ${rules.titleBannedChars.join(' ')} in titles`, { banned: banned.join(' '), count: banned.length, bannedList: rules.titleBannedChars.join(' ') }));
  }
  if (decorative.length > 0) {
    out.push(finding('title.decorative_chars', 'title', 'minor',
      `Title uses ${decorative.map((c) => `"${c}"`).join(' ')} as decoration; ${rules.titleContextChars.join(' ')} are allowed only in identifiers or measurements ("Style #4301", "<10 lb")`,
      { decorative: decorative.join(' '), count: decorative.length }));
  }
  if (symbols.length > 0) {
    out.push(finding('title.symbols', 'title', 'minor', `Title contains ${symbols.join(' ')}; Amazon asks for no ©, ®, ™ or emoji in titles`, { symbols: symbols.join(' ') }));
  }
  if (out.length === 0) {
    out.push(finding('title.chars_ok', 'title', 'info', `Title uses none of the banned characters (${rules.titleBannedChars.join(' ')}) and no decorative symbols`, { banned: '' }));
  }
  return out;
}

function promo(title: string, rules: RuleSet): Finding {
  const found = longestPhrases(findPhrases(title, rules.promoPhrases));
  if (found.length > 0) {
    return finding('title.promo_words', 'title', 'major',
      `Title contains promotional or subjective wording: ${found.map((p) => `"${p}"`).join(', ')}; Amazon forbids promotional phrases in titles`, { phrases: found.join(', '), count: found.length });
  }
  return finding('title.promo_ok', 'title', 'info', 'Title has no promotional or subjective wording (best seller, sale, free shipping, #1, …)', { count: 0 });
}

function repetition(title: string, rules: RuleSet): Finding {
  const counts = new Map<string, number>();
  for (const w of words(title.toLowerCase())) {
    if (FUNCTION_WORDS.has(w) || /^\d+$/.test(w) || w.length < 2) continue;
    counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  const repeated = [...counts].filter(([, c]) => c > rules.maxWordRepeats).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  if (repeated.length > 0) {
    return finding('title.repeated_words', 'title', 'major',
      `Title repeats ${repeated.map(([w, c]) => `"${w}" ${c}×`).join(', ')}; Amazon allows a word at most ${rules.maxWordRepeats} times (prepositions, articles and conjunctions excepted)`,
      { words: repeated.map(([w]) => w).join(', '), maxCount: repeated[0]?.[1] ?? 0, maxRepeats: rules.maxWordRepeats });
  }
  const most = Math.max(0, ...counts.values());
  return finding('title.repetition_ok', 'title', 'info', `No word appears more than ${rules.maxWordRepeats} times in the title`, { maxCount: most });
}

function caps(title: string, rules: RuleSet): Finding {
  const shouting = [...new Set(words(title).filter((w) => /^\p{Lu}+$/u.test(w) && w.length > rules.acronymMaxLetters))];
  if (shouting.length > 0) {
    return finding('title.all_caps', 'title', 'minor',
      `Title has ALL CAPS words: ${shouting.slice(0, 6).join(', ')}; Amazon asks for title case (acronyms of up to ${rules.acronymMaxLetters} letters are fine)`, { count: shouting.length, words: shouting.slice(0, 6).join(', ') });
  }
  return finding('title.caps_ok', 'title', 'info', 'Title has no ALL CAPS words beyond short acronyms', { count: 0 });
}
