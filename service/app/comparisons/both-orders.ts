import { AppError, PermanentError, UserError } from '../../domain/errors.ts';
import { putCachedEvaluations, type EvaluationEntry } from '../../db/repos/caches.ts';
import type { ModelStage, StageOutputs } from '../../domain/stage-outputs.ts';
import type { PinnedPrompts } from '../../stages/prompts.ts';
import type { StageDefinition, StageInput } from '../../stages/stage.ts';
import { swapOutput, swapStageInput } from '../../stages/swap.ts';
import { combineOrders } from './combine-orders.ts';
import type { StageOrders } from './stage-orders.ts';
import { modelOutcome, type ModelOutcomeDeps } from './model-outcome.ts';
import type { StageOutcome } from './stage-outcome.ts';

/**
 * A pairwise model judgement asked in both presentation orders (issue 19): models prefer a
 * position, so (A, B) alone would let a seller who swaps the ASINs get the other winner. Both
 * orders go through the normal model path (router, repair, fallback, evaluation cache: the
 * swapped request renders another prompt, so it is cached as its own entry) at the same time, so
 * the stage takes as long as the slower of the two. The answers are combined by
 * combine-orders.ts; both raw answers are stored in `run_stages.orders`.
 *
 * One order failing (provider down, output invalid after repair and fallback) leaves the stage
 * to the other order alone; the verdict then lowers confidence. Both failing fails the stage
 * with the first order's error. An unexpected error in one order is rethrown before the last
 * attempt, so the job is retried (the order that succeeded is served from the cache then).
 *
 * Without a model the rules engine answers once: it is symmetric in A and B, and `orders` is null.
 */

type Answered = Extract<StageOutcome, { ok: true }>;

export async function bothOrders<S extends ModelStage>(
  deps: ModelOutcomeDeps,
  def: StageDefinition<S>,
  input: StageInput,
  pinned: PinnedPrompts,
  ctx: { signal: AbortSignal; lastAttempt: boolean },
): Promise<StageOutcome> {
  if (!deps.provider) return ask(deps, def, input, pinned, ctx.signal);
  const writes: EvaluationEntry[] = [];
  const [first, second] = await Promise.allSettled([
    ask(deps, def, input, pinned, ctx.signal, writes),
    ask(deps, def, swapStageInput(input), pinned, ctx.signal, writes),
  ]);
  // Both new answers cached in one statement: with the stage's output when it settles (run-engine.ts
  // completeStage), or on their own before anything is rethrown, so a retry finds them.
  const evaluations = { entries: writes, at: new Date(deps.clock.now()), ttlMs: deps.evaluationCacheTtlMs };
  try {
    return { ...combine(def, first, second, ctx), evaluations };
  } catch (e) {
    await putCachedEvaluations(deps.db, evaluations.entries, evaluations.at, evaluations.ttlMs);
    throw e;
  }
}

/** The stage's outcome from its two orders' answers; throws what the job must retry or fail on. */
function combine<S extends ModelStage>(
  def: StageDefinition<S>,
  first: PromiseSettledResult<Answered>,
  second: PromiseSettledResult<Answered>,
  ctx: { lastAttempt: boolean },
): Answered {
  if (first.status === 'rejected' && second.status === 'rejected') throw first.reason;
  for (const r of [first, second]) {
    if (r.status === 'rejected' && !ctx.lastAttempt && !expected(r.reason)) throw r.reason;
  }
  const one = first.status === 'fulfilled' ? first.value : undefined;
  const two = second.status === 'fulfilled' ? second.value : undefined;
  const firstOut = one ? (one.output as StageOutputs[S]) : null;
  const secondOut = two ? swapOutput(def.name, two.output as StageOutputs[S]) : null;

  let output: StageOutputs[S];
  let consistent = false;
  if (firstOut && secondOut) {
    const combined = combineOrders(def.name, firstOut, secondOut);
    output = def.schema.parse(combined.output);
    consistent = combined.consistent;
  } else {
    output = def.schema.parse(firstOut ?? secondOut);
  }
  const orders: StageOrders = {
    consistent,
    first: firstOut,
    second: secondOut,
    ...(first.status === 'rejected' ? { firstError: describe(first.reason) } : {}),
    ...(second.status === 'rejected' ? { secondError: describe(second.reason) } : {}),
  };
  const made = (one ?? two)!;
  const both = [one, two].filter((x): x is Answered => x !== undefined);
  const sum = (k: 'inputTokens' | 'outputTokens' | 'costUsd') => both.reduce((acc, x) => acc + (x[k] ?? 0), 0);
  return {
    ...made,
    output,
    orders,
    inputTokens: sum('inputTokens'),
    outputTokens: sum('outputTokens'),
    costUsd: sum('costUsd'),
    // Asked at the same time: the stage waits for the slower one.
    latencyMs: Math.max(...both.map((x) => x.latencyMs ?? 0)),
    cached: both.every((x) => x.cached === true),
  };
}

/** One order through the model path (or, without a model, the rules engine). */
async function ask<S extends ModelStage>(
  deps: ModelOutcomeDeps,
  def: StageDefinition<S>,
  input: StageInput,
  pinned: PinnedPrompts,
  signal: AbortSignal,
  writes?: EvaluationEntry[],
): Promise<Answered> {
  const outcome = await modelOutcome(
    deps,
    {
      stage: def.name,
      pinned,
      schema: def.schema,
      schemaName: def.schemaName,
      maxOutputTokens: def.maxOutputTokens,
      images: def.images(input),
      variables: () => def.variables(input),
      offline: () => def.offline(input),
    },
    signal,
    writes,
  );
  if (!outcome.ok) throw new PermanentError('stage_failed', outcome.message);
  return outcome;
}

/** A refusal the stage records rather than retries (as in run-engine.ts settleStage). */
const expected = (e: unknown) => e instanceof PermanentError || e instanceof UserError;

function describe(e: unknown): string {
  const text = e instanceof AppError ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e);
  return text.slice(0, 500);
}
