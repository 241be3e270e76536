import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { forModel, MODEL_DERIVATIVE_RECIPE, type Derivative } from '../../acquire/derivatives.ts';
import { BoundedCache } from '../../support/bounded-cache.ts';
import { PermanentError } from '../../domain/errors.ts';
import type { Db } from '../../db/client.ts';
import { getImages } from '../../db/repos/blobs.ts';
import { getCachedEvaluations, putCachedEvaluation, type CachedEvaluation, type EvaluationEntry } from '../../db/repos/caches.ts';
import type { Clock, ModelImage, ModelProvider } from '../../providers/provider.ts';
import { renderTemplate, type PinnedPrompts, type PromptRegistry } from '../../stages/prompts.ts';
import type { StageImage } from '../../stages/stage.ts';
import type { StageOutcome } from './stage-outcome.ts';
import { perHandle, tickBatcher } from './tick-batch.ts';

/**
 * One stage's output made by a model — or, with no model key configured, by the offline rules
 * engine (its output says so: provider "rules"). Used by comparison and draft stages alike: the
 * run's pinned prompt version, the evaluation cache keyed by (stage, prompt version and hash,
 * model, image content hashes, rendered prompt), and output that passed its schema or nothing.
 */

/**
 * Model-sized derivatives by content hash and detail, per process: stages of one run (and repeat
 * runs) send the same images, and resizing them is the costliest local step of a stage.
 */
const derivatives = new BoundedCache<Derivative>(96);

/** What stages need of the router: structured generation, and the configured model's name (cache key). */
export type StageModel = Pick<ModelProvider, 'generate' | 'model'>;

export interface ModelOutcomeDeps {
  readonly db: Db;
  readonly prompts: PromptRegistry;
  /** The model router; undefined: the offline rules engine. */
  readonly provider: StageModel | undefined;
  readonly clock: Clock;
  readonly evaluationCacheTtlMs: number;
  /** The rule-set version the offline engine reports as its "model". */
  readonly rulesModel: string;
}

export interface ModelOutcomeRequest<T> {
  readonly stage: string;
  readonly pinned: PinnedPrompts;
  readonly schema: z.ZodType<T>;
  readonly schemaName: string;
  readonly maxOutputTokens: number;
  readonly images: readonly StageImage[];
  /** Values for the prompt's {{placeholders}}; built only when a model is asked. */
  readonly variables: () => Record<string, string>;
  /** The output from measurements alone. */
  readonly offline: () => T;
}

/** Evaluation cache lookups of one turn (a stage's two orders, stages 1–3 together) in one query. */
export const cachedEvaluation = perHandle((db: Db) => tickBatcher<CachedEvaluation>((keys) => getCachedEvaluations(db, keys, new Date())));

/**
 * `writes`: the caller stores the new cache entry (with others, in one statement) instead —
 * both-orders.ts writes a stage's two orders together, also when one of them failed.
 */
export async function modelOutcome<T>(deps: ModelOutcomeDeps, req: ModelOutcomeRequest<T>, signal: AbortSignal, writes?: EvaluationEntry[]): Promise<StageOutcome> {
  const started = deps.clock.now();
  if (!deps.provider) {
    const output = req.schema.parse(req.offline());
    return { ok: true, output, provider: 'rules', model: deps.rulesModel, promptVersion: null, latencyMs: deps.clock.now() - started };
  }
  const pin = req.pinned[req.stage];
  if (!pin) throw new PermanentError('stage_failed', `run has no pinned prompt for ${req.stage}`);
  const prompt = deps.prompts.pinned(req.stage, pin);
  const provider = deps.provider;
  const vars = req.variables();
  const system = renderTemplate(prompt.system, vars);
  const user = renderTemplate(prompt.user, vars);
  // What the model is shown of an image is the derivative, not the original: a change of size or
  // encoding (MODEL_DERIVATIVE_RECIPE) is another question, so its answers are not reused.
  const seen = req.images.length ? [MODEL_DERIVATIVE_RECIPE, req.images.map((i) => [i.sha256, i.detail])] : [];
  const key = createHash('sha256')
    .update(JSON.stringify([req.stage, prompt.version, prompt.hash, provider.model, seen, system, user]))
    .digest('hex');
  const now = new Date(deps.clock.now());
  const cached = await cachedEvaluation(deps.db)(key);
  if (cached) {
    const valid = req.schema.safeParse(cached.output);
    if (valid.success) {
      return { ok: true, output: valid.data, provider: cached.provider, model: cached.model, promptVersion: prompt.version, promptHash: prompt.hash, cached: true, latencyMs: 0 };
    }
  }
  const derivativeKey = (img: StageImage) => `${img.sha256}:${img.detail === 'low' ? 'low' : 'high'}`;
  const blobs = await getImages(deps.db, req.images.filter((i) => !derivatives.has(derivativeKey(i))).map((i) => i.sha256));
  const images: ModelImage[] = [];
  for (const img of req.images) {
    let d = derivatives.get(derivativeKey(img));
    if (!d) {
      const blob = blobs.get(img.sha256);
      if (!blob) continue;
      d = await forModel(blob.bytes, { detail: img.detail });
      derivatives.set(derivativeKey(img), d);
    }
    images.push({ sha256: img.sha256, mediaType: d.mediaType, data: d.data, detail: img.detail, label: img.label });
  }
  const result = await provider.generate({
    task: req.stage,
    system,
    prompt: user,
    images,
    schema: req.schema,
    schemaName: req.schemaName,
    maxOutputTokens: req.maxOutputTokens,
    signal,
  });
  const entry: EvaluationEntry = { key, evaluation: req.stage, output: result.output, provider: result.provider, model: result.model, promptVersion: prompt.version };
  if (writes) writes.push(entry);
  else await putCachedEvaluation(deps.db, entry, now, deps.evaluationCacheTtlMs);
  return {
    ok: true,
    output: result.output,
    provider: result.provider,
    model: result.model,
    promptVersion: prompt.version,
    promptHash: prompt.hash,
    inputTokens: result.usage.inputTokens,
    outputTokens: result.usage.outputTokens,
    costUsd: result.costUsd,
    latencyMs: result.latencyMs,
  };
}
