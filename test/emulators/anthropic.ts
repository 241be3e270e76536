import type { MessageCreateParams } from '@anthropic-ai/sdk/resources/messages';
import { anthropicImageTokens, imageSize } from './image-tokens.ts';
import { autoAnswer, emulatedId, memoByBody, positionBiasedAnswer, startEmulator, tokens } from './openai.ts';
import type { Dialect, Emulator, EmulatorOptions, ReplyHandler } from './openai.ts';

/**
 * A local Anthropic Messages emulator the real `@anthropic-ai/sdk` talks to (base URL
 * `http://127.0.0.1:PORT` → `POST /v1/messages`). A `json` reply becomes the input of a
 * `tool_use` block for the request's first tool; a `malformed` reply is a plain text block (the
 * model ignored the tool). The shared plumbing lives in ./openai.ts.
 */

export { autoAnswer, replyQueue } from './openai.ts';
export type { Emulator, EmulatorOptions, EmulatorReply, RecordedRequest, ReplyHandler } from './openai.ts';

type MessagesBody = MessageCreateParams;

function firstToolName(body: MessagesBody): string {
  const tool = body.tools?.[0];
  return tool && 'name' in tool ? tool.name : 'answer';
}

const anthropicDialect: Dialect<MessagesBody> = {
  path: '/v1/messages',
  baseSuffix: '',
  answer(request, reply, n) {
    // With `tool_choice: { type: 'tool' }` the answer is the tool_use block alone: the API prefills
    // the assistant turn, so no text block precedes it (docs: tool use, "Forcing tool use").
    const content = reply.kind === 'json'
      ? [{ type: 'tool_use', id: emulatedId('toolu_01', n), name: firstToolName(request.body), input: reply.body }]
      : [{ type: 'text', text: reply.text }];
    // The shape of the SDK's own recorded tool_use answer (anthropics/anthropic-sdk-typescript,
    // tests/api-resources/MessageStream.test.ts `EXPECTED_TOOL_USE_MESSAGE`, accumulated from
    // tests/lib/fixtures/tool_use_response.txt): id "msg_01…", type, role, model, content,
    // stop_reason "tool_use" (or "end_turn" for text), stop_sequence null, and usage with the
    // cache counters and service_tier.
    return {
      id: emulatedId('msg_01', n),
      type: 'message',
      role: 'assistant',
      model: request.body.model,
      content,
      stop_reason: reply.kind === 'json' ? 'tool_use' : 'end_turn',
      stop_sequence: null,
      usage: {
        input_tokens: inputOf(request.body),
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        output_tokens: tokens(JSON.stringify(content)),
        service_tier: 'standard',
      },
    };
  },
  // Error shape and types per status from https://docs.claude.com/en/api/errors: a top-level
  // `type: "error"`, an `error` with `type` and `message`, and a `request_id`.
  error: (status, message, n) => ({
    type: 'error',
    error: { type: status === 529 ? 'overloaded_error' : status >= 500 ? 'api_error' : status === 429 ? 'rate_limit_error' : 'invalid_request_error', message },
    request_id: emulatedId('req_011', n),
  }),
  // Every response carries a `request-id` header (same page).
  headers: (n) => ({ 'request-id': emulatedId('req_011', n) }),
  prepare: (request) => void inputOf(request.body),
};

/**
 * The request's text at 4 characters a token plus each image's documented cost (./image-tokens.ts):
 * a base64 image block's `data` is its pixels, not text.
 */
function inputTokens(body: MessagesBody): number {
  const images: Buffer[] = [];
  const text = JSON.stringify([body.system, body.messages, body.tools], (key, v: unknown) => {
    if (key === 'data' && typeof v === 'string') {
      images.push(Buffer.from(v, 'base64'));
      return '';
    }
    return v;
  });
  return tokens(text) + images.reduce((sum, b) => sum + anthropicImageTokens(imageSize(b)), 0);
}

export interface AnthropicEmulatorOptions extends EmulatorOptions<MessagesBody> {
  /** Play a model that always favours the listing shown first when no `handler` is given (./openai.ts `positionBiasedAnswer`). Default: false. */
  readonly positionBias?: boolean;
}

export function startAnthropicEmulator(options: AnthropicEmulatorOptions = {}): Promise<Emulator<MessagesBody>> {
  const handler = options.handler ?? (options.positionBias ? anthropicPositionBiasedReply : undefined);
  return startEmulator(anthropicDialect, { ...options, ...(handler ? { handler } : {}) });
}

/** A handler that answers every request with `autoAnswer` of its first tool's `input_schema`. */
export const anthropicAutoReply: ReplyHandler<MessagesBody> = (request) => {
  const tool = request.body.tools?.[0];
  return { kind: 'json', body: autoAnswer(tool && 'input_schema' in tool ? tool.input_schema : undefined) };
};

/** The text a Messages request carries: the system prompt and the user's text blocks. */
function messagesText(body: MessagesBody): string {
  const system = typeof body.system === 'string' ? body.system : (body.system ?? []).map((b) => b.text).join('\n');
  const blocks = body.messages.flatMap((m) => (typeof m.content === 'string' ? [m.content] : m.content.map((b) => (b.type === 'text' ? b.text : ''))));
  return [system, ...blocks].join('\n');
}

/** A model with a position bias: always favours the listing shown first (see `positionBiasedAnswer`). */
export const anthropicPositionBiasedReply: ReplyHandler<MessagesBody> = (request) => {
  const tool = request.body.tools?.[0];
  return { kind: 'json', body: positionBiasedAnswer(tool && 'input_schema' in tool ? tool.input_schema : undefined, messagesText(request.body)) };
};

/** `inputTokens` of a request body, counted once (on arrival, by `prepare`). */
const inputOf = memoByBody(inputTokens);
