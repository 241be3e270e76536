import { APIError } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { autoAnswer, formatRefusals, openAiAutoReply, replyQueue, requestedSchema, startOpenAiEmulator } from '../../test/emulators/openai.ts';
import type { FormatRefusal } from '../../test/emulators/openai.ts';
import { createOpenAiProvider, parseModelJson, refusesOutputMode, responseFormat } from './openai.ts';
import type { OpenAiProviderOptions } from './openai.ts';
import { costOf } from './provider.ts';
import type { GenerateRequest, ModelProvider } from './provider.ts';
import { InvalidOutputError, ProviderCallError } from './router.ts';
import { fetchInitsDuring } from '../../test/support/fetch-inits.ts';

const KEY = 'sk-test-FAKEKEY-openai-0123456789';
const price = { inputPerMillion: 2.5, outputPerMillion: 10 };
const verdict = z.object({
  winner: z.enum(['A', 'B', 'tie']),
  scores: z.object({ A: z.number().min(0).max(10), B: z.number().min(0).max(10) }),
  evidence: z.array(z.string().min(3)).min(2),
});
const valid = { winner: 'A', scores: { A: 8, B: 6 }, evidence: ['white background', 'fills the frame'] };

function request(overrides: Partial<GenerateRequest<z.infer<typeof verdict>>> = {}): GenerateRequest<z.infer<typeof verdict>> {
  return {
    task: 'ctr',
    system: 'You judge Amazon main images.',
    prompt: 'Which main image wins the click?',
    images: [{ sha256: 'ab'.repeat(32), mediaType: 'image/png', data: Buffer.from('png-bytes'), detail: 'low', label: 'A main' }],
    schema: verdict,
    schemaName: 'ctr_verdict',
    ...overrides,
  };
}

let emulator: Awaited<ReturnType<typeof startOpenAiEmulator>>;
let provider: ModelProvider;
const fresh = (extra: Partial<OpenAiProviderOptions> = {}) =>
  createOpenAiProvider({ apiKey: KEY, baseURL: emulator.url, model: 'gpt-test', price, timeoutMs: 2_000, maxRetries: 0, ...extra });

beforeAll(async () => {
  emulator = await startOpenAiEmulator();
  provider = fresh();
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.requests.length = 0;
  emulator.setRefusal(undefined);
});

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

function expectNoSecret(error: unknown): void {
  expect(error).toBeInstanceOf(Error);
  const e = error as Error;
  expect(`${e.message}\n${e.stack ?? ''}`.includes('FAKEKEY')).toBe(false);
}

