import type { App, SlashCommand } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { DraftHints, DraftPhotoInput, StartDraftInput } from '../../service/app/drafts/index.ts';
import { commandContext, targetOf, type SlackBotDeps, type SlackRequest } from './context.ts';
import { plain, sendPrivately } from './private.ts';
import { answer } from './replies.ts';
import { truncate, LIMITS } from './blocks.ts';

/**
 * `/listing draft` in Slack: a slash command carries no files, so it opens a form (a modal with a
 * file input) where the seller uploads 1–8 photos from their device or picks files already in
 * Slack, and may say the brand and the product type (optional; they win over the photos). On submit the photos go — as Slack file references, downloaded by the worker with the
 * bot token (files:read) — through the same dispatcher as every command; the run's root message
 * and drafts appear in the channel the command was typed in.
 *
 * @see https://docs.slack.dev/reference/block-kit/block-elements/file-input-element
 * @see https://docs.slack.dev/surfaces/modals
 */

export const DRAFT_VIEW = 'listing_draft';
const BLOCK = 'photos';
const ACTION_ID = 'files';
const MAX_PHOTOS = 8;
/** The optional hints: what the seller knows wins over what the photos suggest. */
const BRAND_BLOCK = 'brand';
const TYPE_BLOCK = 'product_type';
const HINT_ACTION = 'value';
const HINT_MAX = 80;
/** What the file input offers (it is a convenience: the content is sniffed again on download). */
const FILE_TYPES = ['jpg', 'jpeg', 'png', 'webp', 'gif'];

interface DraftMeta {
  readonly channelId: string;
  readonly responseUrl?: string | undefined;
}

const text = (t: string, max: number = LIMITS.modalTitle) => ({ type: 'plain_text' as const, text: truncate(t, max) });

function hintInput(blockId: string, label: string, placeholder: string, hint: string): Record<string, unknown> {
  return {
    type: 'input',
    block_id: blockId,
    optional: true,
    label: text(label, 2000),
    element: { type: 'plain_text_input', action_id: HINT_ACTION, max_length: HINT_MAX, placeholder: text(placeholder, 150) },
    hint: text(hint, 2000),
  };
}

export function draftModal(meta: DraftMeta): Record<string, unknown> {
  return {
    type: 'modal',
    callback_id: DRAFT_VIEW,
    title: text('Listing drafts'),
    submit: text('Write drafts'),
    close: text('Cancel'),
    private_metadata: JSON.stringify(meta),
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: 'Upload 1–8 photos of one product. You get drafts for *Amazon, eBay, Etsy and Shopify* in this channel, each checked against that marketplace\'s rules, plus which photo to use as the main image and what to reshoot. A draft costs 4 credits.',
        },
      },
      {
        type: 'input',
        block_id: BLOCK,
        label: text('Product photos', 2000),
        element: { type: 'file_input', action_id: ACTION_ID, filetypes: FILE_TYPES, max_files: MAX_PHOTOS },
        hint: text('JPEG, PNG or WebP, up to 15 MB each. Plain white backgrounds score best.', 2000),
      },
      hintInput(BRAND_BLOCK, 'Brand', 'e.g. Starter', 'Leave blank to read it from the photos.'),
      hintInput(TYPE_BLOCK, 'Product type', 'e.g. duffel bag', 'What the product is, in a shopper\'s words.'),
    ],
  };
}

interface SlackFile {
  readonly id?: string;
  readonly name?: string;
  readonly title?: string;
  readonly mimetype?: string;
  readonly size?: number;
  readonly url_private?: string;
  readonly url_private_download?: string;
}

type StateValues = Record<string, Record<string, { files?: readonly SlackFile[] | null; value?: string | null } | undefined>>;

export type DraftSubmission =
  | { readonly ok: true; readonly photos: DraftPhotoInput[]; readonly hints: DraftHints; readonly meta: DraftMeta }
  | { readonly ok: false; readonly errors: Record<string, string> };

