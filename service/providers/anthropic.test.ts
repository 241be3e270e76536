import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { anthropicAutoReply, replyQueue, startAnthropicEmulator } from '../../test/emulators/anthropic.ts';
import { createAnthropicProvider } from './anthropic.ts';
import { costOf } from './provider.ts';
import type { GenerateRequest, ModelProvider } from './provider.ts';
import { InvalidOutputError, ProviderCallError } from './router.ts';
import { fetchInitsDuring } from '../../test/support/fetch-inits.ts';

const KEY = 'sk-ant-test-FAKEKEY-anthropic-0123456789';
const price = { inputPerMillion: 3, outputPerMillion: 15 };
const verdict = z.object({
  winner: z.enum(['A', 'B', 'tie']),
  scores: z.object({ A: z.number().min(0).max(10), B: z.number().min(0).max(10) }),
  evidence: z.array(z.string().min(3)).min(2),
  note: z.string().optional(),
});
const valid = { winner: 'B', scores: { A: 5, B: 7 }, evidence: ['lifestyle shot', 'scale reference'] };

function request(overrides: Partial<GenerateRequest<z.infer<typeof verdict>>> = {}): GenerateRequest<z.infer<typeof verdict>> {
  return {
    task: 'pdp',
    system: 'You judge Amazon galleries.',
    prompt: 'Which gallery converts better?',
    images: [{ sha256: 'cd'.repeat(32), mediaType: 'image/jpeg', data: Buffer.from('jpeg-bytes'), detail: 'high', label: 'B gallery 2' }],
    schema: verdict,
    schemaName: 'pdp_verdict',
    ...overrides,
  };
}

let emulator: Awaited<ReturnType<typeof startAnthropicEmulator>>;
let provider: ModelProvider;

beforeAll(async () => {
  emulator = await startAnthropicEmulator();
  provider = createAnthropicProvider({ apiKey: KEY, baseURL: emulator.url, model: 'claude-test', price, timeoutMs: 2_000, maxRetries: 0 });
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.requests.length = 0;
});

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('createAnthropicProvider against the emulator', () => {
  it('sends its body once: a request without a window that refuses redirects, which undici does not copy (a copy tees the body, cloning every chunk)', async () => {
    const inits = await fetchInitsDuring(async () => {
      emulator.setHandler(replyQueue({ kind: 'json', body: valid }));
      await createAnthropicProvider({ apiKey: KEY, baseURL: emulator.url, model: 'claude-test', price, timeoutMs: 2_000, maxRetries: 0 }).generate(request());
    });
    expect(inits).toHaveLength(1);
    expect(inits[0]).toMatchObject({ redirect: 'error', window: null });
  });

  it('forces one tool whose input schema is the output schema, and validates its input', async () => {
    emulator.setHandler(replyQueue({ kind: 'json', body: valid }));
    const result = await provider.generate(request());
    expect(result.output).toEqual(valid);
    expect(result).toMatchObject({ provider: 'anthropic', model: 'claude-test', calls: 1 });
    expect(result.costUsd).toBeCloseTo(costOf(result.usage, price), 12);
    expect(result.usage.inputTokens).toBeGreaterThan(0);

    const [sent] = emulator.requests;
    expect(sent!.path).toBe('/v1/messages');
    // SDK 1.x sends an API key as `Authorization: Bearer`; older ones used `x-api-key`. Either counts.
    const credential = sent!.headers['x-api-key'] ?? sent!.headers.authorization?.replace(/^Bearer /, '');
    expect(credential === KEY).toBe(true);
    expect(sent!.headers['anthropic-version']).toBeDefined();
    const body = sent!.body;
    expect(body).toMatchObject({ model: 'claude-test', max_tokens: 4096, system: 'You judge Amazon galleries.' });
    expect(body.tool_choice).toEqual({ type: 'tool', name: 'pdp_verdict' });
    expect(body.tools).toHaveLength(1);
    const tool = body.tools![0]!;
    expect(tool).toMatchObject({ name: 'pdp_verdict', input_schema: { type: 'object', required: ['winner', 'scores', 'evidence'] } });
    expect('input_schema' in tool && tool.input_schema).not.toHaveProperty('$schema');
    const content = body.messages[0]!.content;
    expect(content).toContainEqual({ type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: Buffer.from('jpeg-bytes').toString('base64') } });
    expect(content).toContainEqual({ type: 'text', text: 'Image "B gallery 2":' });
    expect(Array.isArray(content) && content.at(-1)).toEqual({ type: 'text', text: 'Which gallery converts better?' });
  });

  it('answers built by autoAnswer from the tool schema validate', async () => {
    emulator.setHandler(anthropicAutoReply);
    const result = await provider.generate(request({ maxOutputTokens: 900 }));
    expect(verdict.safeParse(result.output).success).toBe(true);
    expect(emulator.requests[0]!.body.max_tokens).toBe(900);
  });

  it('surfaces a text answer (tool ignored) as InvalidOutputError', async () => {
    emulator.setHandler(replyQueue({ kind: 'malformed', text: 'I think B is better.' }));
    const error = (await failure(provider.generate(request()))) as InvalidOutputError;
    expect(error).toBeInstanceOf(InvalidOutputError);
    expect(error.rawText).toBe('I think B is better.');
    expect(error.issues[0]!.message).toMatch(/did not use the pdp_verdict tool/);
  });

  it('surfaces an invalid tool input with the zod issues and the input as raw text', async () => {
    const bad = { winner: 'B', scores: { A: 5 }, evidence: ['ok'] };
    emulator.setHandler(replyQueue({ kind: 'json', body: bad }));
    const error = (await failure(provider.generate(request()))) as InvalidOutputError;
    expect(error).toBeInstanceOf(InvalidOutputError);
    expect(JSON.parse(error.rawText)).toEqual(bad);
    expect(error.issues.map((i) => i.path.join('.'))).toEqual(expect.arrayContaining(['scores.B', 'evidence']));
  });

  it.each([500, 529, 429, 400])('exposes HTTP %i as a ProviderCallError without the key', async (status) => {
    emulator.setHandler(replyQueue({ kind: 'status', status, body: { type: 'error', error: { type: 'x', message: `bad key ${KEY}` } } }));
    const error = (await failure(provider.generate(request()))) as ProviderCallError;
    expect(error).toBeInstanceOf(ProviderCallError);
    expect(error).toMatchObject({ kind: 'status', status });
    expect(error.message).toContain('[redacted]');
    expect(`${error.message}\n${error.stack ?? ''}`.includes('FAKEKEY')).toBe(false);
    expect(emulator.requests).toHaveLength(1);
  });

  it('reports an SDK timeout as kind timeout', async () => {
    const slow = createAnthropicProvider({ apiKey: KEY, baseURL: emulator.url, model: 'claude-test', price, timeoutMs: 100, maxRetries: 0 });
    emulator.setHandler(replyQueue({ kind: 'delay', ms: 1_000, then: { kind: 'json', body: valid } }));
    await expect(slow.generate(request())).rejects.toMatchObject({ kind: 'timeout', code: 'timeout' });
  });
});
