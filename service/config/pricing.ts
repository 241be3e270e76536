import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { DEFAULTS } from './defaults.ts';

/**
 * Prices as configuration (PRODUCT.md "Credits"): the credit packs for sale, what each comparison
 * stage and a draft cost, the free credits of a new workspace, the daily cap, the per-run maximum
 * and the runs a workspace may have running at once. Defaults are `DEFAULTS.credits`. Also what a
 * model's tokens cost us (USD per million, by model name: `models`), from which each stage's
 * estimated cost is recorded; its defaults are `DEFAULTS.modelPrices`, and configured entries add
 * to them or replace them.
 *
 * Two sources, never both: single variables (CREDIT_PACKS, STAGE_CREDITS, DRAFT_CREDITS,
 * FREE_CREDITS, DAILY_CREDIT_CAP, PER_RUN_MAX_CREDITS, MAX_RUNNING_PER_WORKSPACE, MODEL_PRICES), or one JSON file
 * named by PRICING_FILE holding the same fields as `PricingConfig` (any left out keep their
 * default). Both go through `PricingSchema`, so the rules are the same.
 */

const PACK_ID = /^[a-z0-9][a-z0-9_-]{0,31}$/;
const count = (min: number) => z.number().int().min(min).max(1_000_000);

const PackSchema = z.object({
  id: z.string().regex(PACK_ID, 'a pack name is 1–32 lowercase letters, digits, - or _'),
  credits: count(1),
  /** Stripe's `unit_amount`: the smallest currency unit (cents). */
  priceCents: count(1),
  /** An ISO 4217 code in lowercase, as Stripe takes it. */
  currency: z.string().regex(/^[a-z]{3}$/, 'a currency is a 3-letter ISO code such as usd'),
});

/** A model's list price in USD per million tokens; input includes image tokens. */
const dollarsPerMillion = (example: number) =>
  z
    .number({ error: (issue) => (issue.code === 'invalid_type' ? `a price is a number of dollars per million tokens, e.g. ${example}` : undefined) })
    .min(0, 'a price cannot be negative')
    .max(1_000, 'over $1,000 per million tokens: is this in cents?');
const TokenPriceSchema = z.strictObject({ inputPerMillion: dollarsPerMillion(0.4), outputPerMillion: dollarsPerMillion(1.6) });

/** A model name as the providers spell them (`gpt-4.1-mini`, `claude-sonnet-5-5`, `org/model:tag`). */
const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,99}$/;

const StageCreditsSchema = z.strictObject({ ctr: count(0), pdp: count(0), text: count(0), avatars: count(0) });

export const PricingSchema = z
  .strictObject({
    // Discord offers the packs as a choice list, which holds at most 25.
    packs: z.array(PackSchema).min(1).max(25).default([...DEFAULTS.credits.packs]),
    // A stage left out keeps its default price.
    compare: StageCreditsSchema.partial()
      .default({})
      .transform((c) => {
        const d = DEFAULTS.credits.compare;
        return { ctr: c.ctr ?? d.ctr, pdp: c.pdp ?? d.pdp, text: c.text ?? d.text, avatars: c.avatars ?? d.avatars };
      }),
    draft: count(0).default(DEFAULTS.credits.draft),
    freeOnSignup: count(0).default(DEFAULTS.credits.freeOnSignup),
    dailyCap: count(1).default(DEFAULTS.credits.dailyCap),
    perRunMax: count(1).default(DEFAULTS.credits.perRunMax),
    maxRunningPerWorkspace: z.number().int().min(1).max(100).default(DEFAULTS.credits.maxRunningPerWorkspace),
    // Configured models are added to the defaults (or replace a default's figures).
    models: z
      .record(z.string(), TokenPriceSchema)
      .default({})
      .transform((m): Readonly<Record<string, TokenPriceConfig>> => ({ ...DEFAULTS.modelPrices, ...m })),
  })
  .superRefine((p, ctx) => {
    const ids = p.packs.map((k) => k.id);
    const dup = ids.find((id, i) => ids.indexOf(id) !== i);
    if (dup !== undefined) ctx.addIssue({ code: 'custom', path: ['packs'], message: `pack "${dup}" is named twice` });
    // Checked here rather than as the record's key schema, whose failure zod reports without this message.
    for (const name of Object.keys(p.models).filter((m) => !MODEL_NAME.test(m))) {
      ctx.addIssue({ code: 'custom', path: ['models'], message: `${JSON.stringify(name.slice(0, 40))} is not a model name (letters, digits and . _ : / @ -, as the provider spells it)` });
    }
    const comparison = p.compare.ctr + p.compare.pdp + p.compare.text + p.compare.avatars;
    if (comparison > p.perRunMax) ctx.addIssue({ code: 'custom', path: ['compare'], message: `a comparison would cost ${comparison}, over the per-run maximum of ${p.perRunMax}` });
    if (p.draft > p.perRunMax) ctx.addIssue({ code: 'custom', path: ['draft'], message: `a draft would cost ${p.draft}, over the per-run maximum of ${p.perRunMax}` });
    if (p.perRunMax > p.dailyCap) ctx.addIssue({ code: 'custom', path: ['perRunMax'], message: `the per-run maximum ${p.perRunMax} is over the daily cap of ${p.dailyCap}` });
  });

