import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES_DIR, animatedGif, decompressionBomb, startImageHost } from '../../test/emulators/image-host.ts';
import type { ImageHost } from '../../test/emulators/image-host.ts';
import { DEFAULT_IMAGE_HOSTS, acceptImage, downloadImage, fetchImage, isImageUrlAllowed, readLocalImage, sha256Hex } from './image-fetch.ts';
import type { ImageFetchOptions } from './image-fetch.ts';
import { ImageRefusedError } from './image-refused.ts';
import type { ImageRefusalReason } from './image-refused.ts';

let host: ImageHost;
let opts: ImageFetchOptions;
let dir: string;

beforeAll(async () => {
  host = await startImageHost();
  opts = { allowedHosts: [host.host] };
  dir = await mkdtemp(join(tmpdir(), 'image-fetch-'));
});
afterAll(async () => {
  await host.close();
  await rm(dir, { recursive: true, force: true });
});

async function refusal(promise: Promise<unknown>): Promise<ImageRefusedError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ImageRefusedError);
  return error as ImageRefusedError;
}

async function expectRefused(promise: Promise<unknown>, reason: ImageRefusalReason): Promise<ImageRefusedError> {
  const error = await refusal(promise);
  expect(error.reason, error.message).toBe(reason);
  expect(error.code).toBe('image_refused');
  return error;
}

