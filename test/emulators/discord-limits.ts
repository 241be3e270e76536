/**
 * The Discord emulator's size checks: what real Discord refuses with 400 (code 50035) — a subset
 * of its checks, enough to catch a renderer that overflows a message.
 *
 * @see https://discord.com/developers/docs/resources/message#embed-object-embed-limits
 */

const EMBED_TOTAL = 6000;

/** Why Discord would refuse this message body, or undefined. */
export function sizeProblem(body: Record<string, unknown>): string | undefined {
  const content = body['content'];
  if (typeof content === 'string' && [...content].length > 2000) return 'content: Must be 2000 or fewer in length.';
  const embeds = (body['embeds'] ?? []) as Record<string, unknown>[];
  if (embeds.length > 10) return 'embeds: Must be 10 or fewer in length.';
  let total = 0;
  const n = (s: unknown) => (typeof s === 'string' ? [...s].length : 0);
  for (const e of embeds) {
    if (n(e['title']) > 256 || n(e['description']) > 4096) return 'embeds: title or description too long.';
    const fields = (e['fields'] ?? []) as { name: string; value: string }[];
    if (fields.length > 25) return 'embeds.fields: Must be 25 or fewer in length.';
    if (fields.some((f) => n(f.name) > 256 || n(f.value) > 1024 || n(f.value) === 0)) return 'embeds.fields: name or value too long or empty.';
    total += n(e['title']) + n(e['description']) + n((e['footer'] as { text?: string } | undefined)?.text) + n((e['author'] as { name?: string } | undefined)?.name);
    total += fields.reduce((s, f) => s + n(f.name) + n(f.value), 0);
  }
  return total > EMBED_TOTAL ? `embeds: total ${total} characters exceeds ${EMBED_TOTAL}.` : undefined;
}
