import { readListingFolder } from '../../acquire/folder-source.ts';
import { readLocalImage } from '../../acquire/image-fetch.ts';
import type { Db } from '../../db/client.ts';
import { putImage } from '../../db/repos/blobs.ts';
import type { ListingInputRef } from '../../domain/listing.ts';

/**
 * A listing folder (listing.json + images) → a manual listing whose local images are stored as
 * blobs and referenced by content ("sha256:<hex>"), so the run depends on the images' content,
 * never on the folder's path. URL images stay URLs (downloaded by stage 0 under the allow-list).
 */
export async function importListingFolder(db: Db, folder: string): Promise<ListingInputRef> {
  const read = await readListingFolder(folder);
  const refs: string[] = [];
  for (const img of read.images) {
    if (img.kind === 'url') {
      refs.push(img.url);
      continue;
    }
    const local = await readLocalImage(img.path);
    await putImage(db, { sha256: local.sha256, mediaType: local.mediaType, width: local.width, height: local.height, bytes: local.bytes, sourceUrl: null });
    refs.push(`sha256:${local.sha256}`);
  }
  // No ASIN: the title names the listing (never the folder's path, which says nothing to a reader).
  const title = read.listing.title;
  const label = read.listing.asin ?? (title.length > 32 ? `${title.slice(0, 31)}…` : title);
  return { kind: 'manual', label, listing: { ...read.listing, images: refs } };
}
