import { userImageProblem } from '../../service/app/comparisons/index.ts';
import type { RunView } from '../../service/app/views/index.ts';
import type { ListingInput, Side } from '../../service/domain/listing.ts';
import { esc, truncate, LIMITS } from './blocks.ts';
import { sideName } from '../../service/app/views/index.ts';

/**
 * The manual fallback (PRODUCT.md "Failures"): when a listing could not be fetched, a modal takes
 * its title, bullets, description and image URLs, and the run is completed from them
 * (AppServices.completeManually). Uploaded image files are not taken yet: URLs only.
 *
 * @see https://docs.slack.dev/surfaces/modals
 */

export const MANUAL_VIEW = 'listing_manual_fallback';
const INPUT = 'value';
const MAX_IMAGES = 20;

/** What the modal carries from the button press to the submission (private_metadata, ≤ 3000 chars). */
export interface ManualMeta {
  readonly runId: string;
  readonly channelId: string;
  readonly responseUrl?: string | undefined;
  /** The pair's ASINs: a listing given by hand keeps its ASIN. */
  readonly asins?: { readonly A: string | null; readonly B: string | null } | undefined;
}

const text = (t: string, max: number = LIMITS.modalTitle) => ({ type: 'plain_text' as const, text: truncate(t, max) });
const input = (blockId: string, label: string, element: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: 'input',
  block_id: blockId,
  label: text(label, 2000),
  element: { action_id: INPUT, ...element },
  ...extra,
});

/** The side that failed: the one whose name is in the error (default A). */
export function failedSide(v: RunView): Side {
  const msg = v.errorMessage ?? '';
  return msg.includes(sideName(v.pair.B)) && !msg.includes(sideName(v.pair.A)) ? 'B' : 'A';
}

export function manualModal(v: RunView, meta: ManualMeta): Record<string, unknown> {
  const option = (s: Side) => ({ text: text(`${s}: ${sideName(v.pair[s])}`, 75), value: s });
  const side = failedSide(v);
  return {
    type: 'modal',
    callback_id: MANUAL_VIEW,
    title: text('Enter listing by hand'),
    submit: text('Finish comparison'),
    close: text('Cancel'),
    private_metadata: JSON.stringify(meta),
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: truncate(`The listing could not be fetched (${esc(v.errorMessage ?? 'unknown error')}). Paste it here and the comparison finishes with it.`, LIMITS.sectionText),
        },
      },
      input('side', 'Which listing', { type: 'static_select', options: [option('A'), option('B')], initial_option: option(side) }),
      input('title', 'Title', { type: 'plain_text_input', max_length: 500 }),
      input('bullets', 'Bullet points', { type: 'plain_text_input', multiline: true, max_length: 3000 }, { optional: true, hint: text('One per line.', 2000) }),
      input('description', 'Description', { type: 'plain_text_input', multiline: true, max_length: 3000 }, { optional: true }),
      input('images', 'Image URLs', { type: 'plain_text_input', multiline: true, max_length: 3000 }, { hint: text('One URL per line; the first is the main image.', 2000) }),
    ],
  };
}

type StateValues = Record<string, Record<string, { value?: string | null; selected_option?: { value?: string } | null }>>;

export type ManualSubmission =
  | { readonly ok: true; readonly side: Side; readonly listing: ListingInput; readonly meta: ManualMeta }
  | { readonly ok: false; readonly errors: Record<string, string> };

/** Reads the submitted modal; errors are keyed by block id, as Slack shows them under each field. */
export function parseManualSubmission(values: StateValues, privateMetadata: string): ManualSubmission {
  const read = (block: string) => values[block]?.[INPUT]?.value?.trim() ?? '';
  const errors: Record<string, string> = {};
  const side = values['side']?.[INPUT]?.selected_option?.value;
  if (side !== 'A' && side !== 'B') errors['side'] = 'Choose A or B.';
  const title = read('title');
  if (!title) errors['title'] = 'A title is needed.';
  const lines = (s: string) => s.split('\n').map((l) => l.trim()).filter(Boolean);
  const images = lines(read('images'));
  if (images.length === 0) errors['images'] = 'At least one image URL is needed (the main image).';
  else if (images.length > MAX_IMAGES) errors['images'] = `At most ${MAX_IMAGES} images.`;
  else {
    // The use-case's own rule (http(s) links only, never a stored-image reference), shown here under the field.
    const bad = images.find((u) => userImageProblem(u) !== undefined);
    if (bad) errors['images'] = `Not an image URL: ${truncate(bad, 80)}`;
  }
  const meta = parseMeta(privateMetadata);
  if (!meta) errors['title'] ??= 'This form expired; press the button on the run again.';
  if (Object.keys(errors).length || !meta || (side !== 'A' && side !== 'B')) return { ok: false, errors };
  const asin = meta.asins?.[side] ?? undefined;
  return {
    ok: true,
    side,
    meta,
    listing: { ...(asin ? { asin } : {}), title, bullets: lines(read('bullets')), description: read('description'), images },
  };
}

function parseMeta(raw: string): ManualMeta | undefined {
  try {
    const m = JSON.parse(raw) as Partial<ManualMeta>;
    if (typeof m.runId !== 'string' || typeof m.channelId !== 'string') return undefined;
    return {
      runId: m.runId,
      channelId: m.channelId,
      ...(typeof m.responseUrl === 'string' ? { responseUrl: m.responseUrl } : {}),
      ...(m.asins && typeof m.asins === 'object' ? { asins: { A: m.asins.A ?? null, B: m.asins.B ?? null } } : {}),
    };
  } catch {
    return undefined;
  }
}
