import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import { dataUrlBytes, imageSize, openAiImageTokens } from './image-tokens.ts';

/**
 * A local OpenAI Chat Completions emulator the real `openai` SDK talks to (base URL
 * `http://127.0.0.1:PORT/v1` → `POST /v1/chat/completions`), plus the plumbing the Anthropic
 * emulator shares: scripted replies, request recording, latency, `autoAnswer`.
 *
 * It can play a compatible server that refuses a `response_format` (`refuse`, `setRefusal`), with
 * the error bodies such servers really send (`formatRefusals`).
 *
 * Requests are recorded with their headers so tests can assert the key arrived; nothing here
 * prints a header.
 */

/** What the emulator does for one call. `json` becomes the model's answer (message content / tool input). */
export type EmulatorReply =
  | { readonly kind: 'json'; readonly body: unknown }
  | { readonly kind: 'malformed'; readonly text: string }
  /** `body`: an object is sent as JSON, a string as plain text; absent → the API's own error shape. */
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
  /**
   * How long after a request arrives its reply is sent (ms), e.g. for the benchmark. The time the
   * emulator spends reading and parsing the body and counting its tokens is inside it: a real
   * provider's latency includes its own parsing, on machines of its own — the bench's emulator
   * parses every run's multi-megabyte vision requests on one thread, and a burst of them queued
   * there was billed to the service as overhead (issue 22).
   */
  readonly latencyMs?: (request: RecordedRequest<Body>) => number;
  /** Keep each request in `requests` (default true; the bench, which never reads them, does not). */
  readonly record?: boolean;
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
  error(status: number, message: string, n: number): object;
  /** Headers the real API puts on every response (its request id). */
  headers(n: number): Record<string, string>;
  /** Work on the request done on arrival, inside its latency (counting its tokens for `answer`). */
  prepare?(request: RecordedRequest<Body>): void;
}

/** Replies in order; once they run out, a 500 that says so. */
export function replyQueue<Body>(...replies: EmulatorReply[]): ReplyHandler<Body> {
  const queue = [...replies];
  return () => queue.shift() ?? { kind: 'status', status: 500, body: { error: { type: 'api_error', message: 'emulator reply queue exhausted' } } };
}

/** A rough, deterministic token count: 4 characters a token (OpenAI's rule of thumb for English text). */
export const tokens = (text: string): number => Math.max(1, Math.ceil(text.length / 4));

/**
 * Input tokens of a request the way the APIs count them: its text at 4 characters a token — with
 * every inline image's base64 taken out, since an image is billed by its pixels, not its
 * encoding — plus each image's own tokens (./image-tokens.ts).
 */
export function requestTokens(value: unknown, imageTokens: (bytes: Buffer) => number): number {
  let images = 0;
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v !== 'string') return v;
    const bytes = v.startsWith('data:') ? dataUrlBytes(v) : undefined;
    if (!bytes) return v;
    images += imageTokens(bytes);
    return '';
  });
  return tokens(text) + images;
}

