import type { SeenEvidence } from '../domain/claims.ts';
import { MARKETPLACES, type DraftAttributes, type DraftScored, type DraftTexts, type Marketplace, type Problem, type ScoredDraft } from '../domain/draft-outputs.ts';
import { marketplaceRulesFor } from '../domain/marketplace-rules.ts';
import { ruleSetFor } from '../providers/rules/rule-sets.ts';
import { VALIDATORS, type CheckContext } from './draft-validate.ts';

/**
 * Stage draft_score: pure and deterministic. Each draft is checked by its marketplace's validator
 * and scored 0–100: every point below 100 is a problem's penalty, so "what would raise it" is
 * exactly the list of fixes, largest gain first.
 */

/** A vision attribute is evidence of a claim only this sure. */
const VISUAL_EVIDENCE_MIN = 0.8;

/** What the product shows: printed text (OCR and what a model read), and confident visual attributes. */
export function seenEvidence(attributes: DraftAttributes, ocrWords: readonly string[]): SeenEvidence {
  const visual = [
    ...(['productType', 'material', 'brand'] as const).flatMap((k) => {
      const a = attributes[k];
      return a.value && a.confidence >= VISUAL_EVIDENCE_MIN ? [{ value: a.value, evidence: a.evidence }] : [];
    }),
    ...attributes.features.filter((f) => f.confidence >= VISUAL_EVIDENCE_MIN).map((f) => ({ value: f.value, evidence: f.evidence })),
  ];
  return { printed: [...attributes.printedText, ...ocrWords], visual };
}

function improveList(problems: readonly Problem[]): ScoredDraft['improve'] {
  const byAction = new Map<string, number>();
  for (const p of problems) byAction.set(p.fix, (byAction.get(p.fix) ?? 0) + p.penalty);
  return [...byAction]
    .map(([action, gain]) => ({ action, gain: Math.min(100, gain) }))
    .sort((a, b) => b.gain - a.gain || a.action.localeCompare(b.action));
}

export function scoreDraft<M extends Marketplace>(marketplace: M, fields: DraftTexts[M], ctx: CheckContext): ScoredDraft<M> {
  const check = VALIDATORS[marketplace] as (d: DraftTexts[M], c: CheckContext) => { problems: Problem[]; claims: ScoredDraft['claims'] };
  const { problems, claims } = check(fields, ctx);
  const lost = problems.reduce((sum, p) => sum + p.penalty, 0);
  return {
    fields,
    valid: !problems.some((p) => p.severity === 'error'),
    problems,
    score: Math.max(0, 100 - lost),
    improve: improveList(problems),
    claims,
  } as ScoredDraft<M>;
}

export function scoreDrafts(texts: DraftTexts, attributes: DraftAttributes, ocrWords: readonly string[], at: Date): DraftScored {
  const amazon = ruleSetFor(at);
  const rules = marketplaceRulesFor(at, amazon);
  const ctx: CheckContext = { rules, amazon, seen: seenEvidence(attributes, ocrWords) };
  const drafts = Object.fromEntries(MARKETPLACES.map((m) => [m, scoreDraft(m, texts[m], ctx)])) as DraftScored['drafts'];
  return { ruleSet: rules.version, drafts };
}
