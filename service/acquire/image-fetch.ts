import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { DEFAULT_MAX_PIXELS, inspectImage, isAnimated, sniffMediaType } from './image-inspect.ts';
import type { ImageInfo, ImageMediaType } from './image-inspect.ts';
import { ImageRefusedError } from './image-refused.ts';

/**
 * Safe image download (PRODUCT.md, Security: "Image downloads only from allowed hosts, with size
 * and pixel limits"). Every hop is checked against the allow-list, the byte cap is enforced while
 * streaming (whatever content-length says), the content is sniffed by magic bytes and decoded
 * under a pixel limit. Anything refused raises `ImageRefusedError` with a reason, so the caller
 * can report a finding and go on.
 */

/** Amazon's image hosts: the default allow-list (IMAGE_HOSTS overrides it). */
export const DEFAULT_IMAGE_HOSTS: readonly string[] = [
  'm.media-amazon.com', 'images-na.ssl-images-amazon.com', 'images-eu.ssl-images-amazon.com', 'images-fe.ssl-images-amazon.com', 'ecx.images-amazon.com',
];

/** 15 MB. */
export const DEFAULT_MAX_IMAGE_BYTES = 15 * 1024 * 1024;

export interface ImageLimits {
  /** Byte cap (default `DEFAULT_MAX_IMAGE_BYTES`, 15 MB). */
  readonly maxBytes?: number;
  /** Width × height cap, passed to sharp's `limitInputPixels` (default 50 megapixels). */
  readonly maxPixels?: number;
}

export interface ImageFetchOptions extends ImageLimits {
  /**
   * Hosts images may come from: `host` (default port only) or `host:port`, compared with the URL's
   * host[:port] case-insensitively. Default `DEFAULT_IMAGE_HOSTS`.
   */
  readonly allowedHosts?: readonly string[];
  /** Redirects followed (each hop re-checked); default 3. */
  readonly maxRedirects?: number;
  /** Whole download, redirects included; default 15 000 ms. */
  readonly timeoutMs?: number;
  /** Caller's abort: the promise rejects with `signal.reason` (not a refusal). */
  readonly signal?: AbortSignal;
  /** Storage's record of content already accepted (see `FetchedImage.known`). Default: none. */
  readonly known?: KnownImageLookup;
  /**
   * Sent as the Authorization header to the first URL's host only (Slack's private files need
   * the bot token); a redirect to any other host drops it. Default: none.
   */
  readonly authorization?: string;
}

export interface FetchedImage extends ImageInfo {
  /** The original bytes, as served. */
  readonly bytes: Buffer;
  /** SHA-256 (hex) of `bytes`: the image's identity in caches and storage. */
  readonly sha256: string;
  /** `known` recognised the content: it was inspected when first stored, not decoded again. */
  readonly known?: boolean;
}

/** What storage already knows of an accepted image, by content hash. */
export type KnownImageLookup = (sha256: string) => Promise<{ readonly mediaType: string; readonly width: number; readonly height: number } | undefined>;
export type { ImageMediaType };

const LOOPBACK_HOSTNAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * Downloads one image.
 *
 * @throws ImageRefusedError for every refusal (reasons in image-refused.ts)
 * @throws `options.signal.reason` when the caller aborts
 */
export async function fetchImage(url: string, options: ImageFetchOptions = {}): Promise<FetchedImage> {
  const downloaded = await downloadImage(url, options);
  return acceptImage(downloaded, await options.known?.(downloaded.sha256), options);
}

/** Bytes a download brought under every transport check, hashed but not yet decoded (`acceptImage`). */
export interface DownloadedImage {
  readonly bytes: Buffer;
  /** SHA-256 (hex) of `bytes`. */
  readonly sha256: string;
  /** The URL the bytes came from (the last redirect hop): what a refusal names. */
  readonly source: string;
}

/**
 * The transport half of `fetchImage`: allow-list on every hop, redirects, the byte cap while
 * streaming, the magic-bytes sniff of the first bytes, the timeout. A caller that downloads
 * several images can look their hashes up in storage at once before `acceptImage`.
 *
 * @throws ImageRefusedError for every refusal of the transport (the decode is `acceptImage`'s)
 * @throws `options.signal.reason` when the caller aborts
 */
