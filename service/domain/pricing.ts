import type { StageName } from './stage-outputs.ts';

/**
 * What a run costs, stage by stage (PRODUCT.md "Credits": a comparison is 10 — ctr 3, pdp 3,
 * text 2, avatars 2 — and a draft 4). Each stage carries its share so a failed stage is refunded
 * exactly its own credits. A run with the offline rules engine costs the same as one with models.
 */
export interface Pricing {
  readonly compare: Readonly<Record<'ctr' | 'pdp' | 'text' | 'avatars', number>>;
  readonly draft: number;
  readonly perRunMax: number;
}

export interface StagePrice {
  readonly stage: StageName;
  readonly credits: number;
}

export const COMPARISON_STAGES: readonly StageName[] = ['acquire', 'ctr', 'pdp', 'text', 'avatars', 'verdict'];

/**
 * The stages of a comparison with their credits. `metered: false` is the operator's own terminal
 * (the CLI workspace): the same stages, nothing charged — the operator pays providers directly.
 */
export function comparisonStagePrices(pricing: Pricing, metered: boolean): StagePrice[] {
  return COMPARISON_STAGES.map((stage) => ({
    stage,
    credits: metered && stage in pricing.compare ? pricing.compare[stage as keyof Pricing['compare']] : 0,
  }));
}

export function totalCredits(prices: readonly StagePrice[]): number {
  return prices.reduce((sum, p) => sum + p.credits, 0);
}
