import { PermanentError } from '../../domain/errors.ts';
import type { DraftStage } from '../../domain/draft-flow.ts';
import { ATTRIBUTE_NAMES, DraftAttributesSchema, DraftPhotosSchema, DraftScoredSchema, DraftTextsSchema, type DraftAttributes, type DraftPhotos } from '../../domain/draft-outputs.ts';
import { marketplaceRulesFor } from '../../domain/marketplace-rules.ts';
import { getRun, getStages, type Run } from '../../db/repos/runs.ts';
import { ruleSetFor } from '../../providers/rules/rule-sets.ts';
import { attributesOffline, photoFacts, printedWords } from '../../stages/draft-attributes.ts';
import { applyHints, type DraftHints } from '../../stages/draft-brand.ts';
import { scoreDrafts } from '../../stages/draft-score.ts';
import { writeOffline } from '../../stages/draft-writer.ts';
import type { PinnedPrompts } from '../../stages/prompts.ts';
import { acquireDraftPhotos, type DraftAcquireDeps } from './draft-acquire.ts';
import { draftModelOutcome, type DraftModelDeps } from './draft-model.ts';
import type { RunOrigin } from '../delivery/index.ts';
import { beginStage, settleStage, type StageOutcome } from '../comparisons/index.ts';
import type { DraftPhotoInput } from './start-draft.ts';

/**
 * The `draft_stage` task: one stage of a draft run. Idempotent like the comparison's stages: a
 * settled stage is skipped, the output is written in the transaction that settles the stage and
 * advances the run (comparisons/run-engine.ts). Expected failures (no usable photo, a model that keeps
 * answering out of schema) fail the stage — and so the run, refunded — on the last attempt;
 * anything else is retried by the job runner.
 *
 * Rules are those in force when the run was asked for (its creation date): a retry tomorrow
 * judges by the same rules.
 */

export type DraftStageDeps = DraftModelDeps & DraftAcquireDeps;

export async function runDraftStage(deps: DraftStageDeps, runId: string, stage: DraftStage, ctx: { signal: AbortSignal; lastAttempt: boolean }): Promise<void> {
  if (!(await beginStage(deps.db, runId, stage))) return;
  const run = await getRun(deps.db, runId);
  if (!run) return;
  await settleStage(deps.db, runId, stage, ctx.lastAttempt, () => outcomeOf(deps, run, stage, ctx.signal));
}

async function outcomeOf(deps: DraftStageDeps, run: Run, stage: DraftStage, signal: AbortSignal): Promise<StageOutcome> {
  const rows = await getStages(deps.db, run.id);
  const output = (name: DraftStage) => {
    const row = rows.find((r) => r.stage === name && r.status === 'succeeded');
    if (!row) throw new PermanentError('stage_failed', `${stage} started before ${name} finished`);
    return row.output;
  };
  const at = run.createdAt;
  const pinned = run.pinnedPrompts as PinnedPrompts;
  const rules = () => marketplaceRulesFor(at, ruleSetFor(at));
  switch (stage) {
    case 'draft_acquire': {
      const { photos } = run.inputs as { photos: DraftPhotoInput[] };
      const assessed = await acquireDraftPhotos(deps, photos, run.origin as RunOrigin, at, signal);
      return { ok: true, output: DraftPhotosSchema.parse(assessed), provider: 'rules', model: deps.rulesModel };
    }
    case 'draft_analyze': {
      const photos = DraftPhotosSchema.parse(output('draft_acquire'));
      const { hints } = run.inputs as { hints?: DraftHints };
      // The seller's brand and product type win over what a model (or the rules engine) read.
      const outcome = await draftModelOutcome(deps, {
        stage,
        pinned,
        schema: DraftAttributesSchema,
        schemaName: 'draft_attributes',
        maxOutputTokens: 2_000,
        // The main photo first; fine print (sizes, claims) needs high detail.
        images: [...photos.photos]
          .sort((a, b) => Number(b.index === photos.main.index) - Number(a.index === photos.main.index) || a.index - b.index)
          .map((p) => ({ sha256: p.sha256, label: `Photo ${p.index + 1}${p.index === photos.main.index ? ' (main)' : ''}`, detail: 'high' as const })),
        variables: () => ({
          photo_labels: photos.photos.map((p) => `Photo ${p.index + 1}`).join(', '),
          facts: photoFacts(photos),
          printed_text: ocrText(photos),
        }),
        offline: () => attributesOffline(photos, hints),
      }, signal);
      return outcome.ok && hints ? { ...outcome, output: applyHints(DraftAttributesSchema.parse(outcome.output), hints) } : outcome;
    }
    case 'draft_write': {
      const attributes = DraftAttributesSchema.parse(output('draft_analyze'));
      const r = rules();
      return draftModelOutcome(deps, {
        stage,
        pinned,
        schema: DraftTextsSchema,
        schemaName: 'listing_drafts',
        maxOutputTokens: 4_000,
        images: [],
        variables: () => ({
          rule_set: r.version,
          amazon_title_max: String(r.amazon.titleMax),
          amazon_search_bytes: String(r.amazon.searchTermsMaxBytes + 1),
          attributes: attributesText(attributes),
          printed_text: attributes.printedText.join(' · ') || '(none read)',
        }),
        offline: () => writeOffline(attributes, r),
      }, signal);
    }
    case 'draft_score': {
      const photos = DraftPhotosSchema.parse(output('draft_acquire'));
      const attributes = DraftAttributesSchema.parse(output('draft_analyze'));
      const texts = DraftTextsSchema.parse(output('draft_write'));
      const scored = scoreDrafts(texts, attributes, printedWords(photos).map((w) => w.text), at);
      return { ok: true, output: DraftScoredSchema.parse(scored), provider: 'rules', model: scored.ruleSet };
    }
  }
}

function ocrText(photos: DraftPhotos): string {
  return printedWords(photos).map((w) => w.text).join(' · ') || '(none read)';
}

function attributesText(a: DraftAttributes): string {
  const lines = ATTRIBUTE_NAMES.map((k) => {
    const x = a[k];
    return `- ${k}: ${x.value ?? 'unknown (not visible)'} (confidence ${x.confidence.toFixed(2)}) — ${x.evidence}`;
  });
  for (const f of a.features) lines.push(`- feature: ${f.value} (confidence ${f.confidence.toFixed(2)}) — ${f.evidence}`);
  return lines.join('\n');
}