export type PricingConfig = z.output<typeof PricingSchema>;

/** USD per million tokens (the shape providers/provider.ts `TokenPrice` takes). */
export interface TokenPriceConfig {
  readonly inputPerMillion: number;
  readonly outputPerMillion: number;
}

/**
 * The price a configured model is estimated at: its own entry, or — for a model with none (a
 * compatible server's model, a test model) — the entry of its provider's default model, which
 * `priced: false` reports so the caller can say the estimate is borrowed.
 */
export function modelPrice(pricing: Pick<PricingConfig, 'models'>, model: string, providerDefault: string): { price: TokenPriceConfig; priced: boolean } {
  const own = pricing.models[model];
  if (own) return { price: own, priced: true };
  return { price: pricing.models[providerDefault] ?? { inputPerMillion: 0, outputPerMillion: 0 }, priced: false };
}

/** Which variable sets which field (error messages name the variable, not the field). */
const VARIABLES = {
  CREDIT_PACKS: 'packs',
  STAGE_CREDITS: 'compare',
  DRAFT_CREDITS: 'draft',
  FREE_CREDITS: 'freeOnSignup',
  DAILY_CREDIT_CAP: 'dailyCap',
  PER_RUN_MAX_CREDITS: 'perRunMax',
  MAX_RUNNING_PER_WORKSPACE: 'maxRunningPerWorkspace',
  MODEL_PRICES: 'models',
} as const satisfies Record<string, keyof PricingConfig>;

export const PRICING_VARIABLES = ['PRICING_FILE', ...Object.keys(VARIABLES)] as const;

export type PricingResult = { ok: true; pricing: PricingConfig } | { ok: false; errors: string[] };

const set = (v: string | undefined): v is string => v !== undefined && v.trim() !== '';

/**
 * The pricing from an environment. `readFile` reads PRICING_FILE (default: the file system; a
 * relative path is taken from the working directory).
 */
