import { randomBytes } from 'node:crypto';
import type { ModelImage } from './provider.ts';

/**
 * Model request bodies whose images are base64-encoded once, however many calls carry them
 * (issue 22). Every stage is asked in both presentation orders at once, and the click and gallery
 * stages send the same main images side by side; built by the SDKs, each call made its own base64
 * string per image, the SDK JSON-encoded it again into the body string, and undici encoded that
 * string once more into bytes for the socket — three copies of every image per call, held for the
 * call's whole latency (4–15 s), which is what the service's peak RSS was made of.
 *
 * Here an image's base64 is made once into a Blob (off the V8 heap) while any call that carries
 * it is in flight — shared by sha256 and bytes — and a body is a Blob composed of the request's
 * JSON text and those shared Blobs: composing a Blob references its parts, it does not copy them,
 * and fetch streams it to the socket. The SDKs send a Blob body as it is (and can resend it on a
 * retry); the caller sets `content-type: application/json`.
 */

interface Encoded {
  readonly source: Buffer;
  readonly base64: Blob;
  holders: number;
}

const live = new Map<string, Encoded>();
let made = 0;

/** How many base64 encodings of images this process has made (tests read it). */
export function imageEncodings(): number {
  return made;
}

/**
 * The fetch options the model SDKs send their bodies with (their `fetchOptions`). Node's fetch
 * (undici) copies a request before sending it unless the request has no window and refuses
 * redirects (undici's httpNetworkOrCacheFetch → cloneRequest), and the copy tees the body
 * stream: every chunk of a multi-megabyte vision body cloned once more, and the whole body held a
 * second time for the call's latency. Measured on a 1.6 MB body, 20 at once: ~2.6–3.3 → ~1.7–1.9
 * ms of CPU per call; in the bench's burst a 126 ms stretch of the event loop was that copying
 * (issue 22). A model API never redirects a POST; one that did fails the call as a connection error.
 */
export const SEND_BODY_ONCE: { readonly redirect: 'error'; readonly window: null } = { redirect: 'error', window: null };

/** Markers the JSON text carries where an image goes: random, so no prompt text can forge one. */
const MARK = `img${randomBytes(12).toString('hex')}_`;
const MARKS = new RegExp(`${MARK}(\\d+)`);

const keyOf = (image: ModelImage) => `${image.sha256}:${image.mediaType}:${image.data.length}`;

function acquire(image: ModelImage): Encoded {
  const key = keyOf(image);
  const found = live.get(key);
  // The same derivative made twice (both orders resized it at once) has the same bytes.
  if (found && (found.source === image.data || found.source.equals(image.data))) {
    found.holders += 1;
    return found;
  }
  made += 1;
  const encoded: Encoded = { source: image.data, base64: new Blob([image.data.toString('base64')]), holders: 1 };
  // Another image under the same key (a test's placeholder hash) is encoded, not shared.
  if (!found) live.set(key, encoded);
  return encoded;
}

function release(image: ModelImage, encoded: Encoded): void {
  encoded.holders -= 1;
  const key = keyOf(image);
  if (encoded.holders === 0 && live.get(key) === encoded) live.delete(key);
}

/** Puts image `index`'s base64 (after `prefix`, e.g. `data:image/jpeg;base64,`) where the returned string stands in a JSON string value. */
export type ImageSlot = (index: number, prefix?: string) => string;

/** The JSON of `build(slot)` as a Blob, each slot replaced by its image's shared base64. */
export type ImageBody = (build: (slot: ImageSlot) => unknown) => Blob;

/**
 * Runs `use` with the request's images encoded (shared with every other call in flight that
 * carries them) and a function that makes a body of them; they are released when `use` settles.
 * A `prefix` must need no JSON escaping (ASCII, no quote or backslash), as base64 does not.
 */
export async function withImageBodies<R>(images: readonly ModelImage[], use: (body: ImageBody) => Promise<R>): Promise<R> {
  const held: Encoded[] = [];
  const body: ImageBody = (build) => {
    const prefixes: string[] = [];
    const text = JSON.stringify(build((index, prefix = '') => {
      if (!held[index]) throw new RangeError(`no image ${index} in this request`);
      if (!/^[\x20-\x7e]*$/.test(prefix) || /["\\]/.test(prefix)) throw new RangeError('an image prefix must be printable ASCII without a quote or backslash');
      prefixes[index] = prefix;
      return `${MARK}${index}`;
    }));
    // split with a capturing group: text, index, text, index, …, text.
    const pieces = text.split(MARKS);
    const parts: (string | Blob)[] = [];
    for (let i = 0; i < pieces.length; i += 1) {
      if (i % 2 === 0) {
        if (pieces[i]) parts.push(pieces[i]!);
      } else {
        const index = Number(pieces[i]);
        if (prefixes[index]) parts.push(prefixes[index]);
        parts.push(held[index]!.base64);
      }
    }
    return new Blob(parts);
  };
  try {
    for (const image of images) held.push(acquire(image));
    return await use(body);
  } finally {
    held.forEach((encoded, i) => release(images[i]!, encoded));
  }
}
