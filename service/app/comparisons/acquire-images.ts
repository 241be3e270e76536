import { acceptImage, downloadImage, type DownloadedImage, type FetchedImage } from '../../acquire/image-fetch.ts';
import { ImageRefusedError, isImageRefused } from '../../acquire/image-refused.ts';
import type { Db } from '../../db/client.ts';
import { getImages, insertImage } from '../../db/repos/blobs.ts';
import { touchImagesOfLiveRun } from '../../db/repos/run-image-touch.ts';
import type { AcquiredImage } from '../../stages/acquired.ts';
import pLimit from '../../support/limit.ts';

/** Images downloaded (or decoded) at once for one acquisition (both listings); each run has its own budget. */
const DOWNLOADS_PER_RUN = 8;

const BLOB_REF = /^sha256:([0-9a-f]{64})$/;

export interface StoredListingImages {
  /** Per side, in the order given: each image stored (with its hash) or refused. */
  readonly sides: AcquiredImage[][];
  /** Bytes in hand by content hash: the measurements read them from here, not back from storage. */
  readonly bytes: Map<string, Buffer>;
}

/**
 * Stage 0's images, both listings' as one batch: every URL downloaded once (the same photo on
 * both sides is one download), then one statement checks that the run still exists (its
 * workspace's data may have been deleted meanwhile: a run that is gone stores no images — they
 * would belong to no run) and looks up every downloaded hash in storage, refreshing its last use;
 * then only what storage does not know is decoded (`acceptImage`) and inserted. A lookup as each
 * download ended, and the run's check on its own, cost ~3.3 statements per run where the photos
 * were all stored (issue 22); this is one. The transport checks are `downloadImage`'s, unchanged.
 *
 * @returns undefined when the run is gone (nothing stored)
 * @throws anything but a refusal (the signal's abort, a database error); a refusal is an image's `refused`
 */
export async function storeListingImages(
  deps: { readonly db: Db; readonly allowedHosts: readonly string[] },
  runId: string,
  sides: readonly (readonly string[])[],
  signal: AbortSignal,
): Promise<StoredListingImages | undefined> {
  const limit = pLimit(DOWNLOADS_PER_RUN);
  const refs = sides.flat();
  const blobs = await getImages(deps.db, refs.flatMap((r) => BLOB_REF.exec(r)?.[1] ?? []));

  const downloads = new Map<string, Promise<DownloadedImage | ImageRefusedError>>();
  for (const ref of refs) {
    if (!BLOB_REF.test(ref) && !downloads.has(ref)) downloads.set(ref, limit(() => downloadImage(ref, { allowedHosts: deps.allowedHosts, signal })).catch(refusalOrThrow));
  }
  // Promise.all: a failure other than a refusal rejects at once, and no other is left unhandled.
  const downloaded = await settledMap(downloads);

  const fresh = [...downloaded].flatMap(([ref, d]) => (d instanceof ImageRefusedError ? [] : [{ ref, d }]));
  const known = await touchImagesOfLiveRun(deps.db, runId, fresh.map(({ d }) => d.sha256));
  if (!known) return undefined;
  // One decision (and at most one insert) per content: two URLs serving the same bytes share it.
  const accepted = new Map<string, Promise<FetchedImage | ImageRefusedError>>();
  for (const { ref, d } of fresh) {
    if (accepted.has(d.sha256)) continue;
    const accept = async () => {
      const img = await acceptImage(d, known.get(d.sha256));
      if (!img.known) await insertImage(deps.db, { sha256: img.sha256, mediaType: img.mediaType, width: img.width, height: img.height, bytes: img.bytes, sourceUrl: ref });
      return img;
    };
    accepted.set(d.sha256, limit(accept).catch(refusalOrThrow));
  }
  const images = await settledMap(accepted);

  const bytes = new Map<string, Buffer>();
  const acquired = sides.map((side) =>
    side.map((ref, index): AcquiredImage => {
      const blob = BLOB_REF.exec(ref)?.[1];
      if (blob) {
        const img = blobs.get(blob);
        if (!img) return { index, ref, refused: 'image_missing' };
        bytes.set(img.sha256, img.bytes);
        return { index, ref, sha256: img.sha256, mediaType: img.mediaType, width: img.width, height: img.height, animated: false };
      }
      const d = downloaded.get(ref)!;
      const img = d instanceof ImageRefusedError ? d : images.get(d.sha256)!;
      if (img instanceof ImageRefusedError) return { index, ref, refused: img.reason };
      bytes.set(img.sha256, img.bytes);
      return { index, ref, sha256: img.sha256, mediaType: img.mediaType, width: img.width, height: img.height, animated: img.animated };
    }),
  );
  return { sides: acquired, bytes };
}

async function settledMap<V>(pending: ReadonlyMap<string, Promise<V>>): Promise<Map<string, V>> {
  const keys = [...pending.keys()];
  const values = await Promise.all(pending.values());
  return new Map(keys.map((k, i) => [k, values[i]!]));
}

function refusalOrThrow(error: unknown): ImageRefusedError {
  if (isImageRefused(error)) return error;
  throw error;
}
