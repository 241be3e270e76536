import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError, OpenAIError } from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import type { ChatCompletionContentPart, ChatCompletionCreateParamsNonStreaming, ResponseFormatJSONSchema } from 'openai/resources';
import { z } from 'zod';
import { SEND_BODY_ONCE, withImageBodies, type ImageSlot } from './image-body.ts';
import { costOf, systemClock } from './provider.ts';
import type { GenerateRequest, GenerateResult, ModelProvider, ProviderOptions, Usage } from './provider.ts';
import { InvalidOutputError, ProviderCallError } from './router.ts';

/**
 * The primary provider: OpenAI Chat Completions with structured outputs (`json_schema`), which
 * any OpenAI-compatible endpoint (OpenRouter, Ollama, vLLM) also serves under its base URL.
 *
 * The request format comes from the SDK's `zodResponseFormat` (zod 4 aware), but the call is
 * `chat.completions.create`, not `.parse`: `.parse` throws on content that fails the schema and
 * loses the raw text and the usage, which the repair attempt and the cost records need.
 *
 * Compatible servers differ in which `response_format` they take (DeepSeek: `json_object` only;
 * vLLM before 0.10.1 puts the error object at the top level of the body; some servers take none).
 * A refusal steps the call down one output mode — strict `json_schema`, then `json_object` with
 * the schema in the system message, then plain text with the schema in the system message — and
 * the mode the server accepted is remembered for this provider instance, so later calls go
 * straight to it. Every mode's answer is validated with zod; the router repairs once.
 *
 * @see https://platform.openai.com/docs/guides/structured-outputs
 */

/** How the answer's shape is asked for, strictest first. */
export type OutputMode = 'json_schema' | 'json_object' | 'text';
const MODES: readonly OutputMode[] = ['json_schema', 'json_object', 'text'];

