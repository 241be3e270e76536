/**
 * Removes secrets from text at the moment it is written. Two kinds:
 * - configured secrets (the environment's tokens and keys, the database password), matched in
 *   every spelling a log line can carry them: as given, in any letter case (an ENCRYPTION_KEY given
 *   in upper-case hex is still the key), JSON-escaped, percent-encoded, and base64 of the text (and
 *   of the bytes, for a hex key);
 * - token shapes every provider documents (Slack `xoxb-…`, Stripe `sk_live_…`/`whsec_…`, OpenAI
 *   `sk-…`, Anthropic `sk-ant-…`, Apify `apify_api_…`, `Bearer …`), whether configured here or not.
 *
 * Invariant: `scrub(text)` contains no configured secret in any of those spellings.
 */

/** Secrets shorter than this are not scrubbed from free text (they would mask ordinary words). */
export const MIN_SECRET_LENGTH = 8;

export const REDACTED = '[redacted]';

const TOKEN_SHAPES: readonly (readonly [RegExp, string])[] = [
  [/\b(xox[abeoprs]|xapp)-[A-Za-z0-9-]{6,}/g, `$1-${REDACTED}`],
  [/\b((?:sk|rk)_(?:live|test))_[A-Za-z0-9]{6,}/g, `$1_${REDACTED}`],
  [/\b(whsec)_[A-Za-z0-9+/=]{6,}/g, `$1_${REDACTED}`],
  [/\b(sk-ant)-[A-Za-z0-9_-]{6,}/g, `$1-${REDACTED}`],
  [/\b(sk(?:-proj)?)-[A-Za-z0-9_-]{16,}/g, `$1-${REDACTED}`],
  [/\b(apify_api)_[A-Za-z0-9]{6,}/g, `$1_${REDACTED}`],
  [/\b(Bearer|Bot) [A-Za-z0-9._~+/=-]{12,}/g, `$1 ${REDACTED}`],
];

export interface Scrubber {
  scrub(text: string): string;
  /** Adds secrets learned after start (e.g. the embedded Postgres password). */
  add(secrets: readonly string[]): void;
}

export function createScrubber(initial: readonly string[] = []): Scrubber {
  const secrets = new Set<string>();
  let pattern: RegExp | undefined;

  const rebuild = () => {
    const variants = new Set<string>();
    for (const s of secrets) for (const v of spellings(s)) variants.add(v);
    const sorted = [...variants].filter((v) => v.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
    pattern = sorted.length ? new RegExp(sorted.map(escapeRegExp).join('|'), 'gi') : undefined;
  };

  const scrubber: Scrubber = {
    scrub(text) {
      let out = pattern ? text.replace(pattern, REDACTED) : text;
      for (const [shape, replacement] of TOKEN_SHAPES) out = out.replace(shape, replacement);
      return out;
    },
    add(list) {
      let changed = false;
      for (const s of list) {
        if (typeof s === 'string' && s.length >= MIN_SECRET_LENGTH && !secrets.has(s)) {
          secrets.add(s);
          changed = true;
        }
      }
      if (changed) rebuild();
    },
  };
  scrubber.add(initial);
  return scrubber;
}

/** Every way a log line can spell `secret` (letter case is handled by the pattern's `i` flag). */
export function spellings(secret: string): string[] {
  const out = [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret), jsonInJson(secret)];
  const utf8 = Buffer.from(secret, 'utf8');
  out.push(utf8.toString('base64'), utf8.toString('base64url'), utf8.toString('base64').replace(/=+$/, ''));
  if (/^(?:[0-9a-f]{2})+$/i.test(secret)) {
    const bytes = Buffer.from(secret, 'hex');
    out.push(bytes.toString('base64'), bytes.toString('base64url'), bytes.toString('base64').replace(/=+$/, ''));
  }
  return out;
}

/** A string logged inside a JSON string inside a JSON line (e.g. a request body kept as text). */
function jsonInJson(secret: string): string {
  return JSON.stringify(JSON.stringify(secret).slice(1, -1)).slice(1, -1);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