export async function startEmulator<Body>(dialect: Dialect<Body>, options: EmulatorOptions<Body> = {}): Promise<Emulator<Body>> {
  let handler: ReplyHandler<Body> | undefined = options.handler;
  let latency = options.latencyMs;
  const requests: RecordedRequest<Body>[] = [];
  let received = 0;
  const timers = new Set<NodeJS.Timeout>();
  const wait = (ms: number): Promise<void> =>
    ms <= 0 ? Promise.resolve() : new Promise((resolve) => {
      const t = setTimeout(() => { timers.delete(t); resolve(); }, ms);
      timers.add(t);
    });

  const send = (res: ServerResponse, status: number, body: object | string, n = received): void => {
    if (res.destroyed || res.writableEnded) return; // the client gave up (abort, timeout)
    const type = typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json';
    res.writeHead(status, { ...dialect.headers(n), 'content-type': type }).end(typeof body === 'string' ? body : JSON.stringify(body));
  };

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const arrived = performance.now();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (req.method !== 'POST' || path !== dialect.path) return send(res, 404, dialect.error(404, `no route ${req.method} ${path}`, received));
    let body: Body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Body;
    } catch {
      return send(res, 400, dialect.error(400, 'request body is not JSON', received));
    }
    const recorded: RecordedRequest<Body> = { index: received++, method: req.method, path, headers: req.headers, body };
    if (options.record !== false) requests.push(recorded);
    dialect.prepare?.(recorded);
    await wait((latency?.(recorded) ?? 0) - (performance.now() - arrived));
    let reply: EmulatorReply = handler ? await handler(recorded) : { kind: 'status', status: 500, body: { message: 'emulator has no handler' } };
    while (reply.kind === 'delay') {
      await wait(reply.ms);
      reply = reply.then;
    }
    if (reply.kind === 'status') {
      // A given body is sent verbatim; otherwise the API's own error shape.
      const body = isRecord(reply.body) || typeof reply.body === 'string' ? reply.body : dialect.error(reply.status, `emulated ${reply.status}`, recorded.index);
      return send(res, reply.status, body, recorded.index);
    }
    send(res, 200, dialect.answer(recorded, reply, recorded.index), recorded.index);
  }

  const server = createServer((req, res) => {
    serve(req, res).catch(() => send(res, 500, dialect.error(500, 'emulator failure', received)));
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

/** A fixed-width, API-looking id: `prefix` + `n` padded to `width` characters. */
export const emulatedId = (prefix: string, n: number, width = 24): string => `${prefix}${String(n).padStart(width, '0')}`;

/**
 * The `usage.prompt_tokens` the emulator reports for a request: its messages and, since the model
 * reads it as part of the prompt, its structured-output schema (`requestTokens`), images by their
 * pixels for the requested model.
 */
export const promptTokens = (body: ChatBody): number =>
  requestTokens([body.messages, body.response_format], (bytes) => openAiImageTokens(imageSize(bytes), body.model));

/** `promptTokens` of a request body, counted once (on arrival, by `prepare`). */
const promptOf = memoByBody(promptTokens);

/** `count(body)` computed once per body object. */
export function memoByBody<B extends object>(count: (body: B) => number): (body: B) => number {
  const memo = new WeakMap<B, number>();
  return (body) => {
    let n = memo.get(body);
    if (n === undefined) memo.set(body, (n = count(body)));
    return n;
  };
}

const openAiDialect: Dialect<ChatBody> = {
  path: '/v1/chat/completions',
  baseSuffix: '/v1',
  answer(request, reply, n) {
    const text = reply.kind === 'json' ? JSON.stringify(reply.body) : reply.text;
    const prompt = promptOf(request.body);
    const completion = tokens(text);
    // The shape of a recorded gpt-4o answer in the SDK's own fixtures (openai/openai-node,
    // tests/lib/__snapshots__/parser.test.ts.snap, `.parse() zod deserialises response_format`):
    // id "chatcmpl-" + 29 characters, object, created (Unix seconds), model, one choice with
    // `refusal: null`, `logprobs: null` and `finish_reason: "stop"`, usage, system_fingerprint.
    // `service_tier`, `message.annotations` and the usage details are what today's API adds
    // (the SDK's `ChatCompletion` and `CompletionUsage` types, openai 6.x).
    return {
      id: emulatedId('chatcmpl-', n, 29),
      object: 'chat.completion',
      created: 1_723_216_839 + n,
      model: request.body.model,
      choices: [{
        index: 0,
        message: { role: 'assistant', content: text, refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: 'stop',
      }],
      usage: {
        prompt_tokens: prompt,
        completion_tokens: completion,
        total_tokens: prompt + completion,
        prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
      },
      service_tier: 'default',
      system_fingerprint: 'fp_2a322c9ffc',
    };
  },
  // OpenAI's error body: `{ error: { message, type, param, code } }` (e.g. the 400 quoted in
  // openai/openai-dotnet#276 and ag2ai/ag2#1990: type "invalid_request_error", param, code null).
  error: (status, message) => ({
    error: { message, type: status >= 500 ? 'server_error' : 'invalid_request_error', param: null, code: null },
  }),
  // Every OpenAI response carries `x-request-id` (the SDK exposes it as `_request_id`).
  headers: (n) => ({ 'x-request-id': emulatedId('req_', n, 32) }),
  prepare: (request) => void promptOf(request.body),
};

/** A `response_format` type a compatible server may not take. */
export type RefusableFormat = 'json_schema' | 'json_object';

/** How a server refuses a request whose `response_format.type` is one of `formats`. */
export interface FormatRefusal {
  readonly formats: readonly RefusableFormat[];
  readonly status: number;
  /** Sent verbatim: an object as JSON, a string as plain text. */
  readonly body: object | string;
}

/** What real OpenAI-compatible servers answer when they do not take `json_schema`. */
export const formatRefusals = {
  /** DeepSeek's chat completions (only `text` and `json_object`), quoted in llm-exe/llm-exe#662 (2026-07). */
  deepseek: {
    formats: ['json_schema'],
    status: 400,
    body: { error: { message: 'This response_format type is unavailable now', type: 'invalid_request_error', param: null, code: 'invalid_request_error' } },
  },
  /** DeepSeek earlier: 422 with a plain-text body from its request parser (BerriAI/litellm#7580, dzhng/deep-research#22). */
  deepseekPlainText: {
    formats: ['json_schema'],
    status: 422,
    body: 'Failed to deserialize the JSON body into the target type: response_format: response_format.type `json_schema` is unavailable now at line 1 column 1193',
  },
  /** OpenAI itself, for a model without structured outputs (openai/openai-dotnet#276, web-infra-dev/midscene#259). */
  openaiModel: {
    formats: ['json_schema'],
    status: 400,
    body: {
      error: {
        message: "Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model. Learn more about supported models at the Structured Outputs guide: https://platform.openai.com/docs/guides/structured-outputs",
        type: 'invalid_request_error',
        param: 'response_format',
        code: null,
      },
    },
  },
  /**
   * vLLM before 0.10.1: the error object at the top level (vllm-project/vllm#12886,
   * foundation-model-stack/fms-guardrails-orchestrator#511). openai-node 7 takes the top-level
   * object as the error; 6 reported "400 status code (no body)" (huggingface/chat-ui#1343). The
   * message is ours.
   */
  vllmTopLevel: {
    formats: ['json_schema'],
    status: 400,
    body: { object: 'error', message: "response_format.type: Input should be 'text' or 'json_object'", type: 'BadRequestError', param: null, code: 400 },
  },
} as const satisfies Record<string, FormatRefusal>;

export interface OpenAiEmulatorOptions extends EmulatorOptions<ChatBody> {
  /** Act as a server that refuses these `response_format` types. Default: it takes all. */
  readonly refuse?: FormatRefusal;
  /**
   * Play a model with a position bias (`positionBiasedAnswer`) when no `handler` is given: it
   * always favours the listing shown first. Default: false.
   */
  readonly positionBias?: boolean;
}

export interface OpenAiEmulator extends Emulator<ChatBody> {
  /** Start or stop refusing `response_format` types (`undefined`: take all). */
  setRefusal(refusal: FormatRefusal | undefined): void;
}

export async function startOpenAiEmulator(options: OpenAiEmulatorOptions = {}): Promise<OpenAiEmulator> {
  let refusal = options.refuse;
  let handler = options.handler ?? (options.positionBias ? openAiPositionBiasedReply : undefined);
  const emulator = await startEmulator(openAiDialect, {
    ...options,
    handler: (request) => {
      const type = request.body.response_format?.type;
      if (refusal && (type === 'json_schema' || type === 'json_object') && refusal.formats.includes(type)) {
        return { kind: 'status', status: refusal.status, body: refusal.body };
      }
      return handler ? handler(request) : { kind: 'status', status: 500, body: { error: { message: 'emulator has no handler', type: 'server_error', param: null, code: null } } };
    },
  });
  return {
    ...emulator,
    setHandler: (next) => { handler = next; },
    setRefusal: (next) => { refusal = next; },
  };
}

/** The output schema a request asks for, and how: in `response_format`, or (JSON mode, plain text) at the end of the system message. */
export interface RequestedSchema {
  readonly name: string;
  readonly schema: unknown;
  readonly mode: 'json_schema' | 'json_object' | 'text';
}

/**
 * Reads the schema back the way a model would. In JSON and text modes the provider ends the system
 * message with `JSON schema of "<name>":\n<schema>` (`schemaInstruction` in
 * service/providers/openai.ts); the provider tests fail if the two drift apart.
 */
export function requestedSchema(body: ChatBody): RequestedSchema | undefined {
  const format = body.response_format;
  if (format?.type === 'json_schema') return { name: format.json_schema.name, schema: format.json_schema.schema, mode: 'json_schema' };
  const system = body.messages.find((m) => m.role === 'system')?.content;
  const text = typeof system === 'string' ? system : (system ?? []).map((part) => part.text).join('');
  const match = /JSON schema of "([^"]+)":\n(\{[\s\S]*\})\s*$/.exec(text);
  if (!match) return undefined;
  return { name: match[1]!, schema: JSON.parse(match[2]!) as unknown, mode: format?.type === 'json_object' ? 'json_object' : 'text' };
}

/** A handler that answers every request with `autoAnswer` of the schema it asks for. */
export const openAiAutoReply: ReplyHandler<ChatBody> = (request) => ({ kind: 'json', body: autoAnswer(requestedSchema(request.body)?.schema) });

/** Everything a chat request says in text (system and user messages; images left out). */
export function chatText(body: ChatBody): string {
  return body.messages
    .map((m) => (typeof m.content === 'string' ? m.content : (m.content ?? []).map((part) => ('text' in part ? part.text : '')).join('\n')))
    .join('\n');
}

/** How strongly the biased model prefers the first-shown listing, on the 0–10 scale. */
export const POSITION_BIAS = 4;

/**
 * A schema-valid answer from a model with a position bias (issue 19): each listing's merit is
 * read from its title in the prompt ("Listing A: <title>", or "Listing A" then "Title: <title>"),
 * 3–6 points from a hash of it, and the listing in the "A" slot gets POSITION_BIAS points more —
 * so it always wins, whichever listing that is ("winner" "A", personas click and buy "A").
 * Asked in both orders, each listing's mean is its merit + POSITION_BIAS / 2.
 */
export function positionBiasedAnswer(schema: unknown, promptText: string): unknown {
  const title = (slot: 'A' | 'B') =>
    (new RegExp(`Listing ${slot}:[ \\t]*(.*)`).exec(promptText) ?? new RegExp(`Listing ${slot}\\s*\\nTitle:[ \\t]*(.*)`).exec(promptText))?.[1]?.trim() ?? '';
  const score = (slot: 'A' | 'B') => listingMerit(title(slot)) + (slot === 'A' ? POSITION_BIAS : 0);
  const answer = autoAnswer(schema);
  let n = 0;
  const walk = (node: unknown, slot?: 'A' | 'B'): void => {
    if (Array.isArray(node)) return node.forEach((x) => walk(x, slot));
    if (!isRecord(node)) return;
    for (const [k, v] of Object.entries(node)) {
      if (k === 'scores' && isRecord(v) && slot) for (const d of Object.keys(v)) v[d] = score(slot);
      else if (k === 'winner' || k === 'clicks' || k === 'buys') node[k] = 'A';
      else if (k === 'id' && slot) node[k] = `${slot}.biased.e${n++}`;
      else walk(v, k === 'A' || k === 'B' ? k : slot);
    }
  };
  walk(answer);
  return answer;
}

/** A listing's merit to the biased model: 3–6 from its title, the same whichever slot it is in. */
export function listingMerit(title: string): number {
  let h = 0;
  for (const c of title) h = (h * 31 + (c.codePointAt(0) ?? 0)) % 1_000_003;
  return 3 + (h % 4);
}

/** The position-biased model as a handler (`positionBias: true` makes it the default). */
export const openAiPositionBiasedReply: ReplyHandler<ChatBody> = (request) => ({
  kind: 'json',
  body: positionBiasedAnswer(requestedSchema(request.body)?.schema, chatText(request.body)),
});
