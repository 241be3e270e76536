import { draftThreadCards, plainText, presentRoot, presentStage, stageLine as presentStageLine, type RunView, type StageUsageView, type StageView } from '../../service/app/views/index.ts';
import { MARKETPLACES } from '../../service/domain/draft-outputs.ts';
import { presentationLines, stageText } from './present.ts';

/**
 * RunView → lines for a terminal, rendered from its Presentation (service/app/views). Pure: the
 * CLI decides where they go (standard error for progress, standard output for the result).
 */

export const stageLine = (v: RunView, s: StageView): string => stageText(presentStageLine(v, s));

export function checklist(v: RunView): string[] {
  return [`Run ${v.shortId}: ${v.pair.A.label} vs ${v.pair.B.label}`, ...v.stages.map((s) => `  ${stageLine(v, s)}`)];
}

/**
 * The result on standard output: the root message, then the personas and the fixes from their
 * cards. The stages are listed only when asked: `compare` has already shown each one on standard
 * error as it settled, and a terminal shows both streams.
 */
export function finalReport(v: RunView, opts: { stages?: boolean } = {}): string[] {
  const presented = presentRoot(v);
  // The root's top fixes point to the thread's Verdict card; a terminal has no thread, and the
  // full list follows below, so the excerpt is left out here.
  const root = v.verdict ? { ...presented, sections: presented.sections.filter((x) => x.role !== 'fixes') } : presented;
  const out = ['', `ListingLab — ${root.title}`, ...presentationLines(root, { stages: opts.stages ?? false })];
  for (const s of v.stages) {
    if (!v.verdict || s.status !== 'succeeded' || (s.name !== 'avatars' && s.name !== 'verdict')) continue;
    // The card's first section restates the outcome the root already gave.
    const card = presentStage(v, s);
    out.push('', `${card.title}:`, ...presentationLines({ ...card, sections: card.sections.slice(1) }).map((l) => (l ? `  ${l}` : l)));
  }
  out.push('', plainText(root.footer));
  return out;
}

/**
 * A draft run's result: the root (with its checklist: `draft` shows no progress of its own on
 * standard output), then each card of its thread, headed by what it found. A failed card only
 * repeats what the root says.
 */
export function draftReport(v: RunView): string[] {
  const root = presentRoot(v);
  const out = ['', `ListingLab — ${root.title}`, ...presentationLines(root)];
  for (const s of draftThreadCards(v)) {
    if (s.status === 'failed') continue;
    const [lead, ...rest] = presentStage(v, s).sections;
    out.push('', `${s.title} — ${plainText(lead?.lines[0] ?? [])}`, ...presentationLines({ ...root, sections: rest }).filter(Boolean).map((l) => `  ${l}`));
  }
  out.push('', plainText(root.footer));
  return out;
}

/**
 * What the run's model calls used and cost us: `{ inputTokens, outputTokens, estimatedUsd,
 * modelStages, cachedStages }`, `estimatedUsd` being the sum of the stages' own. Null on a view
 * with no stage rows behind it.
 */
function costJson(v: RunView): unknown {
  const c = v.modelCost;
  return c ? { inputTokens: c.inputTokens, outputTokens: c.outputTokens, estimatedUsd: c.usd, modelStages: c.modelStages, cachedStages: c.cachedStages } : null;
}

/** A stage's share: its tokens, its estimated cost, and whether the vision cache answered it ($0). */
const stageCostJson = (u: StageUsageView | undefined) => (u ? { tokens: { input: u.inputTokens, output: u.outputTokens }, estimatedUsd: u.usd, cached: u.cached } : {});

/** The `--json` document (PRODUCT.md "Command line"). */
export function jsonDocument(v: RunView): unknown {
  const status = v.status === 'succeeded' || v.status === 'partial' || v.status === 'failed' ? v.status : 'failed';
  return {
    job: v.id,
    status,
    pair: { A: v.pair.A, B: v.pair.B },
    mine: v.mine,
    verdict: v.verdict
      ? {
          winner: v.verdict.winner,
          score: v.verdict.score,
          confidence: v.verdict.confidence,
          clickWinner: v.verdict.clickWinner,
          saleWinner: v.verdict.saleWinner,
          rulesOnly: v.verdict.rulesOnly,
          fixes: v.verdict.fixes.map((f) => ({
            listing: f.listing,
            priority: f.priority,
            action: f.action,
            evidence: f.evidence,
            observation: f.observation,
            current: f.current,
            target: f.target,
            effort: f.effort,
            compliance: f.compliance,
            effect: f.effect,
          })),
          hash: v.verdict.hash,
        }
      : null,
    avatars: v.avatars?.personas ?? [],
    stages: Object.fromEntries(
      v.stages.map((s) => [
        s.name,
        {
          status: s.status,
          provider: s.provider,
          model: s.model,
          madeWithoutModel: s.madeWithoutModel,
          winner: s.winner,
          score: s.score,
          orders: s.orders,
          ...stageCostJson(s.usage),
          ...(s.error ? { error: s.error } : {}),
          output: s.output,
        },
      ]),
    ),
    cost: costJson(v),
    error: v.status === 'failed' ? { code: v.errorCode, message: v.errorMessage } : null,
  };
}

/** The `--json` document of `listinglab draft`: `{ job, status, photos: { main, feedback, … }, attributes, drafts: { amazon, ebay, etsy, shopify } }`. */
export function draftJson(v: RunView): unknown {
  const d = v.draft;
  const status = v.status === 'succeeded' || v.status === 'partial' || v.status === 'failed' ? v.status : 'failed';
  const drafts = d?.drafts
    ? Object.fromEntries(MARKETPLACES.map((m) => {
      const x = d.drafts![m];
      return [m, { ...x.fields, valid: x.valid, problems: x.problems, score: x.score, improve: x.improve, fillIn: x.fillIn ?? [], claims: x.claims }];
    }))
    : null;
  return {
    job: v.id,
    status,
    photos: d?.photos
      ? { count: d.photoCount, main: d.photos.main, feedback: d.photos.feedback, refused: d.photos.refused, measured: d.photos.photos.map(({ sha256: _sha, text: _text, ...p }) => p) }
      : null,
    attributes: d?.attributes ?? null,
    drafts,
    madeWithoutModel: d?.madeWithoutModel ?? null,
    ruleSet: d?.ruleSet ?? null,
    stages: Object.fromEntries(v.stages.map((s) => [s.name, { status: s.status, provider: s.provider, model: s.model, madeWithoutModel: s.madeWithoutModel, ...stageCostJson(s.usage), ...(s.error ? { error: s.error } : {}) }])),
    cost: costJson(v),
    error: v.status === 'failed' ? { code: v.errorCode, message: v.errorMessage } : null,
  };
}
