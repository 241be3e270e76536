import { z } from 'zod';
import { draftStagePrices } from '../../domain/draft-flow.ts';
import { UserError } from '../../domain/errors.ts';
import { refuseSpend } from '../credits/index.ts';
import type { Run } from '../../db/repos/runs.ts';
import type { WorkspaceRef } from '../../db/repos/workspaces.ts';
import type { RunOrigin } from '../delivery/index.ts';
import { createRun, existingAfterRace, openRunCreation, type ComparisonDeps } from '../comparisons/index.ts';

/**
 * Photos → listing drafts: the use-case every front end calls (PRODUCT.md "Photos → listing
 * drafts"). One transaction, like a comparison: the workspace, the run and its four stage rows,
 * the credit reservation (a draft costs `pricing.draft`; the operator's terminal is unmetered),
 * and — when one of the workspace's running slots is free — the first job. Photos are references
 * only: blobs already stored (the CLI), or chat uploads the first stage downloads under the
 * download limits (Slack files with the bot token, Discord's attachment CDN).
 */

/** PRODUCT.md: 1–8 photos. */
export const DRAFT_PHOTOS_MIN = 1;
export const DRAFT_PHOTOS_MAX = 8;
/** A chat upload announced as larger than this is refused before anything starts (the download cap). */
export const DRAFT_PHOTO_MAX_BYTES = 15 * 1024 * 1024;

const Name = z.string().trim().min(1).max(200);

export const DraftPhotoInputSchema = z.discriminatedUnion('kind', [
  /** A photo already stored by content (the CLI reads files and stores them first). */
  z.object({ kind: z.literal('blob'), sha256: z.string().regex(/^[0-9a-f]{64}$/), name: Name }),
  /** A chat upload: downloaded by draft_acquire from the platform's file hosts only. */
  z.object({
    kind: z.literal('url'),
    platform: z.enum(['slack', 'discord']),
    url: z.url({ protocol: /^https?$/ }).max(2000),
    name: Name,
    /** What the platform says it is (checked again by content when downloaded). */
    mediaType: z.string().max(100).optional(),
    size: z.number().int().nonnegative().optional(),
  }),
]);
export type DraftPhotoInput = z.infer<typeof DraftPhotoInputSchema>;

export interface DraftHints {
  readonly brand?: string | undefined;
  readonly productType?: string | undefined;
}

export interface StartDraftInput {
  readonly workspace: WorkspaceRef;
  readonly photos: readonly DraftPhotoInput[];
  /**
   * What the seller told us (the draft form's fields, Discord's options, the CLI's flags): the
   * brand and the product type win over what the photos suggest. Optional; blank means unknown.
   */
  readonly hints?: DraftHints;
  /** The platform's command or interaction id: a redelivery returns the same run. */
  readonly requestKey?: string;
  readonly requestedBy?: string;
  readonly origin?: RunOrigin;
}

export type StartDraftResult =
  | { readonly kind: 'created'; readonly run: Run; readonly balance: number; readonly queuePosition: number | null }
  | { readonly kind: 'existing'; readonly run: Run; readonly reason: 'same_request'; readonly queuePosition: number | null };

/** The photos, checked: 1–8, each an image by what its platform says (its content is checked on download). */
export function checkDraftPhotos(photos: readonly unknown[]): DraftPhotoInput[] {
  if (photos.length < DRAFT_PHOTOS_MIN) throw new UserError('missing_argument', 'Attach 1–8 photos of the product to get listing drafts.');
  if (photos.length > DRAFT_PHOTOS_MAX) throw new UserError('extra_argument', `At most ${DRAFT_PHOTOS_MAX} photos per draft; ${photos.length} were attached.`);
  return photos.map((raw, i) => {
    const p = DraftPhotoInputSchema.safeParse(raw);
    if (!p.success) throw new UserError('bad_command', `Photo ${i + 1} could not be read (${p.error.issues[0]?.message ?? 'invalid'}).`);
    const photo = p.data;
    if (photo.kind === 'url' && photo.mediaType && !photo.mediaType.startsWith('image/')) {
      throw new UserError('image_refused', `${photo.name} is not a photo (${photo.mediaType}): attach JPEG, PNG, WebP or GIF images.`);
    }
    if (photo.kind === 'url' && photo.size !== undefined && photo.size > DRAFT_PHOTO_MAX_BYTES) {
      throw new UserError('image_refused', `${photo.name} is ${(photo.size / 1024 / 1024).toFixed(1)} MB; photos are taken up to ${DRAFT_PHOTO_MAX_BYTES / 1024 / 1024} MB.`);
    }
    return photo;
  });
}

/** The seller's hints as stored with the run: trimmed, at most 80 characters, blank ones left out. */
export function cleanDraftHints(hints: DraftHints | undefined): DraftHints | undefined {
  const clean = (v: string | undefined) => {
    const x = v?.replace(/\s+/g, ' ').trim().slice(0, 80);
    return x ? x : undefined;
  };
  const brand = clean(hints?.brand);
  const productType = clean(hints?.productType);
  if (!brand && !productType) return undefined;
  return { ...(brand ? { brand } : {}), ...(productType ? { productType } : {}) };
}

export async function startDraft(deps: ComparisonDeps, input: StartDraftInput): Promise<StartDraftResult> {
  const photos = checkDraftPhotos(input.photos);
  const hints = cleanDraftHints(input.hints);
  const metered = deps.metered(input.workspace.platform);
  const prices = draftStagePrices(deps.pricing.draft, metered);
  const cost = prices.reduce((sum, p) => sum + p.credits, 0);
  if (cost > deps.pricing.perRunMax) throw new UserError('run_over_maximum', `A draft costs ${cost} credits, over this workspace's per-run maximum of ${deps.pricing.perRunMax} credits.`);

  try {
    return await deps.db.transaction(async (tx) => {
      const { ws, now, facts, existing } = await openRunCreation(tx, { workspace: input.workspace, freeCredits: metered ? deps.freeCredits : 0, requestKey: input.requestKey, now: () => deps.clock.now() });
      // Without `dedup` the only run found is this request's own (a redelivery).
      if (existing) return { ...existing, reason: 'same_request' as const };
      if (cost > 0) refuseSpend(ws, cost, facts.usedToday, deps.dailyCap, 'a draft');
      const note = `listing drafts from ${photos.length} photo${photos.length === 1 ? '' : 's'}`;
      return createRun(tx, {
        ws,
        facts,
        run: {
          kind: 'draft',
          status: 'queued',
          inputs: { photos, ...(hints ? { hints } : {}) },
          dedupKey: null,
          fresh: true,
          requestKey: input.requestKey ?? null,
          requestedBy: input.requestedBy ?? null,
          origin: input.origin ?? { platform: 'cli' },
          pinnedPrompts: deps.prompts.pinAll(),
          reservedCredits: cost,
          createdAt: now,
        },
        stages: prices,
        cost,
        note,
        maxRunning: metered ? deps.maxRunning : Infinity,
        now,
      });
    });
  } catch (e) {
    return existingAfterRace(deps.db, input.workspace, input.requestKey, e);
  }
}

