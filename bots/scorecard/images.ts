import sharp from 'sharp';

/**
 * Stored images (by SHA-256) made ready to embed in the scorecard's SVG: read through the
 * injected loader, turned upright, flattened on white, resized to fit the box they are drawn in
 * and re-encoded as JPEG, then inlined as a data URI (the SVG renderer fetches nothing).
 */

/** Reads a stored image's bytes by content hash; undefined when it is not stored. */
export type LoadImage = (sha256: string) => Promise<Buffer | undefined>;

export interface Embedded {
  readonly href: string;
  /** The resized image's size in pixels (fits the box asked for, aspect kept). */
  readonly width: number;
  readonly height: number;
}

/**
 * Images made ready recently, by content hash and box, least recently used first: the same photo
 * is drawn in many scorecards — a seller's own main image in each comparison against another
 * competitor, a run's card drawn again — and reading it back from the database, decoding,
 * resizing and re-encoding it was most of a scorecard's libvips time and two statements (issue
 * 22). Keyed by content, an entry can never be stale; bounded by the size of what it holds.
 */
const recent = new Map<string, Embedded>();
const RECENT_MAX_CHARS = 8 * 1024 * 1024;
let recentChars = 0;

/** Forgets every recently embedded image (tests). */
export function forgetEmbedded(): void {
  recent.clear();
  recentChars = 0;
}

function remember(key: string, image: Embedded): void {
  recent.set(key, image);
  recentChars += image.href.length;
  for (const [k, old] of recent) {
    if (recentChars <= RECENT_MAX_CHARS) break;
    recent.delete(k);
    recentChars -= old.href.length;
  }
}

/** The image fitted inside `box` × `box` pixels; undefined when it cannot be read or decoded. */
export async function embed(load: LoadImage, sha256: string | undefined, box: number): Promise<Embedded | undefined> {
  if (!sha256) return undefined;
  const key = `${sha256}:${box}`;
  const hit = recent.get(key);
  if (hit) {
    recent.delete(key);
    recent.set(key, hit);
    return hit;
  }
  try {
    const bytes = await load(sha256);
    if (!bytes) return undefined;
    const { data, info } = await sharp(bytes, { limitInputPixels: 100_000_000 })
      .rotate()
      .flatten({ background: '#ffffff' })
      .resize(box, box, { fit: 'inside' })
      .jpeg({ quality: 86 })
      .toBuffer({ resolveWithObject: true });
    const made = { href: `data:image/jpeg;base64,${data.toString('base64')}`, width: info.width, height: info.height };
    remember(key, made);
    return made;
  } catch {
    return undefined; // an unreadable image is drawn as "image not available", never a failed scorecard (and not remembered)
  }
}

/**
 * Where an image of `img`'s size sits centred in a `box` × `box` square at (x, y): at its own
 * size when it fits (embed made it for this box), so it is drawn pixel for pixel (`exact`), else
 * scaled down to fit.
 */
export function centred(img: Embedded, x: number, y: number, box: number) {
  const scale = Math.min(1, box / img.width, box / img.height);
  const w = Math.round(img.width * scale);
  const h = Math.round(img.height * scale);
  return { x: x + Math.round((box - w) / 2), y: y + Math.round((box - h) / 2), width: w, height: h, exact: scale === 1 };
}
