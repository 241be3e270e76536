import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { replyQueue, startAnthropicEmulator } from '../../test/emulators/anthropic.ts';
import { startOpenAiEmulator } from '../../test/emulators/openai.ts';
import type { EmulatorReply } from '../../test/emulators/openai.ts';
import { PermanentError } from '../domain/errors.ts';
import { createAnthropicProvider } from './anthropic.ts';
import { createOpenAiProvider } from './openai.ts';
import type { Clock, GenerateRequest } from './provider.ts';
import { createRouter } from './router.ts';
import type { RouterLogger, RouterOptions } from './router.ts';

const OPENAI_KEY = 'sk-test-FAKEKEY-openai-router-0123456789';
const ANTHROPIC_KEY = 'sk-ant-test-FAKEKEY-anthropic-router-0123456789';
const price = { inputPerMillion: 1, outputPerMillion: 2 };
const schema = z.object({ winner: z.enum(['A', 'B', 'tie']), evidence: z.array(z.string().min(3)).min(2) });
const valid = { winner: 'A', evidence: ['white background', 'fills the frame'] };
const invalid = { winner: 'maybe', evidence: [] };
const request: GenerateRequest<z.infer<typeof schema>> = {
  task: 'ctr', system: 'Judge.', prompt: 'Which main image wins?', images: [], schema, schemaName: 'ctr_verdict',
};

type FakeClock = Clock & { advance(ms: number): void };
function fakeClock(): FakeClock {
  let t = 1_000_000;
  return { now: () => t, advance: (ms) => { t += ms; } };
}

let openai: Awaited<ReturnType<typeof startOpenAiEmulator>>;
let anthropic: Awaited<ReturnType<typeof startAnthropicEmulator>>;
beforeAll(async () => {
  [openai, anthropic] = await Promise.all([startOpenAiEmulator(), startAnthropicEmulator()]);
});
afterAll(() => Promise.all([openai.close(), anthropic.close()]));
beforeEach(() => reset());

function reset(): void {
  openai.requests.length = 0;
  anthropic.requests.length = 0;
  openai.setHandler(replyQueue());
  anthropic.setHandler(replyQueue());
}

const openAiProvider = () => createOpenAiProvider({ apiKey: OPENAI_KEY, baseURL: openai.url, model: 'gpt-test', price, timeoutMs: 5_000, maxRetries: 0 });
const anthropicProvider = () => createAnthropicProvider({ apiKey: ANTHROPIC_KEY, baseURL: anthropic.url, model: 'claude-test', price, timeoutMs: 5_000, maxRetries: 0 });
const router = (clock: Clock, extra: Partial<RouterOptions> = {}) =>
  createRouter({ primary: openAiProvider(), fallback: anthropicProvider(), clock, ...extra });

const ok: EmulatorReply = { kind: 'json', body: valid };
const bad: EmulatorReply = { kind: 'json', body: invalid };
const malformed: EmulatorReply = { kind: 'malformed', text: 'A wins, trust me' };
const status = (s: number): EmulatorReply => ({ kind: 'status', status: s });

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    const e = error as Error;
    expect(`${e.message}\n${e.stack ?? ''}`.includes('FAKEKEY')).toBe(false);
    return e;
  }
  throw new Error('expected a rejection');
}

function lastUserText(body: unknown): string {
  const messages = (body as { messages: { content: { type: string; text?: string }[] }[] }).messages;
  return messages.at(-1)!.content.at(-1)!.text ?? '';
}

