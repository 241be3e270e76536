import type { StageStatus } from './run-view-model.ts';

/**
 * Presentation: everything a person sees of a run or an experiment, in words, built once from its
 * view (present-run.ts, present-stage.ts, present-draft.ts, present-experiment.ts). Every surface is one thin renderer of it (bots/slack,
 * bots/discord, bots/terminal; later a scorecard image or a report page): it maps sections, fields
 * and intents to its own blocks, embeds, buttons or lines, and keeps its own platform limits.
 *
 * Text is raw (never escaped, never marked up): a renderer escapes it for its platform and maps
 * the small emphasis markup below to mrkdwn, Discord markdown or plain terminal text.
 */

/** A piece of text with platform-neutral emphasis. */
export interface Segment {
  readonly text: string;
  readonly bold?: true;
  readonly italic?: true;
  /** An identifier (job id, hash): monospace where the surface has it. */
  readonly code?: true;
  /** The piece links there where the surface can link. */
  readonly link?: string;
}

/** One line of text. */
export type Line = readonly Segment[];

/** A label and its value (a score per dimension, an attribute): a field or a `label: value` line. */
export interface Field {
  readonly label: string;
  readonly value: Line;
}

/** One step of a run's checklist: the stage, its state in words, and who made its output. */
export interface StageLine {
  readonly name: string;
  readonly title: string;
  readonly status: StageStatus;
  /** What to say after the title, each a short phrase (`A 6.0 vs B 5.0`, `B (B0…) wins`). */
  readonly parts: readonly Line[];
  /** The provider and model that made the output; null when none did (rules engine, not done). */
  readonly model: string | null;
}

/** A block of content. A renderer keeps the order; how each part looks is its own choice. */
export interface Section {
  /** A short heading (`Top fixes`, `A (B0799CK52K)`); untitled sections are body text. */
  readonly title?: string;
  /** Said after the title, quieter (`123 characters`). */
  readonly aside?: string;
  readonly lines: readonly Line[];
  readonly fields?: readonly Field[];
  /** The stage checklist. */
  readonly stages?: readonly StageLine[];
  /** Text to copy exactly as written (a draft's field): verbatim, in a code block where there is one. */
  readonly code?: string;
  /** Small print (context, footnotes) rather than body text. */
  readonly note?: true;
  /** A list of fixes: a surface that prints the full list elsewhere (the terminal) may leave the root's excerpt out. */
  readonly role?: 'fixes';
}

/**
 * What a person can do next, as an intent; each surface makes it a button, a menu, a link or a
 * hint. `manual_fallback`: paste a listing by hand after acquisition failed (either side).
 */
export type Intent =
  /** `mine`: the side the first run was told is the asker's; the re-run keeps it. */
  | { readonly kind: 'rerun_fresh'; readonly runId: string; readonly a: string; readonly b: string; readonly mine?: 'A' | 'B' }
  | { readonly kind: 'save_experiment'; readonly runId: string }
  /** Record what really happened (a real A/B test, a change that went live): the ground truth that calibrates confidence. */
  | { readonly kind: 'record_outcome'; readonly runId: string }
  | { readonly kind: 'buy_credits'; readonly runId?: string }
  | { readonly kind: 'manual_fallback'; readonly runId: string }
  /** The run's full report page (a link, no round trip to us): "Open full report". */
  | { readonly kind: 'open_report'; readonly url: string }
  /** Re-run a saved experiment after a change: pick what changed (the tags), then it starts. */
  | { readonly kind: 'rerun_experiment'; readonly experimentId: string };

/** How the message feels at a glance (a surface's colour or icon). */
export type Tone = 'running' | 'won' | 'tie' | 'failed' | 'warn' | 'done';

/** One message: a run's root, or one card in its thread. */
export interface Presentation {
  /** The one-line summary (notifications, the content line, scripts): `Verdict: B0… wins — …`. */
  readonly headline: Line;
  readonly title: string;
  readonly tone: Tone;
  /** Set on a stage card: the stage's state (a surface's status icon). */
  readonly status?: StageStatus;
  readonly sections: readonly Section[];
  /** Job, cost, who made it: small print at the end. */
  readonly footer: Line;
  readonly actions: readonly Intent[];
  /** Where to see everything when a surface must cut: `/listing status <job>`. */
  readonly more: Line;
}

/** Builders for lines, so presenters read like the text they make. */
export const t = (text: string): Segment => ({ text });
export const bold = (text: string): Segment => ({ text, bold: true });
export const italic = (text: string): Segment => ({ text, italic: true });
export const code = (text: string): Segment => ({ text, code: true });

/** A line as plain text (no emphasis, no links): notifications, file names, logs. */
export const plainText = (line: Line): string => line.map((s) => s.text).join('');

/**
 * Cuts to at most `max` characters (code points), whitespace collapsed, ending in `…`: a reading
 * budget, not a platform limit. The cut falls at a word boundary when there is one in the last
 * fifth, so a word is never cut in half ("BEST S…").
 */
export function clip(text: string, max: number): string {
  const chars = Array.from(text.replace(/\s+/g, ' ').trim());
  return chars.length <= max ? chars.join('') : `${atWordBoundary(chars.slice(0, Math.max(0, max - 1)).join(''), chars[max - 1])}…`;
}

/** `kept` without a trailing part-word (when `next` continues it), and without trailing spaces or punctuation. */
export function atWordBoundary(kept: string, next: string | undefined): string {
  const cutInWord = next !== undefined && /[\p{L}\p{N}]/u.test(next) && /[\p{L}\p{N}]$/u.test(kept);
  let out = kept;
  if (cutInWord) {
    const space = kept.lastIndexOf(' ');
    if (space >= Math.floor(kept.length * 0.8)) out = kept.slice(0, space);
  }
  return out.replace(/[\s,;:–—-]+$/u, '');
}
