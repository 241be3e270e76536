import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';

/**
 * A local OpenAI Chat Completions emulator the real `openai` SDK talks to (base URL
 * `http://127.0.0.1:PORT/v1` → `POST /v1/chat/completions`), plus the plumbing the Anthropic
 * emulator shares: scripted replies, request recording, latency, `autoAnswer`.
 *
 * Requests are recorded with their headers so tests can assert the key arrived; nothing here
 * prints a header.
 */

/** What the emulator does for one call. `json` becomes the model's answer (message content / tool input). */
export type EmulatorReply =
  | { readonly kind: 'json'; readonly body: unknown }
  | { readonly kind: 'malformed'; readonly text: string }
  | { readonly kind: 'status'; readonly status: number; readonly body?: unknown }
  | { readonly kind: 'delay'; readonly ms: number; readonly then: EmulatorReply };

export interface RecordedRequest<Body> {
  /** 0-based position among this emulator's requests. */
  readonly index: number;
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Body;
}

export type ReplyHandler<Body> = (request: RecordedRequest<Body>) => EmulatorReply | Promise<EmulatorReply>;

export interface EmulatorOptions<Body> {
  readonly handler?: ReplyHandler<Body>;
  /** Extra latency before each reply (ms), e.g. for the benchmark. */
  readonly latencyMs?: (request: RecordedRequest<Body>) => number;
}

export interface Emulator<Body> {
  /** The base URL to give the SDK. */
  readonly url: string;
  readonly requests: RecordedRequest<Body>[];
  setHandler(handler: ReplyHandler<Body>): void;
  setLatency(latencyMs: ((request: RecordedRequest<Body>) => number) | undefined): void;
  close(): Promise<void>;
}

/** Turns an answer into the wire format of one API. */
export interface Dialect<Body> {
  readonly path: string;
  readonly baseSuffix: string;
  answer(request: RecordedRequest<Body>, reply: { kind: 'json'; body: unknown } | { kind: 'malformed'; text: string }, n: number): object;
  error(status: number, message: string): object;
}

/** Replies in order; once they run out, a 500 that says so. */
export function replyQueue<Body>(...replies: EmulatorReply[]): ReplyHandler<Body> {
  const queue = [...replies];
  return () => queue.shift() ?? { kind: 'status', status: 500, body: { error: { type: 'api_error', message: 'emulator reply queue exhausted' } } };
}

/** A rough, deterministic token count: 4 characters a token. */
export const tokens = (text: string): number => Math.max(1, Math.ceil(text.length / 4));

