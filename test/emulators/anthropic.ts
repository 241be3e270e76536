import type { MessageCreateParams } from '@anthropic-ai/sdk/resources/messages';
import { autoAnswer, startEmulator, tokens } from './openai.ts';
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
    const content = reply.kind === 'json'
      ? [{ type: 'tool_use', id: `toolu_emu_${n}`, name: firstToolName(request.body), input: reply.body }]
      : [{ type: 'text', text: reply.text }];
    return {
      id: `msg_emu_${n}`,
      type: 'message',
      role: 'assistant',
      model: request.body.model,
      content,
      stop_reason: reply.kind === 'json' ? 'tool_use' : 'end_turn',
      stop_sequence: null,
      usage: {
        input_tokens: tokens(JSON.stringify([request.body.system, request.body.messages, request.body.tools])),
        output_tokens: tokens(JSON.stringify(content)),
      },
    };
  },
  error: (status, message) => ({
    type: 'error',
    error: { type: status === 529 ? 'overloaded_error' : status >= 500 ? 'api_error' : status === 429 ? 'rate_limit_error' : 'invalid_request_error', message },
  }),
};

export function startAnthropicEmulator(options: EmulatorOptions<MessagesBody> = {}): Promise<Emulator<MessagesBody>> {
  return startEmulator(anthropicDialect, options);
}

/** A handler that answers every request with `autoAnswer` of its first tool's `input_schema`. */
export const anthropicAutoReply: ReplyHandler<MessagesBody> = (request) => {
  const tool = request.body.tools?.[0];
  return { kind: 'json', body: autoAnswer(tool && 'input_schema' in tool ? tool.input_schema : undefined) };
};