export async function downloadImage(url: string, options: Omit<ImageFetchOptions, 'known' | 'maxPixels'> = {}): Promise<DownloadedImage> {
  const allowed = normaliseHosts(options.allowedHosts ?? DEFAULT_IMAGE_HOSTS);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_IMAGE_BYTES;
  const maxRedirects = options.maxRedirects ?? 3;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;

  let current = checkUrl(url, allowed);
  const firstHost = current.host;
  let bytes: Buffer | undefined;
  try {
    for (let hop = 0; bytes === undefined; hop++) {
      const response = await fetch(current, {
        redirect: 'manual',
        signal,
        // identity: a gzip-encoded body would be inflated by fetch; the cap counts inflated bytes anyway.
        headers: {
          accept: 'image/avif,image/webp,image/png,image/jpeg,image/gif;q=0.9',
          'accept-encoding': 'identity',
          ...(options.authorization && current.host === firstHost ? { authorization: options.authorization } : {}),
        },
      });
      if (REDIRECT_STATUSES.has(response.status)) {
        await discard(response);
        current = nextHop(current, response.headers.get('location'), hop, maxRedirects, allowed);
        continue;
      }
      if (response.status < 200 || response.status > 299) {
        await discard(response);
        throw new ImageRefusedError('http_status', current.href, `HTTP ${response.status}`);
      }
      bytes = await readCapped(response, maxBytes, current.href);
    }
  } catch (error) {
    if (error instanceof ImageRefusedError) throw error;
    if (options.signal?.aborted) throw options.signal.reason;
    if (timeout.aborted) {
      throw new ImageRefusedError('timeout', current.href, `no complete answer within ${timeoutMs} ms`, { cause: error });
    }
    const message = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
    throw new ImageRefusedError('fetch_failed', current.href, message, { cause: error });
  }
  return { bytes, sha256: sha256Hex(bytes), source: current.href };
}

/**
 * The content half of `fetchImage`: sniffs the bytes and decodes them under the pixel limit —
 * unless `known` (storage's record of the same hash) says they were accepted before: they passed
 * every check then, and decoding them again is the costliest step of a download and would tell
 * nothing new.
 *
 * @throws ImageRefusedError `not_an_image` or `too_many_pixels`
 */
export async function acceptImage(downloaded: DownloadedImage, known: Awaited<ReturnType<KnownImageLookup>>, limits: Pick<ImageLimits, 'maxPixels'> = {}): Promise<FetchedImage> {
  const { bytes, sha256, source } = downloaded;
  const mediaType = sniffMediaType(bytes);
  if (known && mediaType && mediaType === known.mediaType) {
    return { mediaType, width: known.width, height: known.height, animated: await isAnimated(bytes, mediaType), bytes, sha256, known: true };
  }
  const info = await inspectImage(bytes, source, limits.maxPixels ?? DEFAULT_MAX_PIXELS);
  return { ...info, bytes, sha256 };
}

/**
 * Reads an image file from disk under the same sniffing and limits as a download (folder listings).
 *
 * @throws ImageRefusedError (`unreadable` when the file is missing or not a regular file)
 */
