/**
 * Echo a piece of user input back inside an error message: on one line, without control or
 * invisible characters, cut to `max` code points (never inside a surrogate pair) and quoted.
 *
 * @param max longest echo in code points before "…" (default 60)
 */
export function quoteInput(input: string, max = 60): string {
  // Bound the work first: arbitrarily long input must stay cheap to quote.
  const head = input.length > max * 4 ? input.slice(0, max * 4) : input;
  const clean = head
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const points = Array.from(clean);
  const cut = points.length > max || head.length < input.length;
  return `"${points.slice(0, max).join('')}${cut ? '…' : ''}"`;
}

/** Slack escapes these three characters in message text; undo it (`&amp;` last, so `&amp;lt;` stays `&lt;`). */
export function decodeSlackEntities(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** Zero-width characters that copy-paste (and some chat clients) slip into words. */
export function stripInvisible(text: string): string {
  return text.replace(/[\u200B-\u200D\u2060\uFEFF]/g, '');
}