/** Pino-compatible. */
export interface OpenAiProviderLogger {
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface OpenAiProviderOptions extends ProviderOptions {
  /** An OpenAI-compatible API root, e.g. `http://localhost:11434/v1`. Default: `https://api.openai.com/v1`. */
  readonly baseURL?: string;
  /** Told when the server refused an output mode and a weaker one is used from then on. Default: silent. */
  readonly logger?: OpenAiProviderLogger;
}

export interface OpenAiProvider extends ModelProvider {
  /** The mode the next call starts in: `json_schema` until this server refused it. */
  outputMode(): OutputMode;
}

export function createOpenAiProvider(options: OpenAiProviderOptions): OpenAiProvider {
  const { apiKey, model, price, clock = systemClock, logger } = options;
  // Everything explicit, so the SDK reads nothing from the environment that steers requests.
  const client = new OpenAI({
    apiKey,
    baseURL: options.baseURL ?? 'https://api.openai.com/v1',
    organization: null,
    project: null,
    adminAPIKey: null,
    timeout: options.timeoutMs,
    maxRetries: Math.max(0, Math.min(1, Math.trunc(options.maxRetries))),
    logLevel: 'warn',
    fetchOptions: SEND_BODY_ONCE,
  });
  // Only ever moves down MODES, and only after the server answered a call in the weaker mode.
  let learned: OutputMode = 'json_schema';

  return {
    name: 'openai',
    model,
    outputMode: () => learned,
    async generate<T>(request: GenerateRequest<T>): Promise<GenerateResult<T>> {
      const started = clock.now();
      let mode = learned;
      let calls = 0;
      // Each image base64-encoded once for every call carrying it (image-body.ts); the SDK sends the body as it is.
      const completion = await withImageBodies(request.images, async (body) => {
        for (;;) {
          calls += 1;
          try {
            const json = body((slot) => chatRequest(request, model, mode, userContent(request, slot)));
            return await client.post<OpenAI.Chat.Completions.ChatCompletion>('/chat/completions', {
              body: json,
              headers: { 'content-type': 'application/json' },
              ...(request.signal ? { signal: request.signal } : {}),
            });
          } catch (error) {
            const weaker = MODES[MODES.indexOf(mode) + 1];
            if (weaker === undefined || !refusesOutputMode(error)) throw toCallError(error, model, apiKey);
            mode = weaker;
          }
        }
      });
      if (MODES.indexOf(mode) > MODES.indexOf(learned)) {
        logger?.warn({ provider: 'openai', model, refused: MODES.slice(0, MODES.indexOf(mode)), outputMode: mode }, 'the server refused structured outputs; using the output mode it accepts from now on');
        learned = mode;
      }
      const usage: Usage = {
        inputTokens: completion.usage?.prompt_tokens ?? 0,
        outputTokens: completion.usage?.completion_tokens ?? 0,
      };
      const costUsd = costOf(usage, price);
      const rawText = answerText(completion);
      const parsed = parseModelJson(request.schema, rawText);
      if (!parsed.success) {
        throw new InvalidOutputError({ provider: 'openai', model, rawText, issues: parsed.issues, usage, costUsd });
      }
      return { output: parsed.data, provider: 'openai', model, usage, costUsd, latencyMs: clock.now() - started, calls };
    },
  };
}

/** The user message: each image (a data URL, its base64 in `slot`) after its label, then the prompt. */
function userContent(request: GenerateRequest<unknown>, slot: ImageSlot): ChatCompletionContentPart[] {
  const content: ChatCompletionContentPart[] = [];
  for (const [i, image] of request.images.entries()) {
    content.push({ type: 'text', text: `Image "${image.label}":` });
    content.push({ type: 'image_url', image_url: { url: slot(i, `data:${image.mediaType};base64,`), detail: image.detail } });
  }
  content.push({ type: 'text', text: request.prompt });
  return content;
}

function chatRequest(request: GenerateRequest<unknown>, model: string, mode: OutputMode, content: ChatCompletionContentPart[]): ChatCompletionCreateParamsNonStreaming {
  const format = responseFormat(request.schema, request.schemaName);
  const system = mode === 'json_schema' ? request.system : `${request.system}\n\n${schemaInstruction(request.schemaName, format.json_schema.schema)}`;
  return {
    model,
    messages: [
      { role: 'system', content: system },
      { role: 'user', content },
    ],
    ...(mode === 'json_schema' ? { response_format: format } : mode === 'json_object' ? { response_format: { type: 'json_object' as const } } : {}),
    ...(request.maxOutputTokens === undefined ? {} : { max_completion_tokens: request.maxOutputTokens }),
  };
}

/**
 * The schema, for the modes in which the server does not enforce it. It ends the system message
 * (test/emulators/openai.ts reads it back from there, as a model would). It names JSON, which
 * OpenAI's and DeepSeek's `json_object` mode require the messages to do.
 */
export function schemaInstruction(name: string, schema: unknown): string {
  return `Answer with one JSON object and nothing else: no prose, no code fences. It must validate against the JSON schema of "${name}":\n${JSON.stringify(schema)}`;
}

/** Words a compatible server uses when it refuses a `response_format` (or its schema). */
const FORMAT_WORDS = /response_?format|json[ _-]?schema|json_object|structured[ _-]?outputs?|guided[ _-]?(?:json|decoding)/i;

/**
 * Whether an error is a server refusing the output mode (so a weaker one may work), as seen in:
 * DeepSeek, 400 `{"error":{"message":"This response_format type is unavailable now","type":
 * "invalid_request_error","param":null,"code":"invalid_request_error"}}` (llm-exe/llm-exe#662),
 * and earlier 422 with a plain-text body naming `response_format.type` (BerriAI/litellm#7580);
 * OpenAI for a model without structured outputs, 400 "Invalid parameter: 'response_format' of
 * type 'json_schema' is not supported with this model." with `param: "response_format"`
 * (openai/openai-dotnet#276); vLLM before 0.10.1, with a top-level `{"object":"error","message"}`
 * (vllm-project/vllm#12886) that openai-node 7 reads as the error and 6 could not read at all
 * ("400 status code (no body)", huggingface/chat-ui#1343) — so a bare 400 with no body still
 * counts: stepping down on it costs at most two calls, once.
 */
export function refusesOutputMode(error: unknown): boolean {
  if (!(error instanceof APIError) || (error.status !== 400 && error.status !== 422)) return false;
  if (error.param === 'response_format') return true;
  const body: unknown = error.error;
  const detail = body && typeof body === 'object' && 'message' in body && typeof body.message === 'string' ? body.message : '';
  // `error.message` holds a body that was not `{ error: … }` JSON (plain text), or "(no body)".
  return FORMAT_WORDS.test(detail) || FORMAT_WORDS.test(error.message) || body === undefined && /\(no body\)/.test(error.message);
}

/** The answer's text: `content` (a string, or text parts on a few compatible servers), else the refusal. */
function answerText(completion: OpenAI.Chat.Completions.ChatCompletion): string {
  // Compatible servers do not all honour the types: `choices` may be missing, `content` an array.
  const choices = completion.choices as OpenAI.Chat.Completions.ChatCompletion['choices'] | undefined;
  const message = choices?.[0]?.message as { content?: unknown; refusal?: unknown } | undefined;
  const content = message?.content;
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content.map((part: unknown) => (part && typeof part === 'object' && 'text' in part && typeof part.text === 'string' ? part.text : '')).join('');
  }
  return typeof message?.refusal === 'string' ? message.refusal : '';
}

