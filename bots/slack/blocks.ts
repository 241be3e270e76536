import { atWordBoundary } from '../../service/app/views/index.ts';

/**
 * Block Kit building blocks with Slack's limits enforced where the text is made, so no rendering
 * can produce a message Slack rejects (`invalid_blocks`). Everything a listing or a model wrote is
 * escaped: a title containing `<!channel>` must not ping a channel.
 *
 * @see https://docs.slack.dev/reference/block-kit/blocks
 */

export const LIMITS = {
  /** Blocks per message (modals allow 100). */
  blocks: 50,
  /** A section's text, and a context element's text. */
  sectionText: 3000,
  /** Each of a section's fields (at most 10). */
  fieldText: 2000,
  fields: 10,
  /** A header block's plain text. */
  headerText: 150,
  /** A button's label. */
  buttonText: 75,
  /** A button's value. */
  buttonValue: 2000,
  /** Elements of a context block. */
  contextElements: 10,
  /** The top-level `text` (notification fallback); Slack truncates beyond 40 000, we stay far below. */
  messageText: 3000,
  /** A modal's title, submit and close labels. */
  modalTitle: 24,
} as const;

export interface TextObject {
  readonly type: 'mrkdwn' | 'plain_text';
  readonly text: string;
  readonly emoji?: boolean;
}

export interface ButtonElement {
  readonly type: 'button';
  readonly text: TextObject;
  readonly action_id: string;
  readonly value?: string;
  readonly style?: 'primary' | 'danger';
  readonly url?: string;
}

export type Block =
  | { readonly type: 'section'; readonly text?: TextObject; readonly fields?: readonly TextObject[]; readonly block_id?: string }
  | { readonly type: 'header'; readonly text: TextObject }
  | { readonly type: 'context'; readonly elements: readonly TextObject[] }
  | { readonly type: 'divider' }
  | { readonly type: 'actions'; readonly elements: readonly ButtonElement[]; readonly block_id?: string };

/** Cuts to at most `max` characters (code points, so an emoji is never split) at a word boundary, ending in `…`. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  return `${atWordBoundary(chars.slice(0, Math.max(0, max - 1)).join(''), chars[max - 1])}…`;
}

/** Escapes text for mrkdwn: Slack's control sequences all start with `<` (`<!here>`, `<@U…>`, links). */
export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escaped and cut: the usual way untrusted text enters a mrkdwn string. */
export const clip = (text: string, max: number) => esc(truncate(text.replace(/\s+/g, ' ').trim(), max));

export function section(text: string): Block {
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(text, LIMITS.sectionText) } };
}

export function fields(items: readonly string[]): Block {
  return {
    type: 'section',
    fields: items.slice(0, LIMITS.fields).map((t) => ({ type: 'mrkdwn', text: truncate(t, LIMITS.fieldText) })),
  };
}

export function header(text: string): Block {
  return { type: 'header', text: { type: 'plain_text', text: truncate(text, LIMITS.headerText), emoji: true } };
}

export function context(...texts: string[]): Block {
  return {
    type: 'context',
    elements: texts.slice(0, LIMITS.contextElements).map((t) => ({ type: 'mrkdwn', text: truncate(t, LIMITS.sectionText) })),
  };
}

export const divider: Block = { type: 'divider' };

export function button(label: string, actionId: string, value: string, style?: 'primary' | 'danger'): ButtonElement {
  return {
    type: 'button',
    text: { type: 'plain_text', text: truncate(label, LIMITS.buttonText), emoji: true },
    action_id: actionId,
    value: value.slice(0, LIMITS.buttonValue),
    ...(style ? { style } : {}),
  };
}

export function linkButton(label: string, actionId: string, url: string): ButtonElement {
  return { type: 'button', text: { type: 'plain_text', text: truncate(label, LIMITS.buttonText), emoji: true }, action_id: actionId, url };
}

export function actions(blockId: string, elements: readonly ButtonElement[]): Block | undefined {
  // An actions block holds at most 25 elements; we never come close, but an empty one is invalid.
  return elements.length ? { type: 'actions', block_id: blockId, elements: elements.slice(0, 25) } : undefined;
}

/**
 * Keeps a message within 50 blocks. An `actions` block at the end (the buttons) is kept; what does
 * not fit is replaced by a note saying where the rest is.
 */
export function clampBlocks(blocks: readonly (Block | undefined)[], overflowNote: string): Block[] {
  const list = blocks.filter((b): b is Block => b !== undefined);
  if (list.length <= LIMITS.blocks) return list;
  const last = list.at(-1);
  const keepLast = last?.type === 'actions';
  const room = LIMITS.blocks - 1 - (keepLast ? 1 : 0);
  const kept = list.slice(0, room);
  return [...kept, context(overflowNote), ...(keepLast && last ? [last] : [])];
}

/** Splits lines into section texts of at most 3000 characters each (no line is split unless it alone is too long). */
export function sectionsOf(lines: readonly string[]): Block[] {
  const out: Block[] = [];
  let current = '';
  for (const raw of lines) {
    const line = truncate(raw, LIMITS.sectionText);
    if (current && current.length + 1 + line.length > LIMITS.sectionText) {
      out.push(section(current));
      current = line;
    } else {
      current = current ? `${current}\n${line}` : line;
    }
  }
  if (current) out.push(section(current));
  return out;
}
