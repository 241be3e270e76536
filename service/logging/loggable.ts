import { EventEmitter } from 'node:events';
import { ClientRequest, IncomingMessage, ServerResponse } from 'node:http';

/**
 * Turns any value into plain JSON-safe data for a log line, and never throws: cycles become
 * "[Circular]", BigInt a decimal string, Buffers and typed arrays their size, Errors their name,
 * message, code, stack and cause chain, Node/Fastify requests and responses a short summary,
 * anything that throws when read (a getter, a Proxy trap) "[Unreadable]". Keys that name a
 * credential are redacted at any depth, and every string and key goes through `scrub`.
 *
 * Bounded: at most `maxDepth` levels, `maxKeys` entries per object or array and `maxNodes` values
 * per call, so one huge object (an HTTP client error holding its socket) costs one short line.
 */

export interface LoggableOptions {
  /** Applied to every string and key (the secret scrubber). Default: identity. */
  readonly scrub?: (text: string) => string;
  /** Default 6. */
  readonly maxDepth?: number;
  /** Default 50. */
  readonly maxKeys?: number;
  /** Default 2,000. */
  readonly maxNodes?: number;
  /** Strings longer than this are cut (after scrubbing). Default 16,384. */
  readonly maxString?: number;
}

export const CIRCULAR = '[Circular]';
export const UNREADABLE = '[Unreadable]';

/** Keys whose value is a credential, compared without case, `-` or `_`. */
const SENSITIVE_KEYS = new Set([
  'token', 'bottoken', 'accesstoken', 'refreshtoken', 'idtoken', 'apikey', 'secret', 'clientsecret',
  'signingsecret', 'webhooksecret', 'statesecret', 'secretkey', 'password', 'passwd', 'encryptionkey',
  'privatekey', 'authorization', 'proxyauthorization', 'cookie', 'setcookie', 'xslacksignature',
  'xsignatureed25519', 'stripesignature', 'xapikey', 'config', 'credentials',
]);

export function isSensitiveKey(key: string): boolean {
  return SENSITIVE_KEYS.has(key.toLowerCase().replace(/[-_]/g, ''));
}

export function toLoggable(value: unknown, opts: LoggableOptions = {}): unknown {
  const scrub = opts.scrub ?? ((s: string) => s);
  const maxDepth = opts.maxDepth ?? 6;
  const maxKeys = opts.maxKeys ?? 50;
  const maxString = opts.maxString ?? 16_384;
  let budget = opts.maxNodes ?? 2_000;
  const ancestors = new Set<object>();

  const text = (s: string) => {
    const out = scrub(s);
    return out.length > maxString ? `${out.slice(0, maxString)}… [${out.length - maxString} more characters]` : out;
  };

  const visit = (v: unknown, depth: number): unknown => {
    if (--budget < 0) return '[…]';
    switch (typeof v) {
      case 'string':
        return text(v);
      case 'number':
      case 'boolean':
      case 'undefined':
        return v;
      case 'bigint':
        return v.toString();
      case 'symbol':
        return text(attempt(() => v.toString(), '[Symbol]'));
      case 'function':
        return undefined;
      case 'object':
        break;
    }
    if (v === null) return null;
    const obj = v;
    if (ancestors.has(obj)) return CIRCULAR;
    const special = attempt(() => summarise(obj), UNREADABLE);
    if (special !== NOT_SPECIAL) return typeof special === 'string' ? text(special) : special;
    if (depth >= maxDepth) return attempt(() => (Array.isArray(obj) ? '[Array]' : '[Object]'), '[Object]');
    ancestors.add(obj);
    try {
      return attempt(() => {
        if (isError(obj)) return errorOf(obj, depth);
        if (Array.isArray(obj)) return listOf(obj, depth);
        if (obj instanceof Map) return entriesOf([...(obj as Map<unknown, unknown>).entries()].map(([k, val]) => [String(k), () => val] as const), depth);
        if (obj instanceof Set) return listOf([...obj], depth);
        return entriesOf(ownEntries(obj), depth);
      }, UNREADABLE);
    } finally {
      ancestors.delete(obj);
    }
  };

  const listOf = (items: readonly unknown[], depth: number): unknown[] => {
    const out = items.slice(0, maxKeys).map((item) => attempt(() => visit(item, depth + 1) ?? null, UNREADABLE));
    if (items.length > maxKeys) out.push(`[${items.length - maxKeys} more]`);
    return out;
  };

  const entriesOf = (entries: readonly (readonly [string, () => unknown])[], depth: number) => {
    const out: Record<string, unknown> = {};
    let n = 0;
    for (const [key, read] of entries) {
      if (n++ >= maxKeys) {
        out['…'] = `${entries.length - maxKeys} more keys`;
        break;
      }
      const k = text(key);
      if (isSensitiveKey(key)) {
        out[k] = '[redacted]';
        continue;
      }
      const val = attempt(() => visit(read(), depth + 1), UNREADABLE);
      if (val !== undefined) out[k] = val;
    }
    return out;
  };

  const errorOf = (e: Error, depth: number): Record<string, unknown> => {
    const out: Record<string, unknown> = {
      type: text(attempt(() => String(e.name || e.constructor.name || 'Error'), 'Error')),
      message: text(attempt(() => String(e.message), UNREADABLE)),
    };
    const stack = attempt(() => e.stack, undefined);
    if (typeof stack === 'string') out.stack = text(stack);
    for (const [key, read] of ownEntries(e)) {
      if (key === 'message' || key === 'stack' || key in out) continue;
      const val = isSensitiveKey(key) ? '[redacted]' : attempt(() => visit(read(), depth + 1), UNREADABLE);
      if (val !== undefined) out[text(key)] = val;
    }
    const cause = attempt(() => (e as { cause?: unknown }).cause, undefined);
    if (cause !== undefined && !('cause' in out)) out.cause = attempt(() => visit(cause, depth + 1), UNREADABLE);
    if (e instanceof AggregateError && !('errors' in out)) out.errors = attempt(() => visit(e.errors, depth + 1), UNREADABLE);
    return out;
  };

  return attempt(() => visit(value, 0), UNREADABLE);
}

