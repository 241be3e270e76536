import { ButtonStyle, ComponentType, TextInputStyle } from 'discord-api-types/v10';
import type { APIActionRowComponent, APIButtonComponent, APIComponentInMessageActionRow, APIModalInteractionResponseCallbackData, APIStringSelectComponent } from 'discord-api-types/v10';
import { EXPERIMENT_TAGS, TAG_LABELS } from '../shared/command.ts';

/**
 * Buttons and modals on our messages, and the `custom_id` that tells us which one was used. A
 * custom_id carries what the handler needs (≤ 100 characters), so a click needs no stored state:
 * `ll:rerun:<A>:<B>:<source run id>[:<mine A|B>]`, `ll:save:<run id>`, `ll:buy`, `ll:manual:<run id>:<A|B>`,
 * `ll:outcome:<run id>` (the "Record real result" button and the form it opens), `ll:delete:<confirmation id>`
 * and `ll:keep` (`data delete`'s confirmation and its Cancel).
 * (`ll:rerun:<A>:<B>` without the run is what messages posted before it carried; still honoured.)
 *
 * @see https://discord.com/developers/docs/components/reference#button
 * @see https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-response-object-modal
 */

export type Action =
  /** `runId`: the run whose message carries the button, the key of the re-run (a double click makes one run). */
  | { readonly kind: 'rerun'; readonly a: string; readonly b: string; readonly runId?: string; readonly mine?: 'A' | 'B' }
  | { readonly kind: 'save'; readonly runId: string }
  | { readonly kind: 'buy' }
  | { readonly kind: 'manual'; readonly runId: string; readonly side: 'A' | 'B' }
  | { readonly kind: 'outcome'; readonly runId: string }
  | { readonly kind: 'delete'; readonly confirmationId: string }
  | { readonly kind: 'keep' };

const ASIN = /^[A-Z0-9]{10}$/;
const RUN_ID = /^[0-9a-f-]{8,36}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function customId(a: Action): string {
  switch (a.kind) {
    case 'rerun':
      return `ll:rerun:${a.a}:${a.b}${a.runId ? `:${a.runId}${a.mine ? `:${a.mine}` : ''}` : ''}`;
    case 'save':
      return `ll:save:${a.runId}`;
    case 'buy':
      return 'll:buy';
    case 'manual':
      return `ll:manual:${a.runId}:${a.side}`;
    case 'outcome':
      return `ll:outcome:${a.runId}`;
    case 'delete':
      return `ll:delete:${a.confirmationId}`;
    case 'keep':
      return 'll:keep';
  }
}

/** The action a custom_id names, or undefined for one we did not make (or a tampered one). */
export function parseCustomId(id: string): Action | undefined {
  const [prefix, kind, x, y, run, mine, ...rest] = id.split(':');
  if (prefix !== 'll' || rest.length > 0) return undefined;
  // Only a re-run carries a fifth part (its source run) and a sixth (which side is the asker's).
  if (run !== undefined && (kind !== 'rerun' || !RUN_ID.test(run))) return undefined;
  if (mine !== undefined && mine !== 'A' && mine !== 'B') return undefined;
  switch (kind) {
    case 'rerun':
      return x && y && ASIN.test(x) && ASIN.test(y) ? { kind, a: x, b: y, ...(run ? { runId: run } : {}), ...(mine ? { mine } : {}) } : undefined;
    case 'save':
      return x && RUN_ID.test(x) && y === undefined ? { kind, runId: x } : undefined;
    case 'buy':
      return x === undefined ? { kind } : undefined;
    case 'manual':
      return x && RUN_ID.test(x) && (y === 'A' || y === 'B') ? { kind, runId: x, side: y } : undefined;
    case 'outcome':
      return x && RUN_ID.test(x) && y === undefined ? { kind, runId: x } : undefined;
    case 'delete':
      return x && UUID.test(x) && y === undefined ? { kind, confirmationId: x } : undefined;
    case 'keep':
      return x === undefined ? { kind } : undefined;
    case undefined:
    default:
      return undefined;
  }
}

const LABELS: Record<Action['kind'], string> = {
  rerun: 'Re-run fresh',
  save: 'Save as experiment',
  buy: 'Buy credits',
  manual: 'Paste listing by hand',
  outcome: 'Record real result',
  delete: 'Delete everything',
  keep: 'Cancel',
};

export function button(a: Action, label = LABELS[a.kind]): APIButtonComponent {
  const style = a.kind === 'buy' ? ButtonStyle.Success : a.kind === 'rerun' ? ButtonStyle.Primary : a.kind === 'delete' ? ButtonStyle.Danger : ButtonStyle.Secondary;
  return { type: ComponentType.Button, style, label, custom_id: customId(a) };
}

export function linkButton(label: string, url: string): APIButtonComponent {
  return { type: ComponentType.Button, style: ButtonStyle.Link, label, url };
}

/** One action row (at most 5 buttons); no row at all when there is nothing to show. */
export function actionRows(buttons: readonly APIButtonComponent[]): APIActionRowComponent<APIComponentInMessageActionRow>[] {
  const rows: APIActionRowComponent<APIComponentInMessageActionRow>[] = [];
  for (let i = 0; i < buttons.length && rows.length < 5; i += 5) {
    rows.push({ type: ComponentType.ActionRow, components: buttons.slice(i, i + 5) });
  }
  return rows;
}

/** The manual-fallback form: the listing.json fields a person can paste (images as URLs). */
export function manualListingModal(runId: string, side: 'A' | 'B'): APIModalInteractionResponseCallbackData {
  const input = (custom_id: string, label: string, style: TextInputStyle, required: boolean, max_length: number, placeholder: string) => ({
    type: ComponentType.ActionRow as const,
    components: [{ type: ComponentType.TextInput as const, custom_id, label, style, required, max_length, placeholder }],
  });
  return {
    custom_id: customId({ kind: 'manual', runId, side }),
    title: `Listing ${side} by hand`,
    components: [
      input('title', 'Title', TextInputStyle.Short, true, 400, 'The product title as on Amazon'),
      input('bullets', 'Bullet points (one per line)', TextInputStyle.Paragraph, false, 4000, 'One bullet per line'),
      input('description', 'Description', TextInputStyle.Paragraph, false, 4000, 'The product description'),
      input('images', 'Image URLs (one per line, main image first)', TextInputStyle.Paragraph, true, 4000, 'https://m.media-amazon.com/images/I/….jpg'),
    ],
  };
}

/** The custom_id of an experiment's tags menu: `ll:tags:<experiment id>` (experiment-menu.ts reads it back). */
export const TAGS_MENU = 'll:tags:';

/** A string select of 1–8 change tags that re-runs the experiment; it needs an action row of its own. */
export function tagsMenu(experimentId: string): APIActionRowComponent<APIComponentInMessageActionRow> {
  const menu: APIStringSelectComponent = {
    type: ComponentType.StringSelect,
    custom_id: `${TAGS_MENU}${experimentId}`,
    placeholder: 'What changed? Pick 1–8 to re-run with fresh data',
    min_values: 1,
    max_values: EXPERIMENT_TAGS.length,
    options: EXPERIMENT_TAGS.map((tag) => ({ label: TAG_LABELS[tag], value: tag })),
  };
  return { type: ComponentType.ActionRow, components: [menu] };
}
