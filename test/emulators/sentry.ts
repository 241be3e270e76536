import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/**
 * A local Sentry ingestion emulator the real `@sentry/node` SDK sends to (SENTRY_DSN =
 * `http://<key>@127.0.0.1:PORT/<project>`): it accepts `POST /api/<project>/envelope/` and keeps
 * each envelope's raw bytes (after gzip, if the SDK compressed them) and its parsed items.
 *
 * The envelope format (Sentry's developer docs, "Envelopes", develop.sentry.dev/sdk/foundations/
 * transport/envelopes/): newline-separated; a JSON header line, then for each item a JSON item
 * header line and its payload — `length` bytes when the item header gives a length, otherwise up to
 * the next newline.
 */

export interface EnvelopeItem {
  readonly header: { readonly type: string; readonly length?: number } & Record<string, unknown>;
  readonly payload: unknown;
}

export interface Envelope {
  readonly project: string;
  readonly raw: Buffer;
  readonly header: Record<string, unknown>;
  readonly items: readonly EnvelopeItem[];
}

export interface SentryEmulator {
  /** A DSN pointing here (project 42). */
  readonly dsn: string;
  readonly envelopes: Envelope[];
  /** Every request, envelope or not. */
  readonly requests: { method: string; url: string }[];
  /** The `event` items received so far. */
  events(): Record<string, unknown>[];
  close(): Promise<void>;
}

export async function startSentryEmulator(publicKey = 'f00dfeedf00dfeedf00dfeedf00dfeed'): Promise<SentryEmulator> {
  const envelopes: Envelope[] = [];
  const requests: { method: string; url: string }[] = [];
  const server = createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '' });
    const match = /^\/api\/([^/]+)\/envelope\/?(?:\?.*)?$/.exec(req.url ?? '');
    void readBody(req).then((body) => {
      if (req.method !== 'POST' || !match) {
        res.writeHead(404).end();
        return;
      }
      try {
        envelopes.push({ project: match[1] ?? '', raw: body, ...parseEnvelope(body) });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    dsn: `http://${publicKey}@127.0.0.1:${port}/42`,
    envelopes,
    requests,
    events: () => envelopes.flatMap((e) => e.items.filter((i) => i.header.type === 'event').map((i) => i.payload as Record<string, unknown>)),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  return req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body;
}

export function parseEnvelope(body: Buffer): { header: Record<string, unknown>; items: EnvelopeItem[] } {
  let at = 0;
  const line = (): Buffer => {
    const end = body.indexOf(0x0a, at);
    const out = body.subarray(at, end === -1 ? body.length : end);
    at = end === -1 ? body.length : end + 1;
    return out;
  };
  const header = JSON.parse(line().toString('utf8')) as Record<string, unknown>;
  const items: EnvelopeItem[] = [];
  while (at < body.length) {
    const headerLine = line().toString('utf8');
    if (headerLine.trim() === '') continue;
    const itemHeader = JSON.parse(headerLine) as EnvelopeItem['header'];
    let payload: Buffer;
    if (typeof itemHeader.length === 'number') {
      payload = body.subarray(at, at + itemHeader.length);
      at += itemHeader.length;
      if (body[at] === 0x0a) at++;
    } else {
      payload = line();
    }
    const text = payload.toString('utf8');
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // an attachment: kept as text
    }
    items.push({ header: itemHeader, payload: parsed });
  }
  return { header, items };
}
