import { createHash } from 'node:crypto';
import { forModel, type Derivative } from '../acquire/derivatives.ts';
import { BoundedCache } from './bounded-cache.ts';
import { AppError, PermanentError, UserError } from '../domain/errors.ts';
import { PARALLEL_STAGES, type ModelStage, type StageOutputs } from '../domain/stage-outputs.ts';
import { computeVerdict } from '../domain/verdict.ts';
import type { Db } from '../db/client.ts';
import { getImages } from '../db/repos/blobs.ts';
import { getCachedEvaluation, putCachedEvaluation } from '../db/repos/caches.ts';
import { getRun, getStages } from '../db/repos/runs.ts';
import type { Clock, ModelImage, ModelProvider } from '../providers/provider.ts';
import type { AcquireOutput } from '../stages/acquired.ts';
import { renderTemplate, type PinnedPrompts, type PromptRegistry } from '../stages/prompts.ts';
import { STAGES } from '../stages/registry.ts';
import type { StageDefinition, StageInput } from '../stages/stage.ts';
import { beginStage, completeStage, type StageOutcome } from './run-engine.ts';

export interface StageRunnerDeps {
  readonly db: Db;
  readonly prompts: PromptRegistry;
  /** The model router; undefined when no model key is configured (offline rules engine). */
  readonly provider: StageModel | undefined;
  readonly clock: Clock;
  readonly evaluationCacheTtlMs: number;
  /** The rule-set version the offline engine reports as its "model". */
  readonly rulesModel: string;
}

export type StageJob = ModelStage | 'verdict';

/**
 * Model-sized derivatives by content hash, per process: ctr and pdp of the same run (and repeat
 * comparisons) send the same images, and resizing them is the costliest local step of a stage.
 */
const derivatives = new BoundedCache<Derivative>(96);

/** What stages need of the router: structured generation, and the configured model's name (cache key). */
export type StageModel = Pick<ModelProvider, 'generate' | 'model'>;

/**
 * Runs one stage of a run. Idempotent: a settled stage is skipped; the output is written in the
 * same transaction that settles the stage and advances the run. Expected failures (invalid model
 * output after repair and fallback, a provider that is down) fail the stage — refunding it — on
 * the last attempt; anything else is retried by the job runner.
 */
export async function runStage(deps: StageRunnerDeps, runId: string, stage: StageJob, ctx: { signal: AbortSignal; lastAttempt: boolean }): Promise<void> {
  if (!(await beginStage(deps.db, runId, stage))) return;
  const run = await getRun(deps.db, runId);
  if (!run) return;
  const rows = await getStages(deps.db, runId);
  const outputOf = (name: string) => rows.find((r) => r.stage === name && r.status === 'succeeded')?.output;
  const acquired = outputOf('acquire') as AcquireOutput | undefined;
  if (!acquired) throw new PermanentError('stage_failed', 'stage started before acquisition finished');
  const prior: Partial<StageOutputs> = {};
  for (const name of [...PARALLEL_STAGES, 'avatars'] as const) {
    const out = outputOf(name);
    if (out !== undefined) (prior as Record<string, unknown>)[name] = out;
  }
  try {
    const outcome =
      stage === 'verdict'
        ? verdictOutcome(rows, prior, deps.rulesModel)
        : await evaluate(deps, STAGES[stage], { acquired, prior }, run.pinnedPrompts as PinnedPrompts, ctx.signal);
    await completeStage(deps.db, runId, stage, outcome);
  } catch (e) {
    const expected = e instanceof PermanentError || e instanceof UserError;
    if (!expected && !ctx.lastAttempt) throw e;
    await completeStage(deps.db, runId, stage, {
      ok: false,
      code: e instanceof AppError ? e.code : 'stage_failed',
      message: e instanceof Error ? e.message : String(e),
    });
  }
}

function verdictOutcome(rows: { stage: string; status: string; provider: string | null }[], prior: Partial<StageOutputs>, rulesModel: string): StageOutcome {
  const evaluated = rows.filter((r) => r.stage !== 'acquire' && r.stage !== 'verdict');
  const missing = evaluated.filter((r) => r.status !== 'succeeded').map((r) => r.stage).sort();
  const rulesOnly = evaluated.filter((r) => r.status === 'succeeded').every((r) => r.provider === 'rules');
  const verdict = computeVerdict({ ...prior, rulesOnly, missing });
  return { ok: true, output: verdict, provider: 'rules', model: rulesModel };
}

async function evaluate<S extends ModelStage>(
  deps: StageRunnerDeps,
  def: StageDefinition<S>,
  input: StageInput,
  pinned: PinnedPrompts,
  signal: AbortSignal,
): Promise<StageOutcome> {
  const pin = pinned[def.name];
  if (!pin) throw new PermanentError('stage_failed', `run has no pinned prompt for ${def.name}`);
  const prompt = deps.prompts.pinned(def.name, pin);
  const started = deps.clock.now();
  if (!deps.provider) {
    const output = def.schema.parse(def.offline(input));
    return { ok: true, output, provider: 'rules', model: deps.rulesModel, promptVersion: null, latencyMs: deps.clock.now() - started };
  }
  const provider = deps.provider;
  const vars = def.variables(input);
  const images = def.images(input);
  const system = renderTemplate(prompt.system, vars);
  const user = renderTemplate(prompt.user, vars);
  // Same inputs + same prompt version + same model → the stored evaluation is reused (7 days).
  const key = createHash('sha256')
    .update(JSON.stringify([def.name, prompt.version, prompt.hash, provider.model, images.map((i) => [i.sha256, i.detail]), system, user]))
    .digest('hex');
  const now = new Date(deps.clock.now());
  const cached = await getCachedEvaluation(deps.db, key, now);
  if (cached) {
    const valid = def.schema.safeParse(cached.output);
    if (valid.success) {
      return { ok: true, output: valid.data, provider: cached.provider, model: cached.model, promptVersion: prompt.version, promptHash: prompt.hash, cached: true, latencyMs: 0 };
    }
  }
  const missing = images.filter((i) => !derivatives.has(i.sha256)).map((i) => i.sha256);
  const blobs = await getImages(deps.db, missing);
  const modelImages: ModelImage[] = [];
  for (const img of images) {
    let d = derivatives.get(img.sha256);
    if (!d) {
      const blob = blobs.get(img.sha256);
      if (!blob) continue;
      d = await forModel(blob.bytes);
      derivatives.set(img.sha256, d);
    }
    modelImages.push({ sha256: img.sha256, mediaType: d.mediaType, data: d.data, detail: img.detail, label: img.label });
  }
  const result = await provider.generate({
    task: def.name,
    system,
    prompt: user,
    images: modelImages,
    schema: def.schema,
    schemaName: def.schemaName,
    maxOutputTokens: def.maxOutputTokens,
    signal,
  });
  await putCachedEvaluation(
    deps.db,
    { key, evaluation: def.name, output: result.output, provider: result.provider, model: result.model, promptVersion: prompt.version },
    now,
    deps.evaluationCacheTtlMs,
  );
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
