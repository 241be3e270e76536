import type { z } from 'zod';
import { AppError, PermanentError } from '../domain/errors.ts';
import { metrics } from '../support/metrics.ts';
import type { Clock, GenerateRequest, GenerateResult, ModelProvider, ProviderName, Usage } from './provider.ts';

/**
 * The provider router: primary first, one repair on invalid output, fallback when the primary
 * fails or its circuit breaker is open (PRODUCT.md, "The comparison pipeline").
 *
 * Invariants: at most 2 provider calls per provider per `generate` (so ≤ 4 in all; a provider
 * learning which output mode its server takes adds its own extra requests once, and they are
 * counted in `calls`); a returned output has passed `request.schema`; error messages never carry
 * a key or the rejected output.
 */

/** A provider answered, but not with JSON that passes the schema. Carries what a repair needs. */
export class InvalidOutputError extends PermanentError {
  readonly provider: ProviderName;
  readonly model: string;
  /** What the model said (its message text, or the tool input as JSON). Never put in messages. */
  readonly rawText: string;
  readonly issues: readonly z.core.$ZodIssue[];
  /** The call was paid for even though its output is unusable. */
  readonly usage: Usage;
  readonly costUsd: number;
  constructor(init: { provider: ProviderName; model: string; rawText: string; issues: readonly z.core.$ZodIssue[]; usage: Usage; costUsd: number }) {
    super('invalid_model_output', `${init.provider} (${init.model}) returned output that failed validation: ${describeIssues(init.issues, 3)}`);
    this.provider = init.provider;
    this.model = init.model;
    this.rawText = init.rawText;
    this.issues = init.issues;
    this.usage = init.usage;
    this.costUsd = init.costUsd;
  }
}

/** `status`: an HTTP error status; `client`: the SDK refused before sending (misconfiguration). */
export type CallFailureKind = 'status' | 'timeout' | 'network' | 'aborted' | 'client';

/** A call that got no answer to validate. Not permanent by itself: the router decides. */
export class ProviderCallError extends AppError {
  readonly provider: ProviderName;
  readonly model: string;
  readonly kind: CallFailureKind;
  readonly status: number | undefined;
  /** 5xx, timeouts and network failures: the provider looks unhealthy (counts toward the breaker). */
  readonly unhealthy: boolean;
  /** Worth one more call on the same provider: 5xx, network failures, 408 and 429. */
  readonly retryable: boolean;
  /** `detail` is server-supplied text: it is redacted (`secret`, key-like tokens) and truncated. */
  constructor(init: { provider: ProviderName; model: string; kind: CallFailureKind; status?: number; detail?: string; secret?: string }) {
    const what = init.kind === 'status' ? `HTTP ${init.status ?? '?'}` : init.kind;
    const detail = init.detail ? `: ${redact(init.detail, init.secret)}` : '';
    super(init.kind === 'timeout' ? 'timeout' : 'provider_failed', `${init.provider} (${init.model}) call failed, ${what}${detail}`);
    this.provider = init.provider;
    this.model = init.model;
    this.kind = init.kind;
    this.status = init.status;
    const serverError = init.status !== undefined && init.status >= 500;
    this.unhealthy = serverError || init.kind === 'timeout' || init.kind === 'network';
    this.retryable = serverError || init.kind === 'network' || init.status === 408 || init.status === 429;
  }
}

export function describeIssues(issues: readonly z.core.$ZodIssue[], max = 20): string {
  const lines = issues.slice(0, max).map((i) => `${i.path.length > 0 ? i.path.map(String).join('.') : '(root)'}: ${i.message}`);
  return lines.join('; ') + (issues.length > max ? ` (+${issues.length - max} more)` : '');
}

function redact(text: string, secret: string | undefined): string {
  let out = secret && secret.length >= 4 ? text.split(secret).join('[redacted]') : text;
  out = out.replace(/\b(?:sk|pk|rk)-[\w*-]{6,}/g, '[redacted]').replace(/\bBearer\s+\S+/gi, 'Bearer [redacted]');
  return out.length > 200 ? `${out.slice(0, 200)}…` : out;
}

