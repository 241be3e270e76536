import { err, ok, UserError } from '../../service/domain/errors.ts';
import type { Result } from '../../service/domain/errors.ts';
import { BRAND_ACTIONS, DRAFT_HINT_MAX, EXPERIMENT_ACTIONS, EXPERIMENT_TAGS } from './command.ts';
import type { BrandAction, ExperimentAction, ExperimentTag, MineSide } from './command.ts';
import { parseListingRef } from './listing-ref.ts';
import { decodeSlackEntities, quoteInput } from './quote-input.ts';

/** The words of a command: tokenising Slack text and validating ids, names and tags. Never throws. */

/**
 * Split Slack text into words. Slack's `<…>` markup (links, `<url|label>`) is one word even when
 * its label has spaces; a lone `<` is an ordinary character. Linear in the input's length.
 */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  let current = '';
  let close = -1; // next '>' at or after i, text.length when none
  let open = -1; // next '<' after i, text.length when none
  for (let i = 0; i < text.length; i++) {
    const ch = text.charAt(i);
    if (ch === '<') {
      if (close < i) close = indexOrEnd(text, '>', i);
      if (open <= i) open = indexOrEnd(text, '<', i + 1);
      if (close < open) {
        current += text.slice(i, close + 1);
        i = close;
        continue;
      }
    }
    if (/\s/.test(ch)) {
      if (current !== '') tokens.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  if (current !== '') tokens.push(current);
  return tokens;
}

function indexOrEnd(text: string, search: string, from: number): number {
  const at = text.indexOf(search, from);
  return at === -1 ? text.length : at;
}

const UUID_TEMPLATE = 'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx';
const MAX_LABEL = 100;

/**
 * A UUID, or a prefix of one of at least 8 hex digits, with or without its dashes. Normalised to
 * a lower-case prefix of the canonical form (`3F2A9C1E5B` → `3f2a9c1e-5b`), so a lookup is a
 * plain prefix match on the UUID's text.
 */
export function parseId(raw: string): Result<string, UserError> {
  // People copy ids out of chat, where they are shown as `code` or #short.
  const text = decodeSlackEntities(raw)
    .trim()
    .replace(/^`+|`+$/g, '')
    .replace(/^#/, '')
    .toLowerCase()
    .replace(/-$/, '');
  const id = /^[0-9a-f]{8,32}$/.test(text) ? withDashes(text) : text;
  const valid =
    id.length >= 8 &&
    id.length <= UUID_TEMPLATE.length &&
    Array.from(id).every((ch, i) => (UUID_TEMPLATE[i] === '-' ? ch === '-' : /^[0-9a-f]$/.test(ch)));
  if (!valid) {
    return err(new UserError('invalid_id', `${quoteInput(raw)} is not a valid id: use the id shown on the run or experiment (its first 8 characters are enough).`));
  }
  return ok(id);
}

/** Hex digits → the same prefix of a canonical UUID (dashes after digits 8, 12, 16 and 20). */
function withDashes(hex: string): string {
  const groups = [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)];
  return groups.filter((g) => g !== '').join('-');
}

/** An experiment's name: one line, outer quotes dropped, at most `MAX_LABEL` characters; blank means none. */
export function parseLabel(raw: string): Result<string | undefined, UserError> {
  const text = decodeSlackEntities(raw).replace(/[\p{Cc}\p{Zl}\p{Zp}\s]+/gu, ' ').trim();
  const quoted = /^(?:"(.*)"|'(.*)'|“(.*)”|‘(.*)’)$/u.exec(text);
  const label = (quoted ? (quoted[1] ?? quoted[2] ?? quoted[3] ?? quoted[4] ?? '') : text).trim();
  if (Array.from(label).length > MAX_LABEL) {
    return err(new UserError('bad_command', `Experiment names are at most ${MAX_LABEL} characters; that one is ${Array.from(label).length}.`));
  }
  return ok(label === '' ? undefined : label);
}

const TAG_ALIASES = new Map<string, ExperimentTag>([
  ['a+', 'aplus'],
  ['a-plus', 'aplus'],
]);

/** A change tag, case-insensitive; `_` may stand for `-`, and `a+` for `aplus`. */
export function parseTag(raw: string): ExperimentTag | undefined {
  const word = raw.trim().toLowerCase().replace(/_/g, '-');
  return TAG_ALIASES.get(word) ?? EXPERIMENT_TAGS.find((t) => t === word);
}

export function isExperimentAction(word: string): word is ExperimentAction {
  return EXPERIMENT_ACTIONS.some((a) => a === word);
}

export function isBrandAction(word: string): word is BrandAction {
  return BRAND_ACTIONS.some((a) => a === word);
}

/**
 * A `mine` word of Slack text: `mine:A`, `mine=b`, any case (also `--mine…`). `value` is what
 * follows the separator; undefined for a bare `mine`, which `parseMine` then refuses.
 */
export function mineWord(word: string): { value: string | undefined } | undefined {
  const m = /^(?:--)?mine(?:[:=](.*))?$/is.exec(word);
  return m ? { value: m[1] } : undefined;
}

/** Which listing is the asker's: A or B, any case; anything else says what to write. */
export function parseMine(raw: string | undefined): Result<MineSide, UserError> {
  const side = raw?.trim().toUpperCase();
  if (side === 'A' || side === 'B') return ok(side);
  const got = raw === undefined || raw.trim() === '' ? 'nothing' : quoteInput(raw, 20);
  return err(new UserError('bad_command', `mine says which listing is yours: A (the first) or B (the second), e.g. mine:A. Got ${got}.`));
}

/** Longest brand list entry, in characters. */
const MAX_BRAND = 100;

/** One line of what a person typed: Slack entities decoded, outer quotes dropped, whitespace collapsed. */
function oneLine(raw: string): string {
  const text = decodeSlackEntities(raw).replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\s]+/gu, ' ').trim();
  const quoted = /^(?:"(.*)"|'(.*)'|“(.*)”|‘(.*)’)$/u.exec(text);
  return (quoted ? (quoted[1] ?? quoted[2] ?? quoted[3] ?? quoted[4] ?? '') : text).trim();
}

/**
 * A brand name or an ASIN for the brand list: one line, at most 100 characters. A pasted
 * amazon.com product URL stands for its ASIN; any other link is refused as the listing refs are.
 * Blank → undefined (the caller says what is missing).
 */
export function parseBrandValue(raw: string): Result<string | undefined, UserError> {
  const text = oneLine(raw);
  if (text === '') return ok(undefined);
  if (/^<?https?:\/\//i.test(text) || /(?:^|\.)amazon\.[a-z.]+\//i.test(text)) {
    const ref = parseListingRef(text);
    return ref.ok ? ok(ref.value) : err(ref.error);
  }
  const length = Array.from(text).length;
  if (length > MAX_BRAND) return err(new UserError('bad_command', `A brand name is at most ${MAX_BRAND} characters; that one is ${length}.`));
  return ok(text);
}

/** A draft hint (brand, product type): one line, at most DRAFT_HINT_MAX characters; blank → undefined. */
export function parseHint(what: string, raw: string | undefined): Result<string | undefined, UserError> {
  const text = raw === undefined ? '' : oneLine(raw);
  if (text === '') return ok(undefined);
  const length = Array.from(text).length;
  if (length > DRAFT_HINT_MAX) return err(new UserError('bad_command', `The ${what} is at most ${DRAFT_HINT_MAX} characters; that one is ${length}.`));
  return ok(text);
}