describe('createRouter', () => {
  it('returns the primary answer and records provider, calls, usage and cost', async () => {
    openai.setHandler(replyQueue(ok));
    const result = await router(fakeClock()).generate(request);
    expect(result).toMatchObject({ output: valid, provider: 'openai', model: 'gpt-test', calls: 1 });
    expect(result.costUsd).toBeGreaterThan(0);
    expect(anthropic.requests).toHaveLength(0);
  });

  it('repairs invalid output once on the same provider, with the rejected answer and its errors', async () => {
    openai.setHandler(replyQueue(malformed, ok));
    const result = await router(fakeClock()).generate(request);
    expect(result).toMatchObject({ output: valid, provider: 'openai', calls: 2 });
    expect(openai.requests).toHaveLength(2);
    const repair = lastUserText(openai.requests[1]!.body);
    expect(repair).toContain('Which main image wins?');
    expect(repair).toContain('A wins, trust me');
    expect(repair).toContain('not valid JSON');
    expect(repair).toMatch(/only the corrected JSON/);
    expect(result.usage.inputTokens).toBeGreaterThan(0);
  });

  it('sums usage and cost over every call', async () => {
    anthropic.setHandler(replyQueue(ok));
    const alone = await createRouter({ fallback: anthropicProvider(), clock: fakeClock() }).generate(request);
    reset();
    openai.setHandler(replyQueue(bad, bad));
    anthropic.setHandler(replyQueue(ok));
    const all = await router(fakeClock()).generate(request);
    expect(all).toMatchObject({ provider: 'anthropic', calls: 3 });
    expect(all.usage.outputTokens).toBeGreaterThan(alone.usage.outputTokens);
    expect(all.usage.inputTokens).toBeGreaterThan(alone.usage.inputTokens);
    expect(all.costUsd).toBeGreaterThan(alone.costUsd);
  });

  it('goes to the fallback after invalid output twice; the fallback repairs too', async () => {
    openai.setHandler(replyQueue(malformed, bad));
    anthropic.setHandler(replyQueue(malformed, ok));
    const result = await router(fakeClock()).generate(request);
    expect(result).toMatchObject({ output: valid, provider: 'anthropic', model: 'claude-test', calls: 4 });
    expect(lastUserText(anthropic.requests[0]!.body)).toBe('Which main image wins?'); // fresh start, not the repair
    expect(lastUserText(anthropic.requests[1]!.body)).toContain('did not use the ctr_verdict tool');
  });

  it('fails with invalid_model_output when both providers stay invalid, never returning the output', async () => {
    openai.setHandler(replyQueue(bad, bad));
    anthropic.setHandler(replyQueue(bad, malformed));
    const error = await rejection(router(fakeClock()).generate(request));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({ code: 'invalid_model_output' });
    expect(error.message).not.toContain('trust me');
    expect(error).not.toHaveProperty('rawText');
    expect(openai.requests.length + anthropic.requests.length).toBe(4);
  });

  it('opens the breaker after two consecutive 5xx; the next generate skips the primary', async () => {
    const clock = fakeClock();
    const r = router(clock);
    openai.setHandler(replyQueue(status(500), status(503)));
    anthropic.setHandler(replyQueue(ok, ok));
    await expect(r.generate(request)).resolves.toMatchObject({ provider: 'anthropic', calls: 3 });
    expect(r.routerStatus().primary).toMatchObject({ state: 'open', consecutiveFailures: 2 });
    await expect(r.generate(request)).resolves.toMatchObject({ provider: 'anthropic', calls: 1 });
    expect(openai.requests).toHaveLength(2);
  });

  it('half-opens after the cooldown: one trial on the primary, which closes the breaker', async () => {
    const clock = fakeClock();
    const r = router(clock, { breakerCooldownMs: 60_000 });
    openai.setHandler(replyQueue(status(500), status(500)));
    anthropic.setHandler(replyQueue(ok));
    await r.generate(request);
    clock.advance(59_999);
    expect(r.routerStatus().primary?.state).toBe('open');
    clock.advance(1);
    expect(r.routerStatus().primary?.state).toBe('half-open');
    openai.setHandler(replyQueue(ok));
    await expect(r.generate(request)).resolves.toMatchObject({ provider: 'openai', calls: 1 });
    expect(r.routerStatus().primary).toMatchObject({ state: 'closed', consecutiveFailures: 0 });
  });

  it('re-opens when the half-open trial fails, without retrying the primary', async () => {
    const clock = fakeClock();
    const r = router(clock);
    openai.setHandler(replyQueue(status(502), status(502)));
    anthropic.setHandler(replyQueue(ok, ok));
    await r.generate(request);
    clock.advance(60_000);
    openai.requests.length = 0;
    openai.setHandler(replyQueue(status(503), ok));
    await expect(r.generate(request)).resolves.toMatchObject({ provider: 'anthropic', calls: 2 });
    expect(openai.requests).toHaveLength(1);
    expect(r.routerStatus().primary?.state).toBe('open');
  });

  it('gives the half-open trial to one generate at a time', async () => {
    const clock = fakeClock();
    const r = router(clock);
    openai.setHandler(replyQueue(status(500), status(500)));
    anthropic.setHandler(replyQueue(ok, ok, ok));
    await r.generate(request);
    clock.advance(60_000);
    openai.requests.length = 0;
    openai.setHandler(replyQueue({ kind: 'delay', ms: 50, then: ok }));
    const results = await Promise.all([r.generate(request), r.generate(request)]);
    expect(results.map((x) => x.provider).sort()).toEqual(['anthropic', 'openai']);
    expect(openai.requests).toHaveLength(1);
  });

  it('treats a call over slowCallMs (by the injected clock) as a timeout and opens the breaker', async () => {
    const clock = fakeClock();
    const r = router(clock);
    openai.setHandler(() => {
      clock.advance(61_000);
      return ok;
    });
    anthropic.setHandler(replyQueue(ok, ok));
    await expect(r.generate(request)).resolves.toMatchObject({ provider: 'anthropic', calls: 2 });
    expect(openai.requests).toHaveLength(1);
    expect(r.routerStatus().primary?.state).toBe('open');
    await expect(r.generate(request)).resolves.toMatchObject({ provider: 'anthropic', calls: 1 });
    expect(openai.requests).toHaveLength(1);
  });

  it('aborts a call that really runs over slowCallMs and moves on', async () => {
    const r = router(fakeClock(), { slowCallMs: 100 });
    openai.setHandler(replyQueue({ kind: 'delay', ms: 3_000, then: ok }));
    anthropic.setHandler(replyQueue(ok));
    const started = performance.now();
    await expect(r.generate(request)).resolves.toMatchObject({ provider: 'anthropic', calls: 2 });
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(r.routerStatus().primary?.state).toBe('open');
  });

  it('does not retry a 4xx (other than 408/429) on the same provider', async () => {
    openai.setHandler(replyQueue(status(400), ok));
    anthropic.setHandler(replyQueue(ok));
    const r = router(fakeClock());
    await expect(r.generate(request)).resolves.toMatchObject({ provider: 'anthropic', calls: 2 });
    expect(openai.requests).toHaveLength(1);
    expect(r.routerStatus().primary?.state).toBe('closed');
  });

  it('retries a 429 on the same provider', async () => {
    openai.setHandler(replyQueue(status(429), ok));
    await expect(router(fakeClock()).generate(request)).resolves.toMatchObject({ provider: 'openai', calls: 2 });
  });

  it('maps transport failure on both providers to provider_failed without leaking keys', async () => {
    openai.setHandler(replyQueue(status(500), status(500)));
    anthropic.setHandler(replyQueue(status(529), status(401)));
    const error = await rejection(router(fakeClock()).generate(request));
    expect(error).toMatchObject({ code: 'provider_failed' });
    expect(error.message).toMatch(/HTTP 401/);
  });

  it('stops at once when the caller aborts', async () => {
    openai.setHandler(replyQueue({ kind: 'delay', ms: 2_000, then: ok }));
    anthropic.setHandler(replyQueue(ok));
    const error = await rejection(router(fakeClock()).generate({ ...request, signal: AbortSignal.timeout(50) }));
    expect(error.name).toBe('TimeoutError');
    expect(anthropic.requests).toHaveLength(0);
  });

  it('still uses the primary when it is the only provider, breaker or not', async () => {
    const r = createRouter({ primary: openAiProvider(), clock: fakeClock() });
    openai.setHandler(replyQueue(status(500), status(500), ok));
    await rejection(r.generate(request));
    expect(r.routerStatus()).toMatchObject({ primary: { state: 'open' }, fallback: null });
    await expect(r.generate(request)).resolves.toMatchObject({ provider: 'openai' });
  });

  it('refuses when no provider is configured', async () => {
    await expect(createRouter({ clock: fakeClock() }).generate(request)).rejects.toMatchObject({ code: 'provider_failed' });
  });

  it('logs breaker changes without keys or model output', async () => {
    const lines: string[] = [];
    const logger: RouterLogger = {
      info: (fields, message) => lines.push(`${message} ${JSON.stringify(fields)}`),
      warn: (fields, message) => lines.push(`${message} ${JSON.stringify(fields)}`),
    };
    openai.setHandler(replyQueue(malformed, status(500)));
    anthropic.setHandler(replyQueue(ok));
    await router(fakeClock(), { logger, breakerThreshold: 1 }).generate(request);
    expect(lines.some((l) => l.startsWith('provider breaker opened'))).toBe(true);
    expect(lines.join('\n')).not.toMatch(/FAKEKEY|trust me/);
  });
});