const NOT_SPECIAL = Symbol('not special');

/** Objects logged as a short summary (or a placeholder) instead of their fields. */
function summarise(obj: object): unknown {
  if (Buffer.isBuffer(obj)) return `[Buffer ${obj.length} bytes]`;
  if (ArrayBuffer.isView(obj)) return `[${obj.constructor.name} ${obj.byteLength} bytes]`;
  if (obj instanceof ArrayBuffer) return `[ArrayBuffer ${obj.byteLength} bytes]`;
  if (obj instanceof Date) return Number.isNaN(obj.getTime()) ? 'Invalid Date' : obj.toISOString();
  if (obj instanceof URL) return obj.href;
  if (obj instanceof RegExp) return obj.toString();
  if (obj instanceof ClientRequest) return { method: obj.method, host: obj.host, path: obj.path };
  if (isNodeRequest(obj)) return { method: obj.method, url: obj.url };
  if (isNodeResponse(obj)) return { statusCode: obj.statusCode };
  // Fastify's Request and Reply wrap the Node objects (or light-my-request's) in `raw`. The
  // summary keeps what Fastify's own `req` serializer reads (method, url, host, ip).
  const raw = (obj as { raw?: unknown }).raw;
  if (isNodeRequest(raw) && typeof (obj as { method?: unknown }).method === 'string') {
    const r = obj as { id?: unknown; method?: unknown; url?: unknown; host?: unknown; ip?: unknown };
    return { id: r.id, method: r.method, url: r.url, host: r.host, ip: r.ip };
  }
  if (isNodeResponse(raw) && 'statusCode' in obj) return { statusCode: raw.statusCode };
  // Sockets, pools, clients, streams: their fields are internals (and cycles), never the point.
  if (obj instanceof EventEmitter) return `[${obj.constructor.name}]`;
  if (obj instanceof Promise || obj instanceof WeakMap || obj instanceof WeakSet) return `[${obj.constructor.name}]`;
  return NOT_SPECIAL;
}

/** Node's IncomingMessage, or anything shaped like it (light-my-request's injected requests). */
function isNodeRequest(v: unknown): v is { method?: string; url?: string } {
  return v instanceof IncomingMessage || (v instanceof EventEmitter && 'headers' in v && 'method' in v && typeof (v as { method: unknown }).method === 'string');
}

function isNodeResponse(v: unknown): v is { statusCode: number } {
  return v instanceof ServerResponse || (v instanceof EventEmitter && typeof (v as { setHeader?: unknown }).setHeader === 'function' && 'statusCode' in v);
}

function isError(obj: object): obj is Error {
  return obj instanceof Error || Object.prototype.toString.call(obj) === '[object Error]';
}

/** Own enumerable string keys, each read lazily (a getter that throws costs only its own value). */
function ownEntries(obj: object): (readonly [string, () => unknown])[] {
  return Object.keys(obj).map((key) => [key, () => (obj as Record<string, unknown>)[key]] as const);
}

function attempt<T, F>(fn: () => T, fallback: F): T | F {
  try {
    return fn();
  } catch {
    return fallback;
  }
}
