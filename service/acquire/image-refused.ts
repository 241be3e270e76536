import { UserError } from '../domain/errors.ts';

/**
 * Why an image was not accepted. A refusal is expected (a listing may point anywhere), so the
 * caller reports it as a finding and goes on with the other images.
 */
export type ImageRefusalReason =
  /** The URL's host[:port] is not on the allow-list (IMAGE_HOSTS). */
  | 'host_not_allowed'
  /** Not https (plain http is only allowed from a listed loopback host), or not a web URL at all. */
  | 'not_https'
  /** Over the byte cap, whether declared by content-length or counted while streaming. */
  | 'too_large'
  /** Not a JPEG, PNG, WebP or GIF by its magic bytes, or it does not decode. */
  | 'not_an_image'
  /** Width × height over the pixel limit (a decompression bomb, or just too big). */
  | 'too_many_pixels'
  /** A redirect without a usable Location, to a refused URL, or one hop too many. */
  | 'redirect_refused'
  /** The server answered with a non-2xx, non-redirect status. */
  | 'http_status'
  /** The download took longer than its timeout. */
  | 'timeout'
  /** The connection failed (DNS, refused, reset). */
  | 'fetch_failed'
  /** A local image file is missing or cannot be read. */
  | 'unreadable';

export class ImageRefusedError extends UserError {
  readonly reason: ImageRefusalReason;
  /** The URL or file path that was refused (for redirects: the hop that was refused). */
  readonly source: string;
  constructor(reason: ImageRefusalReason, source: string, detail: string, options?: { cause?: unknown }) {
    super('image_refused', `Image refused (${reason}): ${detail} [${source}]`, options);
    this.reason = reason;
    this.source = source;
  }
}

export function isImageRefused(error: unknown): error is ImageRefusedError {
  return error instanceof ImageRefusedError;
}