const formats = new WeakMap<z.ZodType, ResponseFormatJSONSchema>();

/**
 * Strict structured outputs when the schema fits OpenAI's strict subset; otherwise (e.g. an
 * `.optional()` field, which the helper refuses) a non-strict JSON schema of the schema's input.
 * Either way the answer is validated with zod afterwards.
 */
export function responseFormat(schema: z.ZodType, name: string): ResponseFormatJSONSchema {
  const cached = formats.get(schema);
  if (cached) return cached;
  let format: ResponseFormatJSONSchema;
  try {
    const strict = zodResponseFormat(schema, name);
    format = { type: 'json_schema', json_schema: strict.json_schema };
  } catch {
    const jsonSchema = z.toJSONSchema(schema, { target: 'draft-7', io: 'input', unrepresentable: 'any' });
    format = { type: 'json_schema', json_schema: { name, strict: false, schema: jsonSchema } };
  }
  formats.set(schema, format);
  return format;
}

type Parsed<T> = { success: true; data: T } | { success: false; issues: z.core.$ZodIssue[] };

/**
 * JSON that passes `schema`. Tolerated around it, as compatible servers and models without
 * enforced output add them: a code fence, or prose before and after one object.
 */
export function parseModelJson<T>(schema: z.ZodType<T>, text: string): Parsed<T> {
  if (text.trim() === '') return { success: false, issues: [{ code: 'custom', path: [], message: 'the answer is empty' }] };
  const fenced = /```(?:json)?\s*([\s\S]*?)\s*```/i.exec(text)?.[1];
  const first = text.indexOf('{');
  const last = text.lastIndexOf('}');
  const braced = first >= 0 && last > first ? text.slice(first, last + 1) : undefined;
  for (const candidate of [text, fenced, braced]) {
    if (candidate === undefined) continue;
    let value: unknown;
    try {
      value = JSON.parse(candidate);
    } catch {
      continue;
    }
    const result = schema.safeParse(value);
    return result.success ? { success: true, data: result.data } : { success: false, issues: result.error.issues };
  }
  return { success: false, issues: [{ code: 'custom', path: [], message: 'the answer is not valid JSON' }] };
}

/** SDK errors become `ProviderCallError`s (HTTP status kept, server text redacted); anything else is a bug, returned as is. */
function toCallError(error: unknown, model: string, secret: string): unknown {
  const base = { provider: 'openai' as const, model, secret };
  if (error instanceof APIUserAbortError) return new ProviderCallError({ ...base, kind: 'aborted' });
  if (error instanceof APIConnectionTimeoutError) return new ProviderCallError({ ...base, kind: 'timeout' });
  if (error instanceof APIConnectionError) return new ProviderCallError({ ...base, kind: 'network' });
  if (error instanceof APIError && typeof error.status === 'number') {
    const body: unknown = error.error;
    // `{ error: { message } }`, else what the SDK made of another body (plain text: "422 Failed to …").
    const detail = body && typeof body === 'object' && 'message' in body && typeof body.message === 'string'
      ? body.message
      : body === undefined && !/\(no body\)/.test(error.message) ? error.message.replace(/^\d{3}\s+/, '') : undefined;
    return new ProviderCallError({ ...base, kind: 'status', status: error.status, ...(detail ? { detail } : {}) });
  }
  // The SDK refused before sending (bad options); its message names options, never values.
  if (error instanceof OpenAIError) return new ProviderCallError({ ...base, kind: 'client', detail: error.message });
  return error;
}
