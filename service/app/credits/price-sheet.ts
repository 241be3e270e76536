import { comparisonStagePrices, totalCredits, type Pricing } from '../../domain/pricing.ts';
import type { CreditPack } from './checkout.ts';

/**
 * What things cost, as the front ends state it (`help`, `credits`): built from the configured
 * pricing, so a changed price shows wherever it is quoted.
 */
export interface PriceSheet {
  /** Credits a comparison reserves in chat (its stages' sum). */
  readonly comparison: number;
  readonly draft: number;
  readonly dailyCap: number;
  /** Packs for sale, the first being `buy`'s default; empty when billing is not configured. */
  readonly packs: readonly CreditPack[];
}

export function priceSheet(pricing: Pricing, dailyCap: number, packs: readonly CreditPack[]): PriceSheet {
  return { comparison: totalCredits(comparisonStagePrices(pricing, true)), draft: pricing.draft, dailyCap, packs };
}