describe('fetchImage: success', () => {
  it('downloads a fixture: bytes and sha256 equal the file, size and type from the content', async () => {
    const file = await readFile(`${FIXTURES_DIR}abo/B0799CK52K/d80a51d3.jpg`);
    const image = await fetchImage(`${host.url}/abo/B0799CK52K/d80a51d3.jpg`, opts);
    expect(image.bytes.equals(file)).toBe(true);
    expect(image.sha256).toBe(sha256Hex(file));
    expect(image.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(image.mediaType).toBe('image/jpeg');
    expect(image.width).toBeGreaterThan(0);
    expect(image.height).toBeGreaterThan(0);
    expect(image.animated).toBe(false);
  });

  it('sniffs PNG whatever the server calls it', async () => {
    const image = await fetchImage(`${host.url}/saleor/saleor-white-parrot-cushion.png`, opts);
    expect(image).toMatchObject({ mediaType: 'image/png', width: 1024, height: 1024 });
  });

  it('follows up to 3 redirects on an allowed host', async () => {
    const image = await fetchImage(`${host.url}/redirects/3/abo/B074M5HPBD/dcace9b5.jpg`, opts);
    expect(image.mediaType).toBe('image/jpeg');
  });

  it('flags an animated GIF (not a valid main image)', async () => {
    const image = await fetchImage(`${host.url}/animated.gif`, opts);
    expect(image).toMatchObject({ mediaType: 'image/gif', animated: true, width: 40, height: 40 });
    expect(image.sha256).toBe(sha256Hex(await animatedGif()));
  });
});

describe('fetchImage: content already stored', () => {
  const url = () => `${host.url}/saleor/saleor-white-parrot-cushion.png`;

  it('takes what storage recorded for the same hash instead of decoding again', async () => {
    const asked: string[] = [];
    // Storage's record, deliberately not the file's real 1024×1024: proves it was used.
    const image = await fetchImage(url(), { ...opts, known: async (sha) => (asked.push(sha), { mediaType: 'image/png', width: 7, height: 9 }) });
    expect(asked).toEqual([image.sha256]);
    expect(image).toMatchObject({ known: true, mediaType: 'image/png', width: 7, height: 9, animated: false });
  });

  it('inspects as new when storage knows nothing, or records another type than the bytes are', async () => {
    for (const known of [async () => undefined, async () => ({ mediaType: 'image/jpeg', width: 7, height: 9 })]) {
      const image = await fetchImage(url(), { ...opts, known });
      expect(image).toMatchObject({ mediaType: 'image/png', width: 1024, height: 1024 });
      expect(image.known).toBeUndefined();
    }
  });

  it('still flags a known animation from its header', async () => {
    const image = await fetchImage(`${host.url}/animated.gif`, { ...opts, known: async () => ({ mediaType: 'image/gif', width: 40, height: 40 }) });
    expect(image).toMatchObject({ known: true, animated: true });
  });
});

describe('downloadImage, then acceptImage (a batch looks its hashes up in between)', () => {
  it('the download checks the transport only; the decode and its pixel limit come with acceptImage', async () => {
    const bomb = await downloadImage(`${host.url}/redirects/1/bomb.png`, opts);
    expect(bomb.source).toBe(`${host.url}/redirects/0/bomb.png`);
    expect(bomb.sha256).toBe(sha256Hex(await decompressionBomb()));
    const error = await expectRefused(acceptImage(bomb, undefined), 'too_many_pixels');
    expect(error.source).toBe(bomb.source);
    await expectRefused(downloadImage(`${host.url}/redirect?to=${encodeURIComponent('https://evil.example.com/x.jpg')}`, opts), 'redirect_refused');
    await expectRefused(downloadImage(`${host.url}/not-an-image`, opts), 'not_an_image');
  });

  it('acceptImage takes a matching record of storage instead of decoding', async () => {
    const d = await downloadImage(`${host.url}/saleor/saleor-white-parrot-cushion.png`, opts);
    expect(await acceptImage(d, { mediaType: 'image/png', width: 7, height: 9 })).toMatchObject({ known: true, width: 7, height: 9 });
    expect(await acceptImage(d, { mediaType: 'image/jpeg', width: 7, height: 9 })).toMatchObject({ width: 1024, height: 1024 });
  });
});

describe('fetchImage: refusals', () => {
  it('a host that is not listed — before any request', async () => {
    const before = host.requests.length;
    await expectRefused(fetchImage(`${host.url}/abo/B0799CK52K/d80a51d3.jpg`, { allowedHosts: ['m.media-amazon.com'] }), 'host_not_allowed');
    await expectRefused(fetchImage('https://evil.example.com/x.jpg'), 'host_not_allowed');
    // host:port entries match the port too; a bare host only its default port
    await expectRefused(fetchImage(`${host.url}/x.jpg`, { allowedHosts: ['127.0.0.1'] }), 'host_not_allowed');
    expect(host.requests.length).toBe(before);
  });

  it('plain http from a non-loopback host, and non-web schemes', async () => {
    await expectRefused(fetchImage('http://m.media-amazon.com/images/I/71abc.jpg'), 'not_https');
    await expectRefused(fetchImage('file:///etc/passwd', opts), 'not_https');
    await expectRefused(fetchImage('not a url', opts), 'not_https');
  });

  it('a redirect to a host that is not listed', async () => {
    const to = encodeURIComponent('https://evil.example.com/steal.jpg');
    const error = await expectRefused(fetchImage(`${host.url}/redirect?to=${to}`, opts), 'redirect_refused');
    expect(error.source).toBe('https://evil.example.com/steal.jpg');
  });

  it('a redirect to http on a non-loopback listed host', async () => {
    const to = encodeURIComponent('http://m.media-amazon.com/images/I/71abc.jpg');
    await expectRefused(fetchImage(`${host.url}/redirect?to=${to}`, { allowedHosts: [host.host, 'm.media-amazon.com'] }), 'redirect_refused');
  });

  it('more than 3 redirects', async () => {
    await expectRefused(fetchImage(`${host.url}/redirects/4/abo/B074M5HPBD/dcace9b5.jpg`, opts), 'redirect_refused');
  });

  it('a declared size over the cap, refused before the body is read', async () => {
    const started = Date.now();
    await expectRefused(fetchImage(`${host.url}/oversized?bytes=${20 * 1024 * 1024}`, opts), 'too_large');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('a body over the cap with no content-length, counted while streaming', async () => {
    await expectRefused(fetchImage(`${host.url}/no-length?bytes=${3 * 1024 * 1024}`, { ...opts, maxBytes: 1024 * 1024 }), 'too_large');
  });

  it('a lying content-length never gets more than it declared past us', async () => {
    // The parser stops at the declared 1 KiB: the megabytes after it never reach the caller, and
    // the truncated body does not decode.
    await expectRefused(fetchImage(`${host.url}/lying-length?bytes=${3 * 1024 * 1024}`, { ...opts, maxBytes: 1024 * 1024 }), 'not_an_image');
  });

  it('a non-image served as image/jpeg', async () => {
    await expectRefused(fetchImage(`${host.url}/not-an-image`, opts), 'not_an_image');
  });

  it('a decompression bomb, without crashing', async () => {
    const error = await expectRefused(fetchImage(`${host.url}/bomb.png`, opts), 'too_many_pixels');
    expect(error.message).toMatch(/pixel/);
    expect((await decompressionBomb()).length).toBeLessThan(1024 * 1024);
  });

  it('an HTTP error status', async () => {
    const error = await expectRefused(fetchImage(`${host.url}/status/404`, opts), 'http_status');
    expect(error.message).toContain('404');
  });

  it('a server that is too slow', async () => {
    await expectRefused(fetchImage(`${host.url}/slow?ms=3000`, { ...opts, timeoutMs: 200 }), 'timeout');
  });

  it("the caller's abort is not a refusal", async () => {
    const controller = new AbortController();
    const pending = fetchImage(`${host.url}/slow?ms=3000`, { ...opts, signal: controller.signal });
    controller.abort(new Error('stop'));
    await expect(pending).rejects.toThrow('stop');
  });
});

describe('isImageUrlAllowed', () => {
  it('applies the same rules without fetching', () => {
    expect(DEFAULT_IMAGE_HOSTS).toContain('m.media-amazon.com');
    expect(isImageUrlAllowed('https://m.media-amazon.com/images/I/71abc.jpg')).toBe(true);
    expect(isImageUrlAllowed('https://M.MEDIA-AMAZON.COM/images/I/71abc.jpg')).toBe(true);
    expect(isImageUrlAllowed('https://m.media-amazon.com:8443/images/I/71abc.jpg')).toBe(false);
    expect(isImageUrlAllowed('https://m.media-amazon.com.evil.com/x.jpg')).toBe(false);
    expect(isImageUrlAllowed('http://localhost:8080/x.jpg', ['localhost:8080'])).toBe(true);
    expect(isImageUrlAllowed('http://[::1]:8080/x.jpg', ['[::1]:8080'])).toBe(true);
    expect(isImageUrlAllowed('http://[::1]/x.jpg', ['::1'])).toBe(true);
  });
});

describe('readLocalImage', () => {
  it('reads a fixture with the same result as a download', async () => {
    const path = `${FIXTURES_DIR}abo/B0799CK52K/d80a51d3.jpg`;
    const image = await readLocalImage(path);
    const downloaded = await fetchImage(`${host.url}/abo/B0799CK52K/d80a51d3.jpg`, opts);
    expect(image.sha256).toBe(downloaded.sha256);
    expect([image.width, image.height]).toEqual([downloaded.width, downloaded.height]);
  });

  it('applies the sniff and the limits', async () => {
    const text = join(dir, 'fake.jpg');
    await writeFile(text, 'just text, named like a photo');
    await expectRefused(readLocalImage(text), 'not_an_image');
    const bomb = join(dir, 'bomb.png');
    await writeFile(bomb, await decompressionBomb());
    await expectRefused(readLocalImage(bomb), 'too_many_pixels');
    await expectRefused(readLocalImage(`${FIXTURES_DIR}abo/B0799CK52K/d80a51d3.jpg`, { maxBytes: 1000 }), 'too_large');
    await expectRefused(readLocalImage(join(dir, 'missing.jpg')), 'unreadable');
    await expectRefused(readLocalImage(dir), 'unreadable');
  });
});