export function parsePricing(env: Readonly<Record<string, string | undefined>>, readFile: (path: string) => string = (p) => readFileSync(p, 'utf8')): PricingResult {
  const file = env.PRICING_FILE;
  const singles = (Object.keys(VARIABLES) as (keyof typeof VARIABLES)[]).filter((k) => set(env[k]));
  if (set(file)) {
    if (singles.length > 0) return { ok: false, errors: [`PRICING_FILE: set either PRICING_FILE or ${singles.join(', ')}, not both`] };
    let raw: unknown;
    try {
      raw = JSON.parse(readFile(file.trim()));
    } catch (e) {
      return { ok: false, errors: [`PRICING_FILE: cannot read ${file.trim()} as JSON (${e instanceof Error ? e.message : String(e)})`] };
    }
    return validate(raw, (path) => `PRICING_FILE (${file.trim()})${path ? `: ${path}` : ''}`);
  }
  const raw: Record<string, unknown> = {};
  const errors: string[] = [];
  for (const name of singles) {
    const value = env[name]!.trim();
    const field = VARIABLES[name];
    const r = name === 'CREDIT_PACKS' ? splitPacks(value) : name === 'STAGE_CREDITS' ? splitStages(value) : name === 'MODEL_PRICES' ? jsonObject(value) : integer(value);
    if (typeof r === 'string') errors.push(`${name}: ${r}`);
    else raw[field] = r;
  }
  if (errors.length > 0) return { ok: false, errors };
  const byField = Object.fromEntries(Object.entries(VARIABLES).map(([k, v]) => [v, k]));
  return validate(raw, (path) => {
    const [field, ...rest] = path.split('.');
    const name = byField[field ?? ''];
    return name ? `${name}${rest.length ? ` (${rest.join('.')})` : ''}` : path;
  });
}

function validate(raw: unknown, where: (path: string) => string): PricingResult {
  const r = PricingSchema.safeParse(raw);
  if (r.success) return { ok: true, pricing: r.data };
  return { ok: false, errors: r.error.issues.map((i) => `${where(i.path.join('.'))}: ${i.message}`) };
}

function integer(value: string): number | string {
  return /^\d{1,7}$/.test(value) ? Number(value) : `must be a whole number, got ${JSON.stringify(value.slice(0, 40))}`;
}

/** MODEL_PRICES: `{"gpt-4.1-mini":{"inputPerMillion":0.4,"outputPerMillion":1.6}}` (the schema checks the entries). */
function jsonObject(value: string): Record<string, unknown> | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (e) {
    return `is not JSON (${e instanceof Error ? e.message : String(e)}); expected e.g. {"gpt-4.1-mini":{"inputPerMillion":0.4,"outputPerMillion":1.6}}`;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return 'must be a JSON object of model name → { inputPerMillion, outputPerMillion }';
  return parsed as Record<string, unknown>;
}

/** `starter:100:900:usd,pro:500:3900:usd` → packs, in order (the first is `buy`'s default). */
function splitPacks(value: string): unknown[] | string {
  const packs: unknown[] = [];
  for (const [i, entry] of value.split(',').map((e) => e.trim()).entries()) {
    const parts = entry.split(':').map((p) => p.trim());
    const [id, credits, price, currency] = parts;
    if (parts.length !== 4 || !id || !credits || !price || !currency) {
      return `entry ${i + 1} ${JSON.stringify(entry.slice(0, 40))} is not name:credits:priceCents:currency (e.g. starter:100:900:usd)`;
    }
    const c = integer(credits);
    const p = integer(price);
    if (typeof c === 'string') return `entry ${i + 1} (${id}): credits ${c}`;
    if (typeof p === 'string') return `entry ${i + 1} (${id}): price in cents ${p}`;
    packs.push({ id, credits: c, priceCents: p, currency: currency.toLowerCase() });
  }
  return packs;
}

/** `ctr:3,pdp:3,text:2,avatars:2` → stage credits; a stage left out keeps its default. */
function splitStages(value: string): Record<string, number> | string {
  const stages: Record<string, number> = {};
  const known = Object.keys(DEFAULTS.credits.compare);
  for (const entry of value.split(',').map((e) => e.trim())) {
    const [stage, credits, ...rest] = entry.split(':').map((p) => p.trim());
    if (!stage || credits === undefined || rest.length > 0) return `${JSON.stringify(entry.slice(0, 40))} is not stage:credits (e.g. ctr:3)`;
    if (!known.includes(stage)) return `unknown stage ${JSON.stringify(stage.slice(0, 20))}: the charged stages are ${known.join(', ')}`;
    if (stage in stages) return `stage ${stage} is listed twice`;
    const c = integer(credits);
    if (typeof c === 'string') return `${stage} ${c}`;
    stages[stage] = c;
  }
  return stages;
}
