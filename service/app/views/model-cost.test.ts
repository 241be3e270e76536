import { describe, expect, test } from 'vitest';
import { dollars, modelCostLine, modelCostOf, stageUsage } from './model-cost.ts';

/** A run's model cost is the sum of what its stage rows recorded (run_stages tokens and cost_usd). */

const row = (inputTokens: number, outputTokens: number, costUsd: string, cached = false) => ({ inputTokens, outputTokens, costUsd, cached });

describe('model cost of a run', () => {
  test('sums every stage, a failed one\'s billed attempts included; the rules engine and acquisition are not model stages', () => {
    const rows = [
      row(0, 0, '0'), // acquire
      row(12_000, 900, '0.006240'), // ctr, both orders
      row(30_000, 1_400, '0.014240'), // pdp
      row(800, 50, '0.000400'), // text: failed after billed attempts
      row(0, 0, '0', true), // avatars: from the vision cache
      row(0, 0, '0'), // verdict: computed
    ];
    expect(modelCostOf(rows)).toEqual({ inputTokens: 42_800, outputTokens: 2_350, usd: 0.02088, modelStages: 4, cachedStages: 1 });
    expect(stageUsage(rows[4]!)).toEqual({ inputTokens: 0, outputTokens: 0, usd: 0, cached: true });
    // Six decimals, as stored: no floating-point dust in the sum.
    expect(modelCostOf([row(1, 0, '0.000001'), row(1, 0, '0.000002')]).usd).toBe(0.000003);
  });

  test('in words for the report page', () => {
    expect(modelCostLine({ inputTokens: 42_800, outputTokens: 2_350, usd: 0.02088, modelStages: 4, cachedStages: 1 })).toBe(
      'Model calls: 42,800 tokens in, 2,350 out, about $0.0209 at configured prices; 1 of 4 stages answered from the vision cache ($0)',
    );
    expect(modelCostLine({ inputTokens: 0, outputTokens: 0, usd: 0, modelStages: 4, cachedStages: 4 })).toBe('No model calls: every stage was answered from the vision cache ($0)');
    // The offline rules engine asks no model: nothing to say.
    expect(modelCostLine({ inputTokens: 0, outputTokens: 0, usd: 0, modelStages: 0, cachedStages: 0 })).toBeNull();
    expect(modelCostLine(undefined)).toBeNull();
    expect(dollars(0.00004)).toBe('under $0.0001');
  });
});