describe('createOpenAiProvider against the emulator', () => {
  it('sends its body once: a request without a window that refuses redirects, which undici does not copy (a copy tees the body, cloning every chunk)', async () => {
    const inits = await fetchInitsDuring(async () => {
      emulator.setHandler(replyQueue({ kind: 'json', body: valid }));
      await fresh().generate(request());
    });
    expect(inits).toHaveLength(1);
    expect(inits[0]).toMatchObject({ redirect: 'error', window: null });
  });

  it('sends structured-output requests and parses a valid answer', async () => {
    emulator.setHandler(replyQueue({ kind: 'json', body: valid }));
    const result = await provider.generate(request());
    expect(result.output).toEqual(valid);
    expect(result).toMatchObject({ provider: 'openai', model: 'gpt-test', calls: 1 });
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    expect(result.costUsd).toBeCloseTo(costOf(result.usage, price), 12);

    const [sent] = emulator.requests;
    expect(sent!.path).toBe('/v1/chat/completions');
    expect(sent!.headers.authorization === `Bearer ${KEY}`).toBe(true);
    const body = sent!.body;
    expect(body.model).toBe('gpt-test');
    expect(body.response_format).toMatchObject({ type: 'json_schema', json_schema: { name: 'ctr_verdict', strict: true } });
    // Strict mode: the server enforces the schema, so the prompt does not carry it.
    expect(body.messages[0]).toEqual({ role: 'system', content: 'You judge Amazon main images.' });
    const parts = body.messages[1]!.content;
    expect(parts).toContainEqual({ type: 'image_url', image_url: { url: `data:image/png;base64,${Buffer.from('png-bytes').toString('base64')}`, detail: 'low' } });
    expect(Array.isArray(parts) && parts.at(-1)).toEqual({ type: 'text', text: 'Which main image wins the click?' });
    expect(body).not.toHaveProperty('max_completion_tokens');
  });

  it('passes maxOutputTokens and answers from autoAnswer validate', async () => {
    emulator.setHandler(openAiAutoReply);
    const result = await provider.generate(request({ maxOutputTokens: 500 }));
    expect(verdict.safeParse(result.output).success).toBe(true);
    expect(emulator.requests[0]!.body.max_completion_tokens).toBe(500);
  });

  it('surfaces non-JSON as InvalidOutputError with the raw text', async () => {
    emulator.setHandler(replyQueue({ kind: 'malformed', text: 'Listing A wins, clearly.' }));
    const error = await failure(provider.generate(request()));
    expect(error).toBeInstanceOf(InvalidOutputError);
    const invalid = error as InvalidOutputError;
    expect(invalid.code).toBe('invalid_model_output');
    expect(invalid.rawText).toBe('Listing A wins, clearly.');
    expect(invalid.issues[0]!.message).toMatch(/not valid JSON/);
    expect(invalid.usage.outputTokens).toBeGreaterThan(0);
    expect(invalid.message).not.toContain('clearly');
  });

  it('surfaces schema failures with the zod issues', async () => {
    emulator.setHandler(replyQueue({ kind: 'json', body: { winner: 'C', scores: { A: 11, B: 1 }, evidence: [] } }));
    const error = (await failure(provider.generate(request()))) as InvalidOutputError;
    expect(error).toBeInstanceOf(InvalidOutputError);
    expect(error.issues.map((i) => i.path.join('.'))).toEqual(expect.arrayContaining(['winner', 'scores.A', 'evidence']));
    expect(JSON.parse(error.rawText)).toEqual({ winner: 'C', scores: { A: 11, B: 1 }, evidence: [] });
  });

  it('accepts JSON inside a code fence (some compatible servers add one)', async () => {
    emulator.setHandler(replyQueue({ kind: 'malformed', text: `\`\`\`json\n${JSON.stringify(valid)}\n\`\`\`` }));
    await expect(provider.generate(request())).resolves.toMatchObject({ output: valid });
  });

  it.each([500, 503, 429, 400, 401])('exposes HTTP %i as a ProviderCallError without the key', async (status) => {
    emulator.setHandler(replyQueue({ kind: 'status', status, body: { error: { message: `no good, key ${KEY}`, type: 'x' } } }));
    const error = (await failure(provider.generate(request()))) as ProviderCallError;
    expect(error).toBeInstanceOf(ProviderCallError);
    expect(error).toMatchObject({ kind: 'status', status, code: 'provider_failed' });
    expect(error.unhealthy).toBe(status >= 500);
    expect(error.retryable).toBe(status >= 500 || status === 429);
    expectNoSecret(error);
    expect(emulator.requests).toHaveLength(1); // maxRetries 0: the SDK does not retry on its own
  });

  it('reports an SDK timeout as kind timeout', async () => {
    const slow = createOpenAiProvider({ apiKey: KEY, baseURL: emulator.url, model: 'gpt-test', price, timeoutMs: 100, maxRetries: 0 });
    emulator.setHandler(replyQueue({ kind: 'delay', ms: 1_000, then: { kind: 'json', body: valid } }));
    const error = (await failure(slow.generate(request()))) as ProviderCallError;
    expect(error).toMatchObject({ kind: 'timeout', code: 'timeout', unhealthy: true });
    expectNoSecret(error);
  });

  it('reports a caller abort as kind aborted', async () => {
    emulator.setHandler(replyQueue({ kind: 'delay', ms: 1_000, then: { kind: 'json', body: valid } }));
    const error = await failure(provider.generate(request({ signal: AbortSignal.timeout(50) })));
    expect(error).toMatchObject({ kind: 'aborted' });
  });

  it('reports a refused connection as kind network', async () => {
    const closed = await startOpenAiEmulator();
    await closed.close();
    const gone = createOpenAiProvider({ apiKey: KEY, baseURL: closed.url, model: 'gpt-test', price, timeoutMs: 1_000, maxRetries: 0 });
    const error = (await failure(gone.generate(request()))) as ProviderCallError;
    expect(error).toMatchObject({ kind: 'network', retryable: true, unhealthy: true });
    expectNoSecret(error);
  });
});

