import type Anthropic from '@anthropic-ai/sdk';
import type * as AnthropicSdk from '@anthropic-ai/sdk';
import type { ContentBlockParam, Message, MessageCreateParamsNonStreaming, Tool } from '@anthropic-ai/sdk/resources/messages';
import { z } from 'zod';
import { SEND_BODY_ONCE, withImageBodies, type ImageSlot } from './image-body.ts';
import { costOf, systemClock } from './provider.ts';
import type { GenerateRequest, GenerateResult, ModelProvider, ProviderOptions, Usage } from './provider.ts';
import { InvalidOutputError, ProviderCallError } from './router.ts';

/**
 * The fallback provider: Anthropic Messages with one forced tool whose `input_schema` is the
 * output schema, so the answer arrives as the tool's input; it is validated with zod.
 *
 * The SDK (~5 MB of heap once loaded) is imported on the provider's first call, so a deployment
 * that configures no Anthropic key — or never falls back to it — does not load it.
 *
 * @see https://docs.anthropic.com/en/docs/build-with-claude/tool-use#forcing-tool-use
 */

type Sdk = typeof AnthropicSdk;

export interface AnthropicProviderOptions extends ProviderOptions {
  /** API origin (the SDK adds `/v1/messages`). Default: `https://api.anthropic.com`. */
  readonly baseURL?: string;
  /** `max_tokens` when the request sets none. Default 4096. */
  readonly defaultMaxTokens?: number;
}

export function createAnthropicProvider(options: AnthropicProviderOptions): ModelProvider {
  const { apiKey, model, price, clock = systemClock, defaultMaxTokens = 4096 } = options;
  // `authToken: null` keeps ANTHROPIC_AUTH_TOKEN from adding a second credential; the base URL is
  // explicit so ANTHROPIC_BASE_URL is not read either.
  let loaded: Promise<{ sdk: Sdk; client: Anthropic }> | undefined;
  const load = () =>
    (loaded ??= import('@anthropic-ai/sdk').then((sdk) => ({
      sdk,
      client: new sdk.default({
        apiKey,
        authToken: null,
        baseURL: options.baseURL ?? 'https://api.anthropic.com',
        timeout: options.timeoutMs,
        maxRetries: Math.max(0, Math.min(1, Math.trunc(options.maxRetries))),
        logLevel: 'warn',
        fetchOptions: SEND_BODY_ONCE,
      }),
    })).catch((error: unknown) => {
      // Not remembered: the next call tries the import again.
      loaded = undefined;
      throw error;
    }));

  return {
    name: 'anthropic',
    model,
    async generate<T>(request: GenerateRequest<T>): Promise<GenerateResult<T>> {
      const started = clock.now();
      const tool = toolFor(request.schema, request.schemaName);
      const params = (slot: ImageSlot): MessageCreateParamsNonStreaming => ({
        model,
        max_tokens: request.maxOutputTokens ?? defaultMaxTokens,
        system: request.system,
        messages: [{ role: 'user', content: userContent(request, slot) }],
        tools: [tool],
        tool_choice: { type: 'tool', name: tool.name },
      });
      const { sdk, client } = await load();
      let message: Message;
      try {
        // Each image base64-encoded once for every call carrying it (image-body.ts); the SDK sends the body as it is.
        message = await withImageBodies(request.images, (body) =>
          client.post<Message>('/v1/messages', {
            body: body(params),
            headers: { 'content-type': 'application/json' },
            stream: false,
            ...(request.signal ? { signal: request.signal } : {}),
          }),
        );
      } catch (error) {
        throw toCallError(sdk, error, model, apiKey);
      }
      const usage: Usage = {
        inputTokens: message.usage.input_tokens + (message.usage.cache_creation_input_tokens ?? 0) + (message.usage.cache_read_input_tokens ?? 0),
        outputTokens: message.usage.output_tokens,
      };
      const costUsd = costOf(usage, price);
      const invalid = (rawText: string, issues: z.core.$ZodIssue[]): InvalidOutputError =>
        new InvalidOutputError({ provider: 'anthropic', model, rawText, issues, usage, costUsd });

      const call = message.content.find((block) => block.type === 'tool_use' && block.name === tool.name);
      if (!call || call.type !== 'tool_use') {
        const text = message.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
        throw invalid(text, [{ code: 'custom', path: [], message: `the answer did not use the ${tool.name} tool` }]);
      }
      const parsed = request.schema.safeParse(call.input);
      if (!parsed.success) throw invalid(JSON.stringify(call.input) ?? '', parsed.error.issues);
      return { output: parsed.data, provider: 'anthropic', model, usage, costUsd, latencyMs: clock.now() - started, calls: 1 };
    },
  };
}

/** Each image (its base64 in `slot`) after its label, then the prompt. */
function userContent(request: GenerateRequest<unknown>, slot: ImageSlot): ContentBlockParam[] {
  const content: ContentBlockParam[] = [];
  for (const [i, image] of request.images.entries()) {
    content.push({ type: 'text', text: `Image "${image.label}":` });
    content.push({ type: 'image', source: { type: 'base64', media_type: image.mediaType, data: slot(i) } });
  }
  content.push({ type: 'text', text: request.prompt });
  return content;
}

const tools = new WeakMap<z.ZodType, Tool['input_schema']>();

/** One tool per output schema; its input schema is the zod schema's input as JSON schema. */
export function toolFor(schema: z.ZodType, name: string): Tool {
  let inputSchema = tools.get(schema);
  if (!inputSchema) {
    const { $schema: _ignored, ...jsonSchema } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
    inputSchema = { ...jsonSchema, type: 'object' };
    tools.set(schema, inputSchema);
  }
  return { name, description: `Record the ${name} result. Call this exactly once with the complete answer.`, input_schema: inputSchema };
}

/** SDK errors become `ProviderCallError`s (HTTP status kept, server text redacted); anything else is a bug, returned as is. */
function toCallError(sdk: Sdk, error: unknown, model: string, secret: string): unknown {
  const { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError, AnthropicError } = sdk;
  const base = { provider: 'anthropic' as const, model, secret };
  if (error instanceof APIUserAbortError) return new ProviderCallError({ ...base, kind: 'aborted' });
  if (error instanceof APIConnectionTimeoutError) return new ProviderCallError({ ...base, kind: 'timeout' });
  if (error instanceof APIConnectionError) return new ProviderCallError({ ...base, kind: 'network' });
  if (error instanceof APIError && typeof error.status === 'number') {
    // The body is `{ type: 'error', error: { type, message } }`.
    const body: unknown = error.error;
    const inner: unknown = body && typeof body === 'object' && 'error' in body ? body.error : undefined;
    const detail = inner && typeof inner === 'object' && 'message' in inner && typeof inner.message === 'string' ? inner.message : undefined;
    return new ProviderCallError({ ...base, kind: 'status', status: error.status, ...(detail ? { detail } : {}) });
  }
  if (error instanceof AnthropicError) return new ProviderCallError({ ...base, kind: 'client', detail: error.message });
  return error;
}