describe('createRouter, any sequence of replies', () => {
  const step = fc.constantFrom('valid', 'invalid', 'malformed', '500', '503', '429', '400', 'slow');
  type Step = 'valid' | 'invalid' | 'malformed' | '500' | '503' | '429' | '400' | 'slow';
  const scripted = (steps: Step[], clock: FakeClock) => (): EmulatorReply => {
    const next = steps.shift() ?? '500';
    if (next === 'slow') clock.advance(61_000);
    return next === 'valid' || next === 'slow' ? ok : next === 'invalid' ? bad : next === 'malformed' ? malformed : status(Number(next));
  };

  it('makes at most 2 calls per provider and only ever returns schema-valid output', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 4, maxLength: 4 }), fc.array(step, { minLength: 4, maxLength: 4 }), async (primarySteps, fallbackSteps) => {
        reset();
        const clock = fakeClock();
        openai.setHandler(scripted([...primarySteps], clock));
        anthropic.setHandler(scripted([...fallbackSteps], clock));
        const calls = (): number => openai.requests.length + anthropic.requests.length;
        try {
          const result = await router(clock).generate(request);
          expect(schema.safeParse(result.output).success).toBe(true);
          expect(result.calls).toBe(calls());
          if (primarySteps[0] === 'valid') expect(result).toMatchObject({ provider: 'openai', calls: 1 });
        } catch (error) {
          expect(error).toBeInstanceOf(PermanentError);
          expect(['invalid_model_output', 'provider_failed', 'timeout']).toContain((error as PermanentError).code);
          expect(`${(error as Error).message}${(error as Error).stack ?? ''}`.includes('FAKEKEY')).toBe(false);
        }
        expect(openai.requests.length).toBeLessThanOrEqual(2);
        expect(anthropic.requests.length).toBeLessThanOrEqual(2);
        expect(calls()).toBeLessThanOrEqual(4);
      }),
      { numRuns: 150 },
    );
  });
});
