import { fetchImage } from '../../acquire/image-fetch.ts';
import { isImageRefused } from '../../acquire/image-refused.ts';
import { PermanentError } from '../../domain/errors.ts';
import type { DraftPhotos } from '../../domain/draft-outputs.ts';
import type { Db } from '../../db/client.ts';
import { getImages, insertImage, touchImage, type StoredImage } from '../../db/repos/blobs.ts';
import { productColours } from '../../providers/rules/product-colours.ts';
import type { Measured } from '../../stages/analyze.ts';
import { mergeOcr, productCrop } from '../../stages/draft-ocr.ts';
import { assessPhotos, type MeasuredPhoto, type RefusedPhoto } from '../../stages/draft-photos.ts';
import type { RunOrigin } from '../delivery/index.ts';
import { createHash } from 'node:crypto';
import pLimit from '../../support/limit.ts';
import type { DraftPhotoInput } from './start-draft.ts';

/**
 * Stage draft_acquire: every photo stored by content (chat uploads downloaded under the same
 * limits as listing images — allow-listed hosts per platform, a byte cap while streaming, content
 * sniffing, a pixel cap), then measured by the rules engine (metrics and OCR, cached by content)
 * (the product region is read a second time, enlarged, for logos) and judged: the main-image pick
 * and what to reshoot. A photo that cannot be used is reported
 * and the others go on; with none usable the stage fails (and the run is refunded).
 */

export interface DraftAcquireDeps {
  readonly db: Db;
  /** The rules engine's measurement of one image (RulesAnalyzer.measure). */
  readonly measure: (img: { sha256: string; bytes: Buffer }, withOcr: boolean) => Promise<Measured>;
  /** Hosts a chat upload may be downloaded from, per platform (acquire/chat-photos.ts). */
  readonly photoHosts: { readonly slack: readonly string[]; readonly discord: readonly string[] };
  /** The workspace's Slack bot token (files are private to it); undefined when there is none. */
  readonly slackToken: (teamId: string, enterpriseId: string | undefined) => Promise<string | undefined>;
}

const downloads = pLimit(4);

type Loaded = { ok: true; index: number; name: string; image: StoredImage } | { ok: false; refused: RefusedPhoto };

async function load(deps: DraftAcquireDeps, photos: readonly DraftPhotoInput[], origin: RunOrigin, signal: AbortSignal): Promise<Loaded[]> {
  const stored = await getImages(deps.db, photos.flatMap((p) => (p.kind === 'blob' ? [p.sha256] : [])));
  const token = origin.platform === 'slack' && photos.some((p) => p.kind === 'url' && p.platform === 'slack') ? await deps.slackToken(origin.teamId, origin.enterpriseId) : undefined;
  return Promise.all(
    photos.map((p, index) =>
      downloads(async (): Promise<Loaded> => {
        const refused = (reason: string): Loaded => ({ ok: false, refused: { index, name: p.name, reason } });
        if (p.kind === 'blob') {
          const image = stored.get(p.sha256);
          return image ? { ok: true, index, name: p.name, image } : refused('image_missing');
        }
        if (p.platform === 'slack' && !token) return refused('no Slack bot token for this workspace');
        try {
          const img = await fetchImage(p.url, {
            allowedHosts: deps.photoHosts[p.platform],
            signal,
            known: (sha) => touchImage(deps.db, sha),
            ...(p.platform === 'slack' && token ? { authorization: `Bearer ${token}` } : {}),
          });
          if (img.animated) return refused('animated image');
          const image: StoredImage = { sha256: img.sha256, mediaType: img.mediaType, width: img.width, height: img.height, bytes: img.bytes, sourceUrl: `${p.platform}:${p.name}` };
          if (!img.known) await insertImage(deps.db, image);
          return { ok: true, index, name: p.name, image };
        } catch (e) {
          if (isImageRefused(e)) return refused(e.reason === 'http_status' ? e.message.replace(/\s*\[.*$/, '') : e.reason);
          throw e;
        }
      }),
    ),
  );
}

export async function acquireDraftPhotos(deps: DraftAcquireDeps, photos: readonly DraftPhotoInput[], origin: RunOrigin, at: Date, signal: AbortSignal): Promise<DraftPhotos> {
  const loaded = await load(deps, photos, origin, signal);
  const refused = loaded.flatMap((l) => (l.ok ? [] : [l.refused]));
  const usable = loaded.flatMap((l) => (l.ok ? [l] : []));
  if (usable.length === 0) {
    const why = refused.map((r) => `photo ${r.index + 1} (${r.name}): ${r.reason}`).join('; ');
    throw new PermanentError('acquisition_failed', `None of the ${photos.length} photos could be used — ${why}`.slice(0, 480));
  }
  const measured: MeasuredPhoto[] = await Promise.all(
    usable.map(async (u) => {
      const m = await deps.measure({ sha256: u.image.sha256, bytes: u.image.bytes }, true);
      // The product cut out and enlarged is read again: a logo too small to read in the whole photo.
      const crop = await productCrop(u.image.bytes, m.metrics);
      const cropOcr = crop ? (await deps.measure({ sha256: createHash('sha256').update(crop.bytes).digest('hex'), bytes: crop.bytes }, true)).ocr : null;
      const ocr = crop ? mergeOcr(m.ocr, cropOcr, crop) : m.ocr;
      return { index: u.index, name: u.name, sha256: u.image.sha256, metrics: m.metrics, ocr, colours: await productColours(u.image.bytes, m.metrics) };
    }),
  );
  return assessPhotos(measured, refused, at);
}