/** The prompt for the one repair attempt: the rejected answer and why, corrected JSON only. */
export function repairRequest<T>(request: GenerateRequest<T>, rejected: InvalidOutputError): GenerateRequest<T> {
  const raw = rejected.rawText.length > 20_000 ? `${rejected.rawText.slice(0, 20_000)}…` : rejected.rawText;
  return {
    ...request,
    prompt: `${request.prompt}\n\n---\nYour previous answer was rejected.\n\nPrevious answer:\n${raw}\n\n`
      + `Validation errors:\n${describeIssues(rejected.issues)}\n\n`
      + `Reply with only the corrected JSON for "${request.schemaName}": no prose, no code fences.`,
  };
}

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface RouterStatus {
  readonly primary: { provider: ProviderName; model: string; state: BreakerState; consecutiveFailures: number; openedAt: number | null } | null;
  readonly fallback: { provider: ProviderName; model: string } | null;
}

/** Pino-compatible. */
export interface RouterLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface RouterOptions {
  readonly primary?: ModelProvider;
  readonly fallback?: ModelProvider;
  /** Measures call durations and the cooldown. */
  readonly clock: Clock;
  /** A call longer than this (ms) is aborted and opens the primary's breaker. Default 60_000. */
  readonly slowCallMs?: number;
  /** Consecutive unhealthy calls (5xx, timeout, network) on the primary that open it. Default 2. */
  readonly breakerThreshold?: number;
  /** How long an open breaker sends calls to the fallback before one trial call. Default 60_000. */
  readonly breakerCooldownMs?: number;
  readonly logger?: RouterLogger;
}

export interface Router {
  generate<T>(request: GenerateRequest<T>): Promise<GenerateResult<T>>;
  routerStatus(): RouterStatus;
}

type Outcome<T> =
  | { kind: 'ok'; result: GenerateResult<T> }
  | { kind: 'invalid'; error: InvalidOutputError }
  | { kind: 'timeout'; usage: Usage; costUsd: number }
  | { kind: 'failed'; error: ProviderCallError };

const noUsage: Usage = { inputTokens: 0, outputTokens: 0 };
const silent: RouterLogger = { info: () => undefined, warn: () => undefined };

