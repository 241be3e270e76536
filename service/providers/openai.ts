import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError, OpenAIError } from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import type { ChatCompletionContentPart, ResponseFormatJSONSchema } from 'openai/resources';
import { z } from 'zod';
import { costOf, systemClock } from './provider.ts';
import type { Clock, GenerateRequest, GenerateResult, ModelProvider, TokenPrice, Usage } from './provider.ts';
import { InvalidOutputError, ProviderCallError } from './router.ts';

/**
 * The primary provider: OpenAI Chat Completions with structured outputs (`json_schema`), which
 * any OpenAI-compatible endpoint (OpenRouter, Ollama, vLLM) also serves under its base URL.
 *
 * The request format comes from the SDK's `zodResponseFormat` (zod 4 aware), but the call is
 * `chat.completions.create`, not `.parse`: `.parse` throws on content that fails the schema and
 * loses the raw text and the usage, which the repair attempt and the cost records need.
 *
 * @see https://platform.openai.com/docs/guides/structured-outputs
 */

export interface OpenAiProviderOptions {
  readonly apiKey: string;
  /** An OpenAI-compatible API root, e.g. `http://localhost:11434/v1`. Default: `https://api.openai.com/v1`. */
  readonly baseURL?: string;
  readonly model: string;
  readonly price: TokenPrice;
  /** Per-request timeout the SDK enforces (ms). */
  readonly timeoutMs: number;
  /** SDK-level retries, clamped to 0..1: the router does the retrying, so they must not multiply. */
  readonly maxRetries: number;
  /** Measures `latencyMs`. Default: the system clock. */
  readonly clock?: Clock;
}

export function createOpenAiProvider(options: OpenAiProviderOptions): ModelProvider {
  const { apiKey, model, price, clock = systemClock } = options;
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
  });

  return {
    name: 'openai',
    model,
    async generate<T>(request: GenerateRequest<T>): Promise<GenerateResult<T>> {
      const started = clock.now();
      const content: ChatCompletionContentPart[] = [];
      for (const image of request.images) {
        content.push({ type: 'text', text: `Image "${image.label}":` });
        content.push({
          type: 'image_url',
          image_url: { url: `data:${image.mediaType};base64,${image.data.toString('base64')}`, detail: image.detail },
        });
      }
      content.push({ type: 'text', text: request.prompt });
      let completion: OpenAI.Chat.Completions.ChatCompletion;
      try {
        completion = await client.chat.completions.create(
          {
            model,
            messages: [
              { role: 'system', content: request.system },
              { role: 'user', content },
            ],
            response_format: responseFormat(request.schema, request.schemaName),
            ...(request.maxOutputTokens === undefined ? {} : { max_completion_tokens: request.maxOutputTokens }),
          },
          request.signal ? { signal: request.signal } : {},
        );
      } catch (error) {
        throw toCallError(error, model, apiKey);
      }
      const usage: Usage = {
        inputTokens: completion.usage?.prompt_tokens ?? 0,
        outputTokens: completion.usage?.completion_tokens ?? 0,
      };
      const costUsd = costOf(usage, price);
      const message = completion.choices[0]?.message;
      const rawText = message?.content ?? message?.refusal ?? '';
      const parsed = parseModelJson(request.schema, rawText);
      if (!parsed.success) {
        throw new InvalidOutputError({ provider: 'openai', model, rawText, issues: parsed.issues, usage, costUsd });
      }
      return { output: parsed.data, provider: 'openai', model, usage, costUsd, latencyMs: clock.now() - started, calls: 1 };
    },
  };
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

/** JSON (a surrounding code fence tolerated, as some compatible servers add one) that passes `schema`. */
export function parseModelJson<T>(schema: z.ZodType<T>, text: string): Parsed<T> {
  const fenced = /^\s*```(?:json)?\s*([\s\S]*?)\s*```\s*$/i.exec(text);
  let value: unknown;
  try {
    value = JSON.parse(fenced?.[1] ?? text);
  } catch {
    const message = text.trim() === '' ? 'the answer is empty' : 'the answer is not valid JSON';
    return { success: false, issues: [{ code: 'custom', path: [], message }] };
  }
  const result = schema.safeParse(value);
  return result.success ? { success: true, data: result.data } : { success: false, issues: result.error.issues };
}

/** SDK errors become `ProviderCallError`s (HTTP status kept, server text redacted); anything else is a bug, returned as is. */
function toCallError(error: unknown, model: string, secret: string): unknown {
  const base = { provider: 'openai' as const, model, secret };
  if (error instanceof APIUserAbortError) return new ProviderCallError({ ...base, kind: 'aborted' });
  if (error instanceof APIConnectionTimeoutError) return new ProviderCallError({ ...base, kind: 'timeout' });
  if (error instanceof APIConnectionError) return new ProviderCallError({ ...base, kind: 'network' });
  if (error instanceof APIError && typeof error.status === 'number') {
    const body: unknown = error.error;
    const detail = body && typeof body === 'object' && 'message' in body && typeof body.message === 'string' ? body.message : undefined;
    return new ProviderCallError({ ...base, kind: 'status', status: error.status, ...(detail ? { detail } : {}) });
  }
  // The SDK refused before sending (bad options); its message names options, never values.
  if (error instanceof OpenAIError) return new ProviderCallError({ ...base, kind: 'client', detail: error.message });
  return error;
}