export async function readLocalImage(path: string, limits: ImageLimits = {}): Promise<FetchedImage> {
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_IMAGE_BYTES;
  let bytes: Buffer;
  try {
    const handle = await open(path, 'r');
    try {
      const stat = await handle.stat();
      if (!stat.isFile()) throw new ImageRefusedError('unreadable', path, 'not a regular file');
      if (stat.size > maxBytes) throw new ImageRefusedError('too_large', path, `${stat.size} bytes is over ${maxBytes}`);
      // Read at most one byte past the cap: a file that grew since stat() cannot get past it.
      const buffer = Buffer.alloc(Math.min(stat.size, maxBytes) + 1);
      let filled = 0;
      for (;;) {
        const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
        if (filled === buffer.length) break;
      }
      if (filled > maxBytes) throw new ImageRefusedError('too_large', path, `over ${maxBytes} bytes`);
      bytes = buffer.subarray(0, filled);
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (error instanceof ImageRefusedError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new ImageRefusedError('unreadable', path, code === 'ENOENT' ? 'file not found' : `cannot read (${code})`, { cause: error });
  }
  const info = await inspectImage(bytes, path, limits.maxPixels ?? DEFAULT_MAX_PIXELS);
  return { ...info, bytes, sha256: sha256Hex(bytes) };
}

/** Whether `url` may be downloaded under `allowedHosts` (same rules as `fetchImage`), without fetching. */
export function isImageUrlAllowed(url: string, allowedHosts: readonly string[] = DEFAULT_IMAGE_HOSTS): boolean {
  try {
    checkUrl(url, normaliseHosts(allowedHosts));
    return true;
  } catch {
    return false;
  }
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function normaliseHosts(hosts: readonly string[]): Set<string> {
  return new Set(
    hosts
      .map((h) => h.trim().toLowerCase())
      .filter((h) => h.length > 0)
      // A bare IPv6 address ("::1") is written the way URL.host writes it ("[::1]").
      .map((h) => (h.includes(':') && !h.startsWith('[') && (h.match(/:/g) ?? []).length > 1 ? `[${h}]` : h)),
  );
}

/** Parses and checks one URL (the first, or a redirect hop). */
function checkUrl(input: string | URL, allowed: ReadonlySet<string>): URL {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new ImageRefusedError('not_https', String(input), 'not a valid URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ImageRefusedError('not_https', url.href, `${url.protocol} URLs are not downloaded`);
  }
  if (url.username || url.password) {
    throw new ImageRefusedError('host_not_allowed', url.origin, 'URLs with credentials are not downloaded');
  }
  // url.host omits the scheme's default port, so `host` entries match only the default port.
  if (!allowed.has(url.host.toLowerCase())) {
    throw new ImageRefusedError('host_not_allowed', url.href, `${url.host} is not an allowed image host`);
  }
  if (url.protocol === 'http:' && !LOOPBACK_HOSTNAMES.has(url.hostname.toLowerCase())) {
    throw new ImageRefusedError('not_https', url.href, 'plain http is only allowed from a loopback host');
  }
  return url;
}

function nextHop(current: URL, location: string | null, hop: number, maxRedirects: number, allowed: ReadonlySet<string>): URL {
  if (hop >= maxRedirects) throw new ImageRefusedError('redirect_refused', current.href, `more than ${maxRedirects} redirects`);
  if (!location) throw new ImageRefusedError('redirect_refused', current.href, 'redirect without a Location');
  let next: URL;
  try {
    next = new URL(location, current);
  } catch {
    throw new ImageRefusedError('redirect_refused', current.href, `redirect to an invalid URL: ${location}`);
  }
  try {
    return checkUrl(next, allowed);
  } catch (error) {
    const why = error instanceof ImageRefusedError ? error.reason : 'invalid';
    throw new ImageRefusedError('redirect_refused', next.href, `redirect from ${current.host} refused (${why})`, { cause: error });
  }
}

/**
 * The body, counted as it streams: refused as soon as it passes `maxBytes` (a declared
 * content-length over the cap is refused before reading), or as soon as its first bytes show it
 * is not an image.
 */
async function readCapped(response: Response, maxBytes: number, source: string): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await discard(response);
    throw new ImageRefusedError('too_large', source, `declared ${declared} bytes, over ${maxBytes}`);
  }
  if (!response.body) return Buffer.alloc(0);
  const reader: ReadableStreamDefaultReader<Uint8Array> = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  let sniffed = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new ImageRefusedError('too_large', source, `over ${maxBytes} bytes`);
    }
    chunks.push(value);
    if (!sniffed && total >= 12) {
      sniffed = true;
      // The first chunk nearly always holds the 12 bytes the sniff reads: no copy then.
      if (!sniffMediaType(chunks.length === 1 ? value : Buffer.concat(chunks, total))) {
        await reader.cancel().catch(() => undefined);
        throw new ImageRefusedError('not_an_image', source, 'not a JPEG, PNG, WebP or GIF');
      }
    }
  }
  return Buffer.concat(chunks, total);
}

async function discard(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => undefined);
}
