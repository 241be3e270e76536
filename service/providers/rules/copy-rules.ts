import type { Finding } from './findings.ts';
import { finding } from './findings.ts';
import type { RuleSet } from './rule-sets.ts';
import { charCount, findPhrases, longestPhrases } from './text-utils.ts';

/**
 * Bullets and description: presence, count and length, plus the wording Amazon's bullet policy
 * (Aug 2024) prohibits — promotional or guarantee claims, special characters and emoji.
 */

/** Special characters Amazon's bullet policy names, plus emoji. */
const BULLET_SYMBOLS = /[™®©€…†‡¢£¥±~]|\p{Extended_Pictographic}/gu;

/** Bullets are numbered from 1 in messages. */
const list = (xs: readonly { index: number; chars: number }[]) => xs.map((x) => `#${x.index + 1} (${x.chars})`).join(', ');

export function checkBullets(bullets: readonly string[], rules: RuleSet): Finding[] {
  const present = bullets.map((b, index) => ({ index, text: b.trim(), chars: charCount(b.trim()) })).filter((b) => b.chars > 0);
  const count = present.length;
  const out: Finding[] = [];
  const want = rules.bulletsRecommended;
  if (count === 0) {
    out.push(finding('bullets.missing', 'bullets', 'major', `No bullet points; Amazon shows ${want} and shoppers scan them before the description`, { count, recommended: want }));
    return out;
  }
  out.push(count >= want
    ? finding('bullets.count_ok', 'bullets', 'info', `${count} bullet points (${want} recommended)`, { count, recommended: want })
    : finding('bullets.count_low', 'bullets', 'minor', `Only ${count} bullet point${count === 1 ? '' : 's'} of the ${want} Amazon shows`, { count, recommended: want }));

  const long = present.filter((b) => b.chars > rules.bulletMaxChars);
  const short = present.filter((b) => b.chars < rules.bulletMinChars);
  const ideal = present.filter((b) => b.chars >= rules.bulletIdealMin && b.chars <= rules.bulletIdealMax);
  const lengths = present.map((b) => b.chars).sort((a, b) => a - b);
  const median = lengths[Math.floor((lengths.length - 1) / 2)] ?? 0;
  const measured = {
    count, median, longest: lengths.at(-1) ?? 0, shortest: lengths[0] ?? 0, ideal: ideal.length, tooLong: long.length, tooShort: short.length,
    minChars: rules.bulletMinChars, maxChars: rules.bulletMaxChars, idealMin: rules.bulletIdealMin, idealMax: rules.bulletIdealMax,
  };
  if (long.length > 0) {
    out.push(finding('bullets.too_long', 'bullets', 'minor',
      `${long.length} bullet${long.length === 1 ? ' is' : 's are'} over ${rules.bulletMaxChars} characters: ${list(long)}; aim for ${rules.bulletIdealMin}–${rules.bulletIdealMax}`, measured));
  }
  if (short.length > 0) {
    out.push(finding('bullets.too_short', 'bullets', 'minor',
      `${short.length} bullet${short.length === 1 ? ' is' : 's are'} under ${rules.bulletMinChars} characters: ${list(short)}; too thin to answer a buyer's question`, measured));
  }
  if (long.length === 0 && short.length === 0) {
    out.push(finding('bullets.length_ok', 'bullets', 'info',
      `All bullets are ${rules.bulletMinChars}–${rules.bulletMaxChars} characters (median ${median}); ${ideal.length} of ${count} in the ${rules.bulletIdealMin}–${rules.bulletIdealMax} sweet spot`, measured));
  }

  const promo = longestPhrases(findPhrases(present.map((b) => b.text).join('\n'), rules.promoPhrases));
  out.push(promo.length > 0
    ? finding('bullets.promo_words', 'bullets', 'minor',
      `Bullets contain promotional or guarantee wording: ${promo.slice(0, 6).map((p) => `"${p}"`).join(', ')}; Amazon's bullet policy prohibits these`, { phrases: promo.join(', '), count: promo.length })
    : finding('bullets.promo_ok', 'bullets', 'info', 'Bullets have no promotional or guarantee wording', { count: 0 }));

  const symbols = [...new Set(present.flatMap((b) => b.text.match(BULLET_SYMBOLS) ?? []))];
  if (symbols.length > 0) {
    out.push(finding('bullets.special_chars', 'bullets', 'minor',
      `Bullets use ${symbols.slice(0, 8).join(' ')}; Amazon's bullet policy prohibits special characters and emoji`, { symbols: symbols.join(' '), count: symbols.length }));
  }
  return out;
}

export function checkDescription(description: string, rules: RuleSet): Finding[] {
  // Amazon allows line breaks only; count what a shopper reads, not markup.
  const text = description.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  const chars = charCount(text);
  const measured = { chars, min: rules.descriptionMinChars, max: rules.descriptionMaxChars };
  if (chars === 0) {
    return [finding('description.missing', 'description', 'minor', 'No product description (shown below the fold and indexed for search)', measured)];
  }
  if (chars < rules.descriptionMinChars) {
    return [finding('description.short', 'description', 'minor', `Description is only ${chars} characters (under ${rules.descriptionMinChars})`, measured)];
  }
  if (chars > rules.descriptionMaxChars) {
    return [finding('description.too_long', 'description', 'minor', `Description is ${chars} characters; Amazon's field holds ${rules.descriptionMaxChars}, the rest is cut`, measured)];
  }
  return [finding('description.ok', 'description', 'info', `Description is ${chars} characters (within ${rules.descriptionMaxChars})`, measured)];
}
