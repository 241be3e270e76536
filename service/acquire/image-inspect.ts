import sharp from 'sharp';
import { ImageRefusedError } from './image-refused.ts';

/**
 * What bytes are, decided by their content — never by a file name or a Content-Type header.
 * Shared by downloads and local files so both obey the same limits.
 */

export type ImageMediaType = 'image/jpeg' | 'image/png' | 'image/webp' | 'image/gif';

/** Default pixel limit: 50 megapixels (Amazon asks for ≥ 1000 px on the long side; 10000×5000 passes). */
export const DEFAULT_MAX_PIXELS = 50_000_000;

export interface ImageInfo {
  readonly mediaType: ImageMediaType;
  /** Display size: EXIF orientation applied; for animations, one frame. */
  readonly width: number;
  readonly height: number;
  /** More than one frame (animated GIF or WebP): not acceptable as a main image. */
  readonly animated: boolean;
}

/** The media type by magic bytes, or undefined for anything but JPEG, PNG, WebP and GIF. */
export function sniffMediaType(bytes: Uint8Array): ImageMediaType | undefined {
  const starts = (sig: readonly number[], at = 0) => sig.every((b, i) => bytes[at + i] === b);
  if (starts([0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (starts([0x47, 0x49, 0x46, 0x38]) && (bytes[4] === 0x37 || bytes[4] === 0x39) && bytes[5] === 0x61) return 'image/gif';
  if (starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8)) return 'image/webp';
  return undefined;
}

const SHARP_FORMAT: Record<ImageMediaType, string> = {
  'image/jpeg': 'jpeg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
};

/**
 * Sniffs, reads the header and decodes the image once (to a tiny thumbnail, so a valid header
 * over garbage is caught) under `limitInputPixels`: a decompression bomb is refused from its
 * header, before any pixel is inflated.
 *
 * @throws ImageRefusedError `not_an_image` or `too_many_pixels`
 */
export async function inspectImage(bytes: Buffer, source: string, maxPixels = DEFAULT_MAX_PIXELS): Promise<ImageInfo> {
  const mediaType = sniffMediaType(bytes);
  if (!mediaType) throw new ImageRefusedError('not_an_image', source, 'not a JPEG, PNG, WebP or GIF');
  const open = () => sharp(bytes, { limitInputPixels: maxPixels, failOn: 'error' });
  try {
    const meta = await open().metadata();
    if (meta.format !== SHARP_FORMAT[mediaType]) {
      throw new ImageRefusedError('not_an_image', source, `content is ${meta.format}, not ${mediaType}`);
    }
    const width = meta.autoOrient.width;
    const height = meta.autoOrient.height;
    if (!(width > 0 && height > 0)) throw new ImageRefusedError('not_an_image', source, 'no dimensions');
    if (width * height > maxPixels) {
      throw new ImageRefusedError('too_many_pixels', source, `${width}×${height} is over ${maxPixels} pixels`);
    }
    await open().resize(16, 16, { fit: 'inside' }).raw().toBuffer();
    return { mediaType, width, height, animated: (meta.pages ?? 1) > 1 };
  } catch (error) {
    if (error instanceof ImageRefusedError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    if (/pixel limit/i.test(message)) {
      throw new ImageRefusedError('too_many_pixels', source, `over the ${maxPixels}-pixel limit`, { cause: error });
    }
    throw new ImageRefusedError('not_an_image', source, `does not decode: ${message}`, { cause: error });
  }
}

/**
 * Whether bytes already accepted once (same SHA-256 as a stored image) hold an animation: only
 * GIF and WebP can, and the frame count is in their header — nothing is decoded.
 */
export async function isAnimated(bytes: Buffer, mediaType: ImageMediaType): Promise<boolean> {
  if (mediaType !== 'image/gif' && mediaType !== 'image/webp') return false;
  const meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  return (meta.pages ?? 1) > 1;
}
