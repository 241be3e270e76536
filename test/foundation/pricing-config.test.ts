import { describe, expect, test } from 'vitest';
import { DEFAULTS } from '../../service/config/defaults.ts';
import { modelPrice } from '../../service/config/pricing.ts';
import { parseConfig } from '../../service/config/schema.ts';

/** Prices as configuration: CREDIT_PACKS, STAGE_CREDITS, … or one PRICING_FILE, one zod schema. */

const pricingOf = (env: Record<string, string>, files: Record<string, string> = {}) => {
  const r = parseConfig(env, (path) => {
    const text = files[path];
    if (text === undefined) throw new Error(`ENOENT: no such file, open '${path}'`);
    return text;
  });
  return r;
};
const errorsOf = (env: Record<string, string>, files: Record<string, string> = {}) => {
  const r = pricingOf(env, files);
  if (r.ok) throw new Error('expected the configuration to be refused');
  return r.errors;
};

const DEFAULT_MODELS = DEFAULTS.modelPrices;

describe('pricing configuration', () => {
  test('the defaults are the product prices (PRODUCT.md "Credits")', () => {
    const r = parseConfig({});
    if (!r.ok) throw new Error(r.errors.join('; '));
    expect(r.config.pricing).toEqual({
      packs: [
        { id: 'starter', credits: 100, priceCents: 900, currency: 'usd' },
        { id: 'team', credits: 500, priceCents: 3900, currency: 'usd' },
        { id: 'agency', credits: 2000, priceCents: 12900, currency: 'usd' },
      ],
      compare: { ctr: 3, pdp: 3, text: 2, avatars: 2 },
      draft: 4,
      freeOnSignup: 30,
      dailyCap: 200,
      perRunMax: 20,
      maxRunningPerWorkspace: 3,
      models: {
        'gpt-4.1-mini': { inputPerMillion: 0.4, outputPerMillion: 1.6 },
        'claude-sonnet-5-5': { inputPerMillion: 3, outputPerMillion: 15 },
      },
    });
  });

  test('every price from the environment; a stage left out of STAGE_CREDITS keeps its default', () => {
    const r = pricingOf({
      CREDIT_PACKS: 'mini:50:500:EUR, pro:500:3900:usd',
      STAGE_CREDITS: 'ctr:5,text:1',
      DRAFT_CREDITS: '6',
      FREE_CREDITS: '0',
      DAILY_CREDIT_CAP: '90',
      PER_RUN_MAX_CREDITS: '12',
      MAX_RUNNING_PER_WORKSPACE: '1',
    });
    if (!r.ok) throw new Error(r.errors.join('; '));
    expect(r.config.pricing).toEqual({
      packs: [
        { id: 'mini', credits: 50, priceCents: 500, currency: 'eur' },
        { id: 'pro', credits: 500, priceCents: 3900, currency: 'usd' },
      ],
      compare: { ctr: 5, pdp: 3, text: 1, avatars: 2 },
      draft: 6,
      freeOnSignup: 0,
      dailyCap: 90,
      perRunMax: 12,
      maxRunningPerWorkspace: 1,
      models: DEFAULT_MODELS,
    });
  });

  test('PRICING_FILE: the same fields as JSON, validated by the same schema', () => {
    const file = JSON.stringify({ packs: [{ id: 'solo', credits: 20, priceCents: 250, currency: 'gbp' }], compare: { pdp: 4 }, dailyCap: 50 });
    const r = pricingOf({ PRICING_FILE: 'pricing.json' }, { 'pricing.json': file });
    if (!r.ok) throw new Error(r.errors.join('; '));
    expect(r.config.pricing).toMatchObject({ packs: [{ id: 'solo', credits: 20, priceCents: 250, currency: 'gbp' }], compare: { ctr: 3, pdp: 4, text: 2, avatars: 2 }, draft: 4, dailyCap: 50 });
  });

  test.each([
    [{ CREDIT_PACKS: 'starter:100:900' }, 'CREDIT_PACKS: entry 1 "starter:100:900" is not name:credits:priceCents:currency'],
    [{ CREDIT_PACKS: 'starter:lots:900:usd' }, 'CREDIT_PACKS: entry 1 (starter): credits must be a whole number, got "lots"'],
    [{ CREDIT_PACKS: 'starter:100:9.00:usd' }, 'CREDIT_PACKS: entry 1 (starter): price in cents must be a whole number, got "9.00"'],
    [{ CREDIT_PACKS: 'starter:100:900:dollars' }, 'CREDIT_PACKS (0.currency): a currency is a 3-letter ISO code such as usd'],
    [{ CREDIT_PACKS: 'Big Pack:100:900:usd' }, 'CREDIT_PACKS (0.id): a pack name is 1–32 lowercase letters'],
    [{ CREDIT_PACKS: 'starter:0:900:usd' }, 'CREDIT_PACKS (0.credits)'],
    [{ CREDIT_PACKS: 'a:1:100:usd,a:2:200:usd' }, 'CREDIT_PACKS: pack "a" is named twice'],
    [{ STAGE_CREDITS: 'ctr=3' }, 'STAGE_CREDITS: "ctr=3" is not stage:credits'],
    [{ STAGE_CREDITS: 'verdict:1' }, 'STAGE_CREDITS: unknown stage "verdict": the charged stages are ctr, pdp, text, avatars'],
    [{ STAGE_CREDITS: 'ctr:3,ctr:4' }, 'STAGE_CREDITS: stage ctr is listed twice'],
    [{ STAGE_CREDITS: 'ctr:-1' }, 'STAGE_CREDITS: ctr must be a whole number'],
    [{ DRAFT_CREDITS: 'four' }, 'DRAFT_CREDITS: must be a whole number, got "four"'],
    [{ DAILY_CREDIT_CAP: '0' }, 'DAILY_CREDIT_CAP: Too small'],
    [{ MAX_RUNNING_PER_WORKSPACE: '0' }, 'MAX_RUNNING_PER_WORKSPACE: Too small'],
    [{ STAGE_CREDITS: 'ctr:15' }, 'STAGE_CREDITS: a comparison would cost 22, over the per-run maximum of 20'],
    [{ DRAFT_CREDITS: '21' }, 'DRAFT_CREDITS: a draft would cost 21, over the per-run maximum of 20'],
    [{ PER_RUN_MAX_CREDITS: '300' }, 'PER_RUN_MAX_CREDITS: the per-run maximum 300 is over the daily cap of 200'],
  ])('refused with the variable named: %o', (env, message) => {
    expect(errorsOf(env).join('\n')).toContain(message);
  });

  test.each([
    [{ PRICING_FILE: 'missing.json' }, {}, 'PRICING_FILE: cannot read missing.json as JSON (ENOENT'],
    [{ PRICING_FILE: 'p.json' }, { 'p.json': '{ "packs": [' }, 'PRICING_FILE: cannot read p.json as JSON'],
    [{ PRICING_FILE: 'p.json' }, { 'p.json': '{ "packs": [] }' }, 'PRICING_FILE (p.json): packs: Too small'],
    [{ PRICING_FILE: 'p.json' }, { 'p.json': '{ "pack": [] }' }, 'PRICING_FILE (p.json): Unrecognized key: "pack"'],
    [{ PRICING_FILE: 'p.json' }, { 'p.json': '{ "compare": { "ctr": "3" } }' }, 'PRICING_FILE (p.json): compare.ctr'],
    [{ PRICING_FILE: 'p.json', DRAFT_CREDITS: '4' }, { 'p.json': '{}' }, 'PRICING_FILE: set either PRICING_FILE or DRAFT_CREDITS, not both'],
  ])('PRICING_FILE refused with what is wrong: %o', (env, files, message) => {
    expect(errorsOf(env, files).join('\n')).toContain(message);
  });

  test('MODEL_PRICES adds models and replaces a default model\'s figures; the rest keep theirs', () => {
    const r = pricingOf({ MODEL_PRICES: JSON.stringify({ 'gpt-4.1': { inputPerMillion: 2, outputPerMillion: 8 }, 'gpt-4.1-mini': { inputPerMillion: 0.5, outputPerMillion: 2 } }) });
    if (!r.ok) throw new Error(r.errors.join('; '));
    expect(r.config.pricing.models).toEqual({
      'gpt-4.1-mini': { inputPerMillion: 0.5, outputPerMillion: 2 },
      'claude-sonnet-5-5': { inputPerMillion: 3, outputPerMillion: 15 },
      'gpt-4.1': { inputPerMillion: 2, outputPerMillion: 8 },
    });
    // A model with no entry is estimated at its provider's default model's price, and says so.
    expect(modelPrice(r.config.pricing, 'gpt-4.1', 'gpt-4.1-mini')).toEqual({ price: { inputPerMillion: 2, outputPerMillion: 8 }, priced: true });
    expect(modelPrice(r.config.pricing, 'llama-local', 'gpt-4.1-mini')).toEqual({ price: { inputPerMillion: 0.5, outputPerMillion: 2 }, priced: false });
  });

  test('PRICING_FILE may carry the model prices as `models`', () => {
    const file = JSON.stringify({ models: { 'claude-sonnet-5-5': { inputPerMillion: 2.5, outputPerMillion: 12 } } });
    const r = pricingOf({ PRICING_FILE: 'p.json' }, { 'p.json': file });
    if (!r.ok) throw new Error(r.errors.join('; '));
    expect(r.config.pricing.models).toEqual({ ...DEFAULT_MODELS, 'claude-sonnet-5-5': { inputPerMillion: 2.5, outputPerMillion: 12 } });
  });

  test.each([
    [{ MODEL_PRICES: '{gpt: 1}' }, {}, 'MODEL_PRICES: is not JSON'],
    [{ MODEL_PRICES: '[0.4, 1.6]' }, {}, 'MODEL_PRICES: must be a JSON object of model name → { inputPerMillion, outputPerMillion }'],
    [{ MODEL_PRICES: '{"gpt-4.1-mini":{"inputPerMillion":"0.4","outputPerMillion":1.6}}' }, {}, 'MODEL_PRICES (gpt-4.1-mini.inputPerMillion): a price is a number of dollars per million tokens'],
    [{ MODEL_PRICES: '{"gpt-4.1-mini":{"inputPerMillion":-1,"outputPerMillion":1.6}}' }, {}, 'MODEL_PRICES (gpt-4.1-mini.inputPerMillion): a price cannot be negative'],
    [{ MODEL_PRICES: '{"gpt-4.1-mini":{"inputPerMillion":0.4}}' }, {}, 'MODEL_PRICES (gpt-4.1-mini.outputPerMillion)'],
    [{ MODEL_PRICES: '{"gpt-4.1-mini":{"input":0.4,"outputPerMillion":1.6,"inputPerMillion":0.4}}' }, {}, 'MODEL_PRICES (gpt-4.1-mini): Unrecognized key: "input"'],
    [{ MODEL_PRICES: '{"my model":{"inputPerMillion":1,"outputPerMillion":1}}' }, {}, 'MODEL_PRICES: "my model" is not a model name'],
    [{ PRICING_FILE: 'p.json' }, { 'p.json': '{ "models": { "gpt-4.1-mini": { "inputPerMillion": 0.4 } } }' }, 'PRICING_FILE (p.json): models.gpt-4.1-mini.outputPerMillion'],
    [{ PRICING_FILE: 'p.json', MODEL_PRICES: '{}' }, { 'p.json': '{}' }, 'PRICING_FILE: set either PRICING_FILE or MODEL_PRICES, not both'],
  ])('model prices refused with what is wrong: %o', (env, files, message) => {
    expect(errorsOf(env, files).join('\n')).toContain(message);
  });

  test('pricing errors are reported together with the other variables', () => {
    const text = errorsOf({ PORT: 'eighty', DRAFT_CREDITS: 'x' }).join('\n');
    expect(text).toContain('PORT');
    expect(text).toContain('DRAFT_CREDITS');
  });
});
