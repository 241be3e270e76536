import type { APIEmbed, APIEmbedField } from 'discord-api-types/v10';
import { atWordBoundary } from '../../service/app/views/index.ts';

/**
 * Discord's size limits for a message. Discord refuses (400) a message over any of them, so every
 * payload we send goes through `fitMessage` first: text is clipped with an ellipsis, surplus
 * fields and embeds are dropped, and the whole message is brought under the 6000-character total.
 *
 * @see https://discord.com/developers/docs/resources/message#embed-object-embed-limits
 * @see https://discord.com/developers/docs/resources/message#create-message-jsonform-params
 */
export const LIMITS = {
  content: 2000,
  embeds: 10,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  author: 256,
  /** Sum of every embed's title, description, field names and values, footer and author text. */
  total: 6000,
} as const;

/** Clips text to `max` characters (by code point, so no surrogate pair is cut) at a word boundary, ending in `…`. */
export function clip(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  return `${atWordBoundary(chars.slice(0, Math.max(0, max - 1)).join('').trimEnd(), chars[max - 1])}…`;
}

const len = (s: string | undefined) => (s ? Array.from(s).length : 0);

export function embedLength(e: APIEmbed): number {
  return (
    len(e.title) +
    len(e.description) +
    len(e.footer?.text) +
    len(e.author?.name) +
    (e.fields ?? []).reduce((n, f) => n + len(f.name) + len(f.value), 0)
  );
}

function fitEmbed(e: APIEmbed): APIEmbed {
  const out: APIEmbed = { ...e };
  if (e.title !== undefined) out.title = clip(e.title, LIMITS.title);
  if (e.description !== undefined) out.description = clip(e.description, LIMITS.description);
  if (e.footer) out.footer = { ...e.footer, text: clip(e.footer.text, LIMITS.footer) };
  if (e.author) out.author = { ...e.author, name: clip(e.author.name, LIMITS.author) };
  if (e.fields) {
    out.fields = e.fields.slice(0, LIMITS.fields).map(
      (f): APIEmbedField => ({ ...f, name: clip(f.name || '\u200b', LIMITS.fieldName), value: clip(f.value || '\u200b', LIMITS.fieldValue) }),
    );
  }
  return out;
}

/**
 * Brings embeds within the per-message total: later embeds lose fields first (detail comes last
 * by convention), then descriptions are shortened, then whole embeds are dropped.
 */
function fitTotal(embeds: APIEmbed[], overflowNote: string | undefined): APIEmbed[] {
  let total = embeds.reduce((n, e) => n + embedLength(e), 0);
  // Room for the note that says where the rest is, once anything must go.
  const budget = LIMITS.total - (overflowNote && total > LIMITS.total ? len(overflowNote) + len(CUT_NAME) : 0);
  for (let i = embeds.length - 1; i >= 0 && total > budget; i--) {
    const e = embeds[i]!;
    let dropped = false;
    while (e.fields?.length && total > budget) {
      const last = e.fields[e.fields.length - 1]!;
      total -= len(last.name) + len(last.value);
      e.fields = e.fields.slice(0, -1);
      dropped = true;
    }
    if (dropped && overflowNote && (e.fields?.length ?? 0) < LIMITS.fields) {
      e.fields = [...(e.fields ?? []), { name: CUT_NAME, value: overflowNote, inline: false }];
      total += len(CUT_NAME) + len(overflowNote);
    }
    const over = total - LIMITS.total;
    if (over > 0 && e.description) {
      const before = len(e.description);
      e.description = clip(e.description, Math.max(1, before - over));
      total -= before - len(e.description);
    }
  }
  while (embeds.length > 1 && total > LIMITS.total) total -= embedLength(embeds.pop()!);
  return embeds;
}

export interface FittableMessage {
  content?: string;
  embeds?: APIEmbed[];
}

/** The heading of the note that replaces fields cut to fit. */
const CUT_NAME = 'Cut to fit Discord';

/**
 * A copy of `msg` within Discord's limits (the rest of the payload is kept as is). When fields
 * must go, `overflowNote` (where the rest can be read) takes the place of the last of them.
 */
export function fitMessage<M extends FittableMessage>(msg: M, overflowNote?: string): M {
  const out = { ...msg };
  if (msg.content !== undefined) out.content = clip(msg.content, LIMITS.content);
  if (msg.embeds) out.embeds = fitTotal(msg.embeds.slice(0, LIMITS.embeds).map(fitEmbed), overflowNote && clip(overflowNote, 300));
  return out;
}
