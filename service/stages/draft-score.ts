import type { SeenEvidence } from '../domain/claims.ts';
import { MARKETPLACES, type DraftAttributes, type DraftScored, type DraftTexts, type Marketplace, type Problem, type ScoredDraft } from '../domain/draft-outputs.ts';
import { marketplaceRulesFor } from '../domain/marketplace-rules.ts';
import { ruleSetFor } from '../providers/rules/rule-sets.ts';
import { fillInNames } from './draft-placeholders.ts';
import { VALIDATORS, type CheckContext } from './draft-validate.ts';

/**
 * Stage draft_score: pure and deterministic. Each draft is checked by its marketplace's validator
 * and scored 0–100: every point below 100 is a problem's penalty, so "what would raise it" is
 * exactly the list of fixes, largest gain first. A draft still holding a placeholder is not
 * finished: it is invalid (draft-validate.ts), its score is capped at PLACEHOLDER_SCORE_CAP, and
 * `fillIn` names what the seller must fill in.
 */

/** The most an unfinished draft (one with a placeholder left) can score. */
export const PLACEHOLDER_SCORE_CAP = 40;

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

/** Every text of a draft, whatever its marketplace's shape, in field order. */
function textsOf(fields: unknown): string[] {
  if (typeof fields === 'string') return [fields];
  if (Array.isArray(fields)) return fields.flatMap(textsOf);
  if (fields && typeof fields === 'object') return Object.values(fields).flatMap(textsOf);
  return [];
}

export function scoreDraft<M extends Marketplace>(marketplace: M, fields: DraftTexts[M], ctx: CheckContext): ScoredDraft<M> {
  const check = VALIDATORS[marketplace] as (d: DraftTexts[M], c: CheckContext) => { problems: Problem[]; claims: ScoredDraft['claims'] };
  const { problems, claims } = check(fields, ctx);
  const lost = problems.reduce((sum, p) => sum + p.penalty, 0);
  const fillIn = fillInNames(textsOf(fields));
  const score = Math.max(0, 100 - lost);
  return {
    fields,
    valid: fillIn.length === 0 && !problems.some((p) => p.severity === 'error'),
    problems,
    score: fillIn.length ? Math.min(PLACEHOLDER_SCORE_CAP, score) : score,
    improve: improveList(problems),
    claims,
    fillIn,
  } as ScoredDraft<M>;
}

export function scoreDrafts(texts: DraftTexts, attributes: DraftAttributes, ocrWords: readonly string[], at: Date): DraftScored {
  const amazon = ruleSetFor(at);
  const rules = marketplaceRulesFor(at, amazon);
  const ctx: CheckContext = { rules, amazon, seen: seenEvidence(attributes, ocrWords) };
  const drafts = Object.fromEntries(MARKETPLACES.map((m) => [m, scoreDraft(m, texts[m], ctx)])) as DraftScored['drafts'];
  return { ruleSet: rules.version, drafts };
}