export function createRouter(options: RouterOptions): Router {
  const { primary, fallback, clock, slowCallMs = 60_000, breakerThreshold = 2, breakerCooldownMs = 60_000 } = options;
  const log = options.logger ?? silent;
  // Breaker over the primary only; with no fallback it is tracked but never blocks.
  let state: BreakerState = 'closed';
  let failures = 0;
  let openedAt: number | null = null;
  let trialTaken = false;

  function currentState(): BreakerState {
    if (state === 'open' && openedAt !== null && clock.now() - openedAt >= breakerCooldownMs) {
      state = 'half-open';
      trialTaken = false;
    }
    return state;
  }
  function healthy(): void {
    if (state !== 'closed') log.info({ provider: primary?.name }, 'provider breaker closed');
    state = 'closed';
    failures = 0;
    openedAt = null;
    trialTaken = false;
  }
  function unhealthy(reason: string, tripNow: boolean): void {
    failures += 1;
    if (tripNow || state === 'half-open' || failures >= breakerThreshold) {
      if (state !== 'open') log.warn({ provider: primary?.name, reason, failures }, 'provider breaker opened');
      state = 'open';
      openedAt = clock.now();
      trialTaken = false;
    }
  }

  async function callOnce<T>(provider: ModelProvider, request: GenerateRequest<T>, caller: AbortSignal | undefined): Promise<Outcome<T>> {
    if (caller?.aborted) throw abortError(caller);
    const limit = new AbortController();
    const timer = setTimeout(() => limit.abort(new Error('slow model call')), slowCallMs);
    const started = clock.now();
    // Slow by the injected clock (testable) or by the real timer that aborted the call.
    const slow = (): boolean => limit.signal.aborted || clock.now() - started > slowCallMs;
    const record = (outcome: Outcome<T>): Outcome<T> => {
      const usage = outcome.kind === 'ok' ? outcome.result.usage : outcome.kind === 'invalid' ? outcome.error.usage : outcome.kind === 'timeout' ? outcome.usage : noUsage;
      metrics.providerCall(provider.name, request.task, outcome.kind, (clock.now() - started) / 1000, usage);
      return outcome;
    };
    try {
      const result = await provider.generate({ ...request, signal: caller ? AbortSignal.any([caller, limit.signal]) : limit.signal });
      return record(slow() ? { kind: 'timeout', usage: result.usage, costUsd: result.costUsd } : { kind: 'ok', result });
    } catch (error) {
      if (caller?.aborted) throw abortError(caller);
      if (error instanceof InvalidOutputError) return record(slow() ? { kind: 'timeout', usage: error.usage, costUsd: error.costUsd } : { kind: 'invalid', error });
      if (error instanceof ProviderCallError) return record(slow() ? { kind: 'timeout', usage: noUsage, costUsd: 0 } : { kind: 'failed', error });
      throw error; // not a provider failure: a bug, surfaced as is
    } finally {
      clearTimeout(timer);
    }
  }

  async function generate<T>(request: GenerateRequest<T>): Promise<GenerateResult<T>> {
    const started = clock.now();
    const tally = { calls: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 };
    const add = (usage: Usage, costUsd: number): void => {
      tally.inputTokens += usage.inputTokens;
      tally.outputTokens += usage.outputTokens;
      tally.costUsd += costUsd;
    };
    const steps: { provider: ModelProvider; guarded: boolean }[] = [];
    let trial = false;
    if (primary) {
      const s = currentState();
      if (!fallback || s === 'closed' || (s === 'half-open' && !trialTaken)) {
        trial = s === 'half-open';
        if (trial) trialTaken = true;
        steps.push({ provider: primary, guarded: true });
      }
    }
    if (fallback) steps.push({ provider: fallback, guarded: false });
    if (steps.length === 0) throw new PermanentError('provider_failed', 'No model provider is configured.');

    const summaries: string[] = [];
    let last: 'invalid' | 'timeout' | 'failed' = 'failed';
    try {
      for (const { provider, guarded } of steps) {
        let current = request;
        for (let attempt = 1; attempt <= 2; attempt += 1) {
          const outcome = await callOnce(provider, current, request.signal);
          tally.calls += outcome.kind === 'ok' ? outcome.result.calls : 1;
          const fields = { task: request.task, provider: provider.name, model: provider.model, attempt };
          if (outcome.kind === 'ok') {
            if (guarded) healthy();
            add(outcome.result.usage, outcome.result.costUsd);
            const { output, model } = outcome.result;
            const usage = { inputTokens: tally.inputTokens, outputTokens: tally.outputTokens };
            return { output, provider: outcome.result.provider, model, usage, costUsd: tally.costUsd, calls: tally.calls, latencyMs: clock.now() - started };
          }
          if (outcome.kind === 'invalid') {
            if (guarded) healthy();
            add(outcome.error.usage, outcome.error.costUsd);
            last = 'invalid';
            if (attempt === 1) {
              log.info({ ...fields, issues: outcome.error.issues.length }, 'invalid model output; repairing');
              current = repairRequest(request, outcome.error);
              continue;
            }
            summaries.push(outcome.error.message);
            break;
          }
          if (outcome.kind === 'timeout') {
            add(outcome.usage, outcome.costUsd);
            if (guarded) unhealthy('slow call', true);
            log.warn({ ...fields, slowCallMs }, 'model call too slow');
            last = 'timeout';
            summaries.push(`${provider.name} (${provider.model}) call exceeded ${slowCallMs} ms`);
            break;
          }
          const { error } = outcome;
          if (guarded && error.unhealthy) unhealthy(error.message, false);
          else if (guarded && error.kind === 'status') healthy();
          log.warn({ ...fields, kind: error.kind, status: error.status }, 'model call failed');
          last = error.kind === 'timeout' ? 'timeout' : 'failed';
          const blocked = guarded && fallback !== undefined && state === 'open';
          if (attempt === 1 && error.retryable && !blocked) continue;
          summaries.push(error.message);
          break;
        }
      }
    } finally {
      if (trial && state === 'half-open') trialTaken = false; // the trial ended without a verdict
    }
    const code = last === 'invalid' ? 'invalid_model_output' : last === 'timeout' ? 'timeout' : 'provider_failed';
    throw new PermanentError(code, `${request.task}: ${summaries.join('; ')}`);
  }

  return {
    generate,
    routerStatus: () => ({
      primary: primary ? { provider: primary.name, model: primary.model, state: currentState(), consecutiveFailures: failures, openedAt } : null,
      fallback: fallback ? { provider: fallback.name, model: fallback.model } : null,
    }),
  };
}

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new AppError('timeout', 'The model call was cancelled.');
}