export async function startEmulator<Body>(dialect: Dialect<Body>, options: EmulatorOptions<Body> = {}): Promise<Emulator<Body>> {
  let handler: ReplyHandler<Body> | undefined = options.handler;
  let latency = options.latencyMs;
  const requests: RecordedRequest<Body>[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const wait = (ms: number): Promise<void> =>
    ms <= 0 ? Promise.resolve() : new Promise((resolve) => {
      const t = setTimeout(() => { timers.delete(t); resolve(); }, ms);
      timers.add(t);
    });

  const send = (res: ServerResponse, status: number, body: object): void => {
    if (res.destroyed || res.writableEnded) return; // the client gave up (abort, timeout)
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (req.method !== 'POST' || path !== dialect.path) return send(res, 404, dialect.error(404, `no route ${req.method} ${path}`));
    let body: Body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Body;
    } catch {
      return send(res, 400, dialect.error(400, 'request body is not JSON'));
    }
    const recorded: RecordedRequest<Body> = { index: requests.length, method: req.method, path, headers: req.headers, body };
    requests.push(recorded);
    await wait(latency?.(recorded) ?? 0);
    let reply: EmulatorReply = handler ? await handler(recorded) : { kind: 'status', status: 500, body: { message: 'emulator has no handler' } };
    while (reply.kind === 'delay') {
      await wait(reply.ms);
      reply = reply.then;
    }
    if (reply.kind === 'status') {
      // A given body is sent verbatim; otherwise the API's own error shape.
      return send(res, reply.status, isRecord(reply.body) ? reply.body : dialect.error(reply.status, `emulated ${reply.status}`));
    }
    send(res, 200, dialect.answer(recorded, reply, recorded.index));
  }

  const server = createServer((req, res) => {
    serve(req, res).catch(() => send(res, 500, dialect.error(500, 'emulator failure')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${dialect.baseSuffix}`,
    requests,
    setHandler: (next) => { handler = next; },
    setLatency: (next) => { latency = next; },
    close: () => new Promise<void>((resolve) => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A minimal value that satisfies a JSON schema (zod 4's `toJSONSchema` output, draft 7 or 2020-12):
 * required properties only, `minItems` items, the lower bound of numbers, `minLength` strings,
 * the first enum value or union member. Patterns and custom refinements are not honoured.
 */
export function autoAnswer(schema: unknown, root: unknown = schema): unknown {
  if (!isRecord(schema)) return null;
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0] as unknown;
  if (typeof schema.$ref === 'string') {
    const target = schema.$ref.replace(/^#\/?/, '').split('/').filter(Boolean)
      .reduce<unknown>((node, key) => (isRecord(node) ? node[decodeURIComponent(key)] : undefined), root);
    return autoAnswer(target, root);
  }
  for (const key of ['anyOf', 'oneOf'] as const) {
    const options = schema[key];
    if (Array.isArray(options) && options.length > 0) return autoAnswer(options[0], root);
  }
  if (Array.isArray(schema.allOf)) {
    const parts = schema.allOf.map((part) => autoAnswer(part, root));
    return parts.every(isRecord) ? Object.assign({}, ...parts) as unknown : parts[0];
  }
  const types: unknown[] = Array.isArray(schema.type) ? schema.type : [schema.type];
  const declared = types.find((t) => t !== 'null') ?? (types.includes('null') ? 'null' : undefined);
  const type = typeof declared === 'string' ? declared : isRecord(schema.properties) ? 'object' : '';
  const num = (key: string): number | undefined => (typeof schema[key] === 'number' ? schema[key] : undefined);
  switch (type) {
    case 'object': {
      const properties = isRecord(schema.properties) ? schema.properties : {};
      const required = Array.isArray(schema.required) ? schema.required.filter((k): k is string => typeof k === 'string') : [];
      return Object.fromEntries(required.map((key) => [key, autoAnswer(properties[key], root)]));
    }
    case 'array': {
      const prefix = Array.isArray(schema.prefixItems) ? schema.prefixItems : [];
      const length = Math.max(num('minItems') ?? 0, prefix.length);
      return Array.from({ length }, (_, i) => autoAnswer(prefix[i] ?? schema.items, root));
    }
    case 'string': {
      const formats: Record<string, string> = {
        'date-time': '2026-01-01T00:00:00Z', date: '2026-01-01', email: 'a@example.com',
        uri: 'https://example.com', url: 'https://example.com', uuid: '00000000-0000-4000-8000-000000000000',
      };
      const format = typeof schema.format === 'string' ? formats[schema.format] : undefined;
      return format ?? 'x'.repeat(Math.max(num('minLength') ?? 1, 0));
    }
    case 'number':
    case 'integer': {
      const exclusive = num('exclusiveMinimum');
      let value = num('minimum') ?? (exclusive === undefined ? 0 : exclusive + (type === 'integer' ? 1 : 0.5));
      const max = num('maximum');
      if (max !== undefined && value > max) value = max;
      return type === 'integer' ? Math.ceil(value) : value;
    }
    case 'boolean':
      return false;
    default:
      return null;
  }
}

type ChatBody = ChatCompletionCreateParams;

const openAiDialect: Dialect<ChatBody> = {
  path: '/v1/chat/completions',
  baseSuffix: '/v1',
  answer(request, reply, n) {
    const text = reply.kind === 'json' ? JSON.stringify(reply.body) : reply.text;
    const prompt = tokens(JSON.stringify(request.body.messages));
    const completion = tokens(text);
    return {
      id: `chatcmpl-emu-${n}`,
      object: 'chat.completion',
      created: 1_700_000_000,
      model: request.body.model,
      choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null }, finish_reason: 'stop', logprobs: null }],
      usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
    };
  },
  error: (status, message) => ({
    error: { message, type: status >= 500 ? 'server_error' : 'invalid_request_error', param: null, code: null },
  }),
};

export function startOpenAiEmulator(options: EmulatorOptions<ChatBody> = {}): Promise<Emulator<ChatBody>> {
  return startEmulator(openAiDialect, options);
}

/** A handler that answers every request with `autoAnswer` of its `response_format` schema. */
export const openAiAutoReply: ReplyHandler<ChatBody> = (request) => {
  const format = request.body.response_format;
  const schema = format?.type === 'json_schema' ? format.json_schema.schema : undefined;
  return { kind: 'json', body: autoAnswer(schema) };
};
