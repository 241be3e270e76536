import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

/**
 * A local image host (plain http on 127.0.0.1, which image-fetch allows for a listed loopback
 * host) serving the fixture photos and the hostile cases downloads must survive.
 *
 * Routes:
 * - `/abo/<ASIN>/<file>.jpg`, `/saleor/<file>`, `/grocery/...` — fixture files from
 *   `test/fixtures/` (provenance and licences in its SOURCES.md), byte for byte
 * - `/redirects/<n>/<route>` — n redirects (302, relative Location), then `<route>`
 * - `/redirect?to=<absolute url>` — one 302 to anywhere (e.g. a host that is not allowed)
 * - `/oversized?bytes=N` — honest `Content-Length: N` (default 16 MiB), JPEG magic then zeros
 * - `/no-length?bytes=N` — the same body, chunked: no Content-Length at all
 * - `/lying-length?bytes=N` — declares `Content-Length: 1024`, then sends N bytes anyway
 * - `/not-an-image` — HTML served as `image/jpeg`
 * - `/bomb.png` — a real decompression bomb: 10000×10000 solid PNG (~300 KB, 100 megapixels;
 *   generated with sharp on first request, then cached)
 * - `/animated.gif` — a 3-frame animated GIF
 * - `/slow?ms=N` — headers at once, the body (a fixture JPEG) after N ms
 * - `/status/<code>` — that HTTP status
 */

export interface ImageHost {
  /** e.g. `http://127.0.0.1:40123` */
  readonly url: string;
  /** host:port, for an image-fetch allow-list (`allowedHosts: [host.host]`). */
  readonly host: string;
  /** Paths requested, in order. */
  readonly requests: readonly string[];
  close(): Promise<void>;
}

/** `test/fixtures/` (with a trailing separator): photos and payloads copied into the repo, see its SOURCES.md. */
export const FIXTURES_DIR = fileURLToPath(new URL('../fixtures/', import.meta.url));
const SERVED_FIXTURE_DIRS = new Set(['abo', 'saleor', 'grocery']);
const TYPES: Record<string, string> = { '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.gif': 'image/gif', '.webp': 'image/webp' };
const JPEG_MAGIC = Buffer.from([0xff, 0xd8, 0xff, 0xe0]);

let bomb: Promise<Buffer> | undefined;
/** A 10000×10000 solid-colour PNG: ~300 KB on the wire, 100 megapixels (300 MB) once inflated. */
export function decompressionBomb(): Promise<Buffer> {
  bomb ??= sharp({ create: { width: 10_000, height: 10_000, channels: 3, background: '#ffffff' } })
    .png({ compressionLevel: 9 })
    .toBuffer();
  return bomb;
}

/** A 3-frame animated GIF, 40×40 per frame. */
export async function animatedGif(): Promise<Buffer> {
  const frame = 40 * 40 * 3;
  const raw = Buffer.alloc(frame * 3);
  raw.fill(0x20, 0, frame).fill(0x90, frame, 2 * frame).fill(0xf0, 2 * frame);
  return sharp(raw, { raw: { width: 40, height: 120, channels: 3, pageHeight: 40 } }).gif({ delay: 200 }).toBuffer();
}

export async function startImageHost(): Promise<ImageHost> {
  const requests: string[] = [];
  const timers = new Set<NodeJS.Timeout>();

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://image-host');
    const path = url.pathname;
    const bytes = Number(url.searchParams.get('bytes') ?? 16 * 1024 * 1024);
    const segments = path.split('/').filter(Boolean);

    if (segments[0] === 'redirects') {
      const n = Number(segments[1]);
      const rest = `/${segments.slice(2).join('/')}${url.search}`;
      if (!(n > 0)) return route(Object.assign(req, { url: rest }), res);
      res.writeHead(302, { location: `/redirects/${n - 1}${rest}` }).end();
      return;
    }
    if (path === '/redirect') {
      res.writeHead(302, { location: url.searchParams.get('to') ?? '/' }).end();
      return;
    }
    if (path === '/oversized' || path === '/no-length') {
      const headers: Record<string, string> = { 'content-type': 'image/jpeg' };
      if (path === '/oversized') headers['content-length'] = String(bytes);
      res.writeHead(200, headers);
      streamZeros(res, bytes);
      return;
    }
    if (path === '/lying-length') {
      // Raw bytes on the socket: Node's http server would refuse to send more than it declared.
      const socket = res.socket;
      if (!socket) return;
      socket.write('HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\nContent-Length: 1024\r\nConnection: close\r\n\r\n');
      socket.write(JPEG_MAGIC);
      const chunk = Buffer.alloc(64 * 1024);
      let sent = JPEG_MAGIC.length;
      const pump = () => {
        while (sent < bytes && !socket.destroyed) {
          sent += chunk.length;
          if (!socket.write(chunk)) return void socket.once('drain', pump);
        }
        socket.end();
      };
      socket.on('error', () => undefined);
      pump();
      return;
    }
    if (path === '/not-an-image') {
      res.writeHead(200, { 'content-type': 'image/jpeg' }).end('<!doctype html><title>Sorry</title><p>Robot check</p>');
      return;
    }
    if (path === '/bomb.png') return sendBuffer(res, await decompressionBomb(), 'image/png');
    if (path === '/animated.gif') return sendBuffer(res, await animatedGif(), 'image/gif');
    if (path === '/slow') {
      res.writeHead(200, { 'content-type': 'image/jpeg' });
      res.flushHeaders();
      const timer = setTimeout(() => {
        timers.delete(timer);
        createReadStream(join(FIXTURES_DIR, 'abo/B074M5HPBD/dcace9b5.jpg')).pipe(res);
      }, Number(url.searchParams.get('ms') ?? 5000));
      timers.add(timer);
      return;
    }
    if (segments[0] === 'status') {
      res.writeHead(Number(segments[1]) || 500, { 'content-type': 'text/plain' }).end('status');
      return;
    }
    if (segments[0] && SERVED_FIXTURE_DIRS.has(segments[0])) {
      const file = resolve(FIXTURES_DIR, ...segments.map(decodeURIComponent));
      const rel = relative(FIXTURES_DIR, file);
      if (rel.startsWith(`..${sep}`) || rel === '..') return notFound(res);
      const info = await stat(file).catch(() => undefined);
      if (!info?.isFile()) return notFound(res);
      res.writeHead(200, { 'content-type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream', 'content-length': String(info.size) });
      createReadStream(file).pipe(res);
      return;
    }
    notFound(res);
  }

  const server = createServer((req, res) => {
    requests.push(req.url ?? '/');
    route(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    requests,
    async close() {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

function streamZeros(res: ServerResponse, bytes: number): void {
  const chunk = Buffer.alloc(64 * 1024);
  let sent = 0;
  const pump = () => {
    while (sent < bytes && !res.destroyed) {
      const part = sent === 0 ? Buffer.concat([JPEG_MAGIC, chunk.subarray(JPEG_MAGIC.length)]) : chunk;
      const piece = part.subarray(0, Math.min(part.length, bytes - sent));
      sent += piece.length;
      if (!res.write(piece)) return void res.once('drain', pump);
    }
    res.end();
  };
  res.on('error', () => undefined);
  pump();
}

function sendBuffer(res: ServerResponse, body: Buffer, type: string): void {
  res.writeHead(200, { 'content-type': type, 'content-length': String(body.length) }).end(body);
}

function notFound(res: ServerResponse): void {
  res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
}