describe('a compatible server that refuses structured outputs', () => {
  const sdkError = async (refusal: FormatRefusal): Promise<unknown> => {
    emulator.setRefusal(refusal);
    // What the SDK makes of the server's refusal, before the provider sees it.
    const OpenAI = (await import('openai')).default;
    const client = new OpenAI({ apiKey: KEY, baseURL: emulator.url, maxRetries: 0 });
    return failure(client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'x' }], response_format: responseFormat(verdict, 'ctr_verdict') }));
  };

  it.each(Object.entries(formatRefusals))('%s: json_schema refused → JSON mode with the schema in the prompt, remembered', async (_name, refusal) => {
    const warnings: { fields: Record<string, unknown>; message: string }[] = [];
    const compat = fresh({ logger: { warn: (fields, message) => warnings.push({ fields, message }) } });
    emulator.setRefusal(refusal);
    emulator.setHandler(openAiAutoReply);

    const first = await compat.generate(request());
    expect(verdict.safeParse(first.output).success).toBe(true);
    expect(first.calls).toBe(2);
    expect(emulator.requests.map((r) => r.body.response_format?.type)).toEqual(['json_schema', 'json_object']);
    const retried = emulator.requests[1]!.body;
    const system = retried.messages[0]!.content as string;
    expect(system.startsWith('You judge Amazon main images.\n\n')).toBe(true);
    expect(system).toContain('JSON');
    expect(requestedSchema(retried)).toMatchObject({ name: 'ctr_verdict', mode: 'json_object', schema: responseFormat(verdict, 'ctr_verdict').json_schema.schema });
    expect(retried.messages[1]).toEqual(emulator.requests[0]!.body.messages[1]); // the same images and prompt
    expect(compat.outputMode()).toBe('json_object');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.fields).toMatchObject({ refused: ['json_schema'], outputMode: 'json_object' });
    expect(JSON.stringify(warnings).includes('FAKEKEY')).toBe(false);

    // Later calls go straight to the mode that works.
    emulator.requests.length = 0;
    const second = await compat.generate(request());
    expect(second.calls).toBe(1);
    expect(emulator.requests.map((r) => r.body.response_format?.type)).toEqual(['json_object']);
    expect(warnings).toHaveLength(1);
  });

  it('the emulated refusals reach the SDK as real servers send them', async () => {
    const deepseek = await sdkError(formatRefusals.deepseek);
    expect(deepseek).toMatchObject({ status: 400, error: { message: 'This response_format type is unavailable now', type: 'invalid_request_error' } });
    const plain = await sdkError(formatRefusals.deepseekPlainText);
    expect(plain).toMatchObject({ status: 422, error: undefined });
    expect((plain as Error).message).toMatch(/^422 Failed to deserialize .*json_schema` is unavailable now/);
    const vllm = await sdkError(formatRefusals.vllmTopLevel);
    // openai-node 7 reads vLLM's top-level error object as the error (6 saw "no body").
    expect(vllm).toMatchObject({ status: 400, error: { object: 'error', message: "response_format.type: Input should be 'text' or 'json_object'" } });
    // A 400 whose body the SDK cannot read at all (as openai-node 6 saw vLLM's) still steps down.
    const noBody = APIError.generate(400, undefined, undefined, new Headers());
    expect(noBody.message).toBe('400 status code (no body)');
    for (const e of [deepseek, plain, vllm, noBody, await sdkError(formatRefusals.openaiModel)]) expect(refusesOutputMode(e)).toBe(true);
  });

  it('JSON mode refused too → plain text with the schema in the prompt; prose around the JSON is tolerated', async () => {
    const compat = fresh();
    emulator.setRefusal({ ...formatRefusals.deepseek, formats: ['json_schema', 'json_object'] });
    emulator.setHandler((req) => ({ kind: 'malformed', text: `Here is my evaluation:\n${JSON.stringify(autoAnswer(requestedSchema(req.body)?.schema))}\nHope this helps.` }));
    const result = await compat.generate(request());
    expect(verdict.safeParse(result.output).success).toBe(true);
    expect(result.calls).toBe(3);
    expect(emulator.requests.map((r) => r.body.response_format?.type ?? 'none')).toEqual(['json_schema', 'json_object', 'none']);
    expect(requestedSchema(emulator.requests[2]!.body)).toMatchObject({ name: 'ctr_verdict', mode: 'text' });
    expect(compat.outputMode()).toBe('text');
  });

  it('invalid JSON-mode output surfaces as InvalidOutputError for the router to repair, in the remembered mode', async () => {
    const compat = fresh();
    emulator.setRefusal(formatRefusals.deepseek);
    emulator.setHandler(replyQueue({ kind: 'json', body: { winner: 'A' } }));
    const error = (await failure(compat.generate(request()))) as InvalidOutputError;
    expect(error).toBeInstanceOf(InvalidOutputError);
    expect(error.issues.map((i) => i.path.join('.'))).toEqual(expect.arrayContaining(['scores', 'evidence']));
    expect(compat.outputMode()).toBe('json_object'); // the server answered: the mode worked
  });

  it('does not remember a weaker mode that did not get an answer either', async () => {
    const compat = fresh();
    emulator.setRefusal(formatRefusals.deepseek);
    emulator.setHandler(replyQueue({ kind: 'status', status: 503 }));
    const error = (await failure(compat.generate(request()))) as ProviderCallError;
    expect(error).toMatchObject({ kind: 'status', status: 503 });
    expect(compat.outputMode()).toBe('json_schema');
  });

  it('a 400 about something else is not a refusal: one call, strict mode kept', async () => {
    const compat = fresh();
    emulator.setHandler(replyQueue({ kind: 'status', status: 400, body: { error: { message: 'Invalid image_url: could not decode the image.', type: 'invalid_request_error', param: 'messages', code: null } } }));
    const error = (await failure(compat.generate(request()))) as ProviderCallError;
    expect(error).toMatchObject({ kind: 'status', status: 400 });
    expect(error.message).toContain('could not decode');
    expect(emulator.requests).toHaveLength(1);
    expect(compat.outputMode()).toBe('json_schema');
  });

  it('keeps a plain-text error body as the (redacted) detail', async () => {
    emulator.setHandler(replyQueue({ kind: 'status', status: 404, body: `model gpt-test not found for key ${KEY}` }));
    const error = (await failure(provider.generate(request()))) as ProviderCallError;
    expect(error.message).toContain('model gpt-test not found');
    expectNoSecret(error);
  });
});

describe('responseFormat', () => {
  it('falls back to a non-strict schema when strict mode cannot express it', () => {
    const loose = z.object({ title: z.string(), note: z.string().optional() });
    const format = responseFormat(loose, 'loose');
    expect(format.json_schema.strict).toBe(false);
    expect(format.json_schema.schema).toMatchObject({ required: ['title'] });
    expect(loose.safeParse(autoAnswer(format.json_schema.schema)).success).toBe(true);
  });

  it('is strict for strict-compatible schemas', () => {
    expect(responseFormat(verdict, 'ctr_verdict').json_schema.strict).toBe(true);
  });
});

describe('parseModelJson', () => {
  it('rejects empty answers', () => {
    const parsed = parseModelJson(verdict, '  ');
    expect(parsed).toMatchObject({ success: false, issues: [{ message: 'the answer is empty' }] });
  });

  it('finds the object in a fence or in prose, and validates it', () => {
    expect(parseModelJson(verdict, `Sure!\n\`\`\`json\n${JSON.stringify(valid)}\n\`\`\`\nAnything else?`)).toEqual({ success: true, data: valid });
    expect(parseModelJson(verdict, `The answer: ${JSON.stringify(valid)} — done.`)).toEqual({ success: true, data: valid });
    expect(parseModelJson(verdict, `The answer: ${JSON.stringify({ winner: 'C' })}`).success).toBe(false);
  });
});