/** The submitted form: Slack file references as draft photos; errors keyed by block, as Slack shows them. */
export function parseDraftSubmission(values: StateValues, privateMetadata: string): DraftSubmission {
  const files = values[BLOCK]?.[ACTION_ID]?.files ?? [];
  const meta = parseMeta(privateMetadata);
  if (!meta) return { ok: false, errors: { [BLOCK]: 'This form expired: run /listing draft again.' } };
  if (files.length === 0) return { ok: false, errors: { [BLOCK]: 'Attach at least one photo.' } };
  if (files.length > MAX_PHOTOS) return { ok: false, errors: { [BLOCK]: `At most ${MAX_PHOTOS} photos.` } };
  const notImage = files.find((f) => f.mimetype && !f.mimetype.startsWith('image/'));
  if (notImage) return { ok: false, errors: { [BLOCK]: `${truncate(notImage.name ?? 'A file', 60)} is not a photo: attach JPEG, PNG or WebP images.` } };
  const photos: DraftPhotoInput[] = [];
  for (const [i, f] of files.entries()) {
    const url = f.url_private_download ?? f.url_private;
    if (!url) return { ok: false, errors: { [BLOCK]: 'Slack did not share one of the files with the app: upload it again.' } };
    photos.push({
      kind: 'url',
      platform: 'slack',
      url,
      name: truncate(f.name ?? f.title ?? `photo ${i + 1}`, 200),
      ...(f.mimetype ? { mediaType: f.mimetype } : {}),
      ...(typeof f.size === 'number' ? { size: f.size } : {}),
    });
  }
  const hint = (block: string) => values[block]?.[HINT_ACTION]?.value?.trim() || undefined;
  const brand = hint(BRAND_BLOCK);
  const productType = hint(TYPE_BLOCK);
  return { ok: true, photos, hints: { ...(brand ? { brand } : {}), ...(productType ? { productType } : {}) }, meta };
}

function parseMeta(raw: string): DraftMeta | undefined {
  try {
    const m = JSON.parse(raw) as Partial<DraftMeta>;
    if (typeof m.channelId !== 'string') return undefined;
    return { channelId: m.channelId, ...(typeof m.responseUrl === 'string' ? { responseUrl: m.responseUrl } : {}) };
  } catch {
    return undefined;
  }
}

type ModalView = Parameters<WebClient['views']['open']>[0]['view'];

/** `/listing draft`: the form opens at once (a trigger_id lives 3 seconds). */
export async function openDraftForm(command: SlashCommand, client: WebClient, deps: SlackBotDeps): Promise<void> {
  try {
    await client.views.open({ trigger_id: command.trigger_id, view: draftModal({ channelId: command.channel_id, responseUrl: command.response_url }) as unknown as ModalView });
  } catch (e) {
    deps.logger.warn({ err: e }, 'slack: the draft form could not be opened');
    await sendPrivately(client, { channelId: command.channel_id, userId: command.user_id, responseUrl: command.response_url }, plain('The photo form could not be opened. Try `/listing draft` again.'), deps.logger);
  }
}

export function registerDraftForm(app: App, deps: SlackBotDeps): void {
  app.view(DRAFT_VIEW, async ({ ack, body, view, client }) => {
    const parsed = parseDraftSubmission(view.state.values, view.private_metadata);
    if (!parsed.ok) {
      await ack({ response_action: 'errors', errors: parsed.errors });
      return;
    }
    await ack();
    const req: SlackRequest = {
      teamId: body.team?.id ?? body.user.team_id ?? '',
      teamName: body.team?.domain,
      enterpriseId: body.enterprise?.id ?? undefined,
      channelId: parsed.meta.channelId,
      userId: body.user.id,
      responseUrl: parsed.meta.responseUrl,
    };
    // The view id is the form's: a redelivered submission finds the run it started.
    const ctx = { ...commandContext(req, `slack:draft:${view.id}`), photos: parsed.photos };
    // The form's Brand and Product type ride with the run's inputs (a hint the dispatcher already carries wins).
    const { hints } = parsed;
    const services = { ...deps.services, startDraft: (input: StartDraftInput) => deps.services.startDraft({
      ...input,
      hints: { brand: input.hints?.brand ?? hints.brand, productType: input.hints?.productType ?? hints.productType },
    }) };
    await answer({ name: 'draft' }, ctx, targetOf(req), client, { ...deps, services }, 'command');
  });
}
