import { z } from 'zod';
import { deriveKey, MIN_KEY_BYTES } from '../support/capability-token.ts';
import { DEFAULTS } from './defaults.ts';
import { parsePricing, type PricingConfig } from './pricing.ts';

/**
 * The one description of the environment (after trigger.dev's env.server.ts). Parsed once, in
 * service/main; everything else receives a typed `Config`.
 *
 * Optional integrations are all-or-nothing: setting some of a group's variables but not all stops
 * the start with a message naming what is missing.
 */

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const opt = z.preprocess(emptyToUndefined, z.string().optional());
const url = z.preprocess(emptyToUndefined, z.url().optional());
/** A 32-byte AES key as 64 hex characters (`openssl rand -hex 32`). */
const hexKey = z.preprocess(emptyToUndefined, z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex characters (32 bytes, `openssl rand -hex 32`)').optional());

const EnvSchema = z.object({
  DATABASE_URL: url,
  DATA_DIR: z.preprocess(emptyToUndefined, z.string().default(DEFAULTS.dataDir)),
  PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(65535).default(DEFAULTS.port)),
  PUBLIC_URL: url,
  /** Jobs in flight at once per worker process; stages are I/O-bound model calls (default 16). */
  WORKER_CONCURRENCY: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(256).default(DEFAULTS.workerConcurrency)),
  /** A worker whose heartbeat is older than this is dead: its jobs are unlocked (default 20). */
  WORKER_STALE_SECONDS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(2).max(3600).default(20)),
  LOG_LEVEL: z.preprocess(emptyToUndefined, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')),
  SLACK_SIGNING_SECRET: opt,
  SLACK_BOT_TOKEN: opt,
  SLACK_CLIENT_ID: opt,
  SLACK_CLIENT_SECRET: opt,
  SLACK_STATE_SECRET: opt,
  SLACK_API_URL: z.preprocess(emptyToUndefined, z.url().default(DEFAULTS.slackApiUrl)),
  DISCORD_APPLICATION_ID: opt,
  DISCORD_PUBLIC_KEY: z.preprocess(emptyToUndefined, z.string().regex(/^[0-9a-f]{64}$/i, 'must be 64 hex characters').optional()),
  DISCORD_BOT_TOKEN: opt,
  DISCORD_API_URL: z.preprocess(emptyToUndefined, z.url().default(DEFAULTS.discordApiUrl)),
  OPENAI_API_KEY: opt,
  OPENAI_BASE_URL: url,
  OPENAI_MODEL: z.preprocess(emptyToUndefined, z.string().default(DEFAULTS.openaiModel)),
  ANTHROPIC_API_KEY: opt,
  ANTHROPIC_BASE_URL: url,
  ANTHROPIC_MODEL: z.preprocess(emptyToUndefined, z.string().default(DEFAULTS.anthropicModel)),
  APIFY_TOKEN: opt,
  APIFY_BASE_URL: z.preprocess(emptyToUndefined, z.url().default(DEFAULTS.apifyBaseUrl)),
  APIFY_ACTOR: z.preprocess(emptyToUndefined, z.string().default(DEFAULTS.apifyActor)),
  IMAGE_HOSTS: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .transform((s) => s.split(',').map((h) => h.trim().toLowerCase()).filter(Boolean))
      .pipe(z.array(z.string().regex(/^[a-z0-9.-]+(:\d{1,5})?$|^\[[0-9a-f:]+\](:\d{1,5})?$/, 'entries are host or host:port')).min(1))
      .optional(),
  ),
  STRIPE_SECRET_KEY: opt,
  STRIPE_WEBHOOK_SECRET: opt,
  STRIPE_API_URL: z.preprocess(emptyToUndefined, z.url().default(DEFAULTS.stripeApiUrl)),
  ENCRYPTION_KEY: hexKey,
  /**
   * The key ENCRYPTION_KEY replaces, during a rotation only: tokens sealed with it still open, and
   * `listinglab keys rotate` re-seals them under ENCRYPTION_KEY. Unset once the rotation is done.
   */
  ENCRYPTION_KEY_PREVIOUS: hexKey,
  /** Signs report links (PUBLIC_URL/r/<token>); unset: derived from ENCRYPTION_KEY, or no report links. */
  /** Error reports to Sentry (service/logging/error-reports.ts); unset: none. */
  SENTRY_DSN: url,
  SENTRY_ENVIRONMENT: opt,
  LINK_SIGNING_KEY: z.preprocess(
    emptyToUndefined,
    // 32 characters are at least 32 bytes: the shortest key the signer takes.
    z.string().min(MIN_KEY_BYTES, `must be at least ${MIN_KEY_BYTES} characters (e.g. \`openssl rand -base64 32\`)`).optional(),
  ),
  /**
   * `listinglab worker` (a process without the HTTP app) serves /healthz, /readyz and, with
   * METRICS_TOKEN, /metrics on this port; unset: the worker listens on nothing.
   */
  METRICS_PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(65535).optional()),
  /** Bearer token for GET /metrics (Prometheus); unset: no metrics route (404). */
  METRICS_TOKEN: z.preprocess(
    emptyToUndefined,
    z.string().min(DEFAULTS.metrics.minTokenLength, `must be at least ${DEFAULTS.metrics.minTokenLength} characters (e.g. \`openssl rand -hex 24\`)`).optional(),
  ),
});

type Env = z.infer<typeof EnvSchema>;

/** An integration group: all of `required` set, or none of them. */
interface Group {
  readonly name: string;
  readonly required: readonly (keyof Env)[];
}

const GROUPS: readonly Group[] = [
  { name: 'Slack (single workspace)', required: ['SLACK_SIGNING_SECRET', 'SLACK_BOT_TOKEN'] },
  { name: 'Slack (OAuth install)', required: ['SLACK_SIGNING_SECRET', 'SLACK_CLIENT_ID', 'SLACK_CLIENT_SECRET', 'SLACK_STATE_SECRET', 'ENCRYPTION_KEY'] },
  { name: 'Discord', required: ['DISCORD_APPLICATION_ID', 'DISCORD_PUBLIC_KEY', 'DISCORD_BOT_TOKEN'] },
  { name: 'OpenAI', required: ['OPENAI_API_KEY'] },
  { name: 'Anthropic', required: ['ANTHROPIC_API_KEY'] },
  { name: 'Apify', required: ['APIFY_TOKEN'] },
  { name: 'Stripe', required: ['STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET'] },
];

/** Variables that, when set, declare the intent to use a group (so its other members must be set). */
const TRIGGERS: Record<string, readonly (keyof Env)[]> = {
  'Slack (single workspace)': ['SLACK_BOT_TOKEN'],
  'Slack (OAuth install)': ['SLACK_CLIENT_ID', 'SLACK_CLIENT_SECRET', 'SLACK_STATE_SECRET'],
  Discord: ['DISCORD_APPLICATION_ID', 'DISCORD_PUBLIC_KEY', 'DISCORD_BOT_TOKEN'],
  OpenAI: ['OPENAI_API_KEY', 'OPENAI_BASE_URL'],
  Anthropic: ['ANTHROPIC_API_KEY', 'ANTHROPIC_BASE_URL'],
  Apify: ['APIFY_TOKEN'],
  Stripe: ['STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET'],
};

export interface Config {
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly port: number;
  readonly publicUrl: string;
  readonly logLevel: Env['LOG_LEVEL'];
  readonly workerStaleMs: number;
  readonly workerConcurrency: number;
  readonly imageHosts: readonly string[];
  readonly encryptionKey: Buffer | undefined;
  /** ENCRYPTION_KEY_PREVIOUS: during a key rotation, the key tokens not yet re-sealed were sealed with. */
  readonly encryptionKeyPrevious: Buffer | undefined;
  /**
   * Report links (`PUBLIC_URL/r/<token>`): the key that signs them (LINK_SIGNING_KEY's UTF-8
   * bytes, or one derived from ENCRYPTION_KEY with HKDF) and the base URL they start with.
   * Undefined — no report page, no "Open full report" — without a key or without PUBLIC_URL.
   */
  readonly reportLinks: { readonly key: Buffer; readonly baseUrl: string } | undefined;
  /** The bearer token `GET /metrics` asks for; undefined: no metrics route. A secret. */
  readonly metricsToken: string | undefined;
  /** Where `listinglab worker` serves its health and metrics routes (METRICS_PORT); undefined: nowhere. */
  readonly metricsPort: number | undefined;
  readonly slack:
    | { mode: 'single'; signingSecret: string; botToken: string; apiUrl: string }
    | { mode: 'oauth'; signingSecret: string; clientId: string; clientSecret: string; stateSecret: string; apiUrl: string }
    | undefined;
  readonly discord: { applicationId: string; publicKey: string; botToken: string; apiUrl: string } | undefined;
  readonly openai: { apiKey: string; baseUrl: string | undefined; model: string } | undefined;
  readonly anthropic: { apiKey: string; baseUrl: string | undefined; model: string } | undefined;
  readonly apify: { token: string; baseUrl: string; actor: string } | undefined;
  readonly stripe: { secretKey: string; webhookSecret: string; apiUrl: string } | undefined;
  /** Error reports (SENTRY_DSN, SENTRY_ENVIRONMENT); undefined without a DSN: nothing is sent. */
  readonly sentry: { dsn: string; environment: string | undefined } | undefined;
  /** Packs, stage and draft costs, free credits, daily cap, per-run maximum, running slots (config/pricing.ts). */
  readonly pricing: PricingConfig;
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; errors: string[] };

/**
 * Parse an environment (normally `process.env`) into a Config, or the list of what is wrong.
 * `readFile` reads PRICING_FILE (default: the file system).
 */
export function parseConfig(env: Readonly<Record<string, string | undefined>>, readFile?: (path: string) => string): ConfigResult {
  const parsed = EnvSchema.safeParse(env);
  const pricing = parsePricing(env, readFile);
  if (!parsed.success) {
    const errors = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    return { ok: false, errors: pricing.ok ? errors : [...errors, ...pricing.errors] };
  }
  const e = parsed.data;
  const errors: string[] = pricing.ok ? [] : [...pricing.errors];
  const present = (k: keyof Env) => e[k] !== undefined && env[k] !== undefined && String(env[k]).trim() !== '';
  const active = new Set<string>();
  for (const group of GROUPS) {
    const triggered = (TRIGGERS[group.name] ?? []).some(present);
    if (!triggered) continue;
    const missing = group.required.filter((k) => !present(k));
    if (missing.length > 0) {
      errors.push(`${group.name} is half-configured: set ${missing.join(', ')} (or unset the ${group.name} variables)`);
    } else {
      active.add(group.name);
    }
  }
  if (active.has('Slack (single workspace)') && active.has('Slack (OAuth install)')) {
    errors.push('Slack: set either SLACK_BOT_TOKEN (single workspace) or SLACK_CLIENT_ID/SECRET (OAuth install), not both');
  }
  if (e.ENCRYPTION_KEY_PREVIOUS !== undefined) {
    // Only the key's role is named: an error never carries a key.
    if (e.ENCRYPTION_KEY === undefined) errors.push('ENCRYPTION_KEY_PREVIOUS is set without ENCRYPTION_KEY: set ENCRYPTION_KEY to the new key (the previous one is only read during a rotation)');
    else if (e.ENCRYPTION_KEY.toLowerCase() === e.ENCRYPTION_KEY_PREVIOUS.toLowerCase()) errors.push('ENCRYPTION_KEY_PREVIOUS is the same key as ENCRYPTION_KEY: set ENCRYPTION_KEY to the new key, or unset ENCRYPTION_KEY_PREVIOUS');
  }
  if (errors.length > 0 || !pricing.ok) return { ok: false, errors };

  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  const linkKey = e.LINK_SIGNING_KEY
    ? Buffer.from(e.LINK_SIGNING_KEY, 'utf8')
    : e.ENCRYPTION_KEY
      ? deriveKey(Buffer.from(e.ENCRYPTION_KEY, 'hex'), DEFAULTS.reportLinks.keyPurpose)
      : undefined;
  const slack: Config['slack'] = active.has('Slack (single workspace)')
    ? { mode: 'single', signingSecret: e.SLACK_SIGNING_SECRET!, botToken: e.SLACK_BOT_TOKEN!, apiUrl: e.SLACK_API_URL }
    : active.has('Slack (OAuth install)')
      ? {
          mode: 'oauth',
          signingSecret: e.SLACK_SIGNING_SECRET!,
          clientId: e.SLACK_CLIENT_ID!,
          clientSecret: e.SLACK_CLIENT_SECRET!,
          stateSecret: e.SLACK_STATE_SECRET!,
          apiUrl: e.SLACK_API_URL,
        }
      : undefined;

  return {
    ok: true,
    config: {
      databaseUrl: e.DATABASE_URL,
      dataDir: e.DATA_DIR,
      port: e.PORT,
      publicUrl,
      logLevel: e.LOG_LEVEL,
      workerStaleMs: e.WORKER_STALE_SECONDS * 1000,
      workerConcurrency: e.WORKER_CONCURRENCY,
      imageHosts: e.IMAGE_HOSTS ?? DEFAULTS.imageHosts,
      encryptionKey: e.ENCRYPTION_KEY ? Buffer.from(e.ENCRYPTION_KEY, 'hex') : undefined,
      encryptionKeyPrevious: e.ENCRYPTION_KEY_PREVIOUS ? Buffer.from(e.ENCRYPTION_KEY_PREVIOUS, 'hex') : undefined,
      reportLinks: linkKey && e.PUBLIC_URL ? { key: linkKey, baseUrl: publicUrl } : undefined,
      metricsToken: e.METRICS_TOKEN,
      metricsPort: e.METRICS_PORT,
      slack,
      discord: active.has('Discord')
        ? { applicationId: e.DISCORD_APPLICATION_ID!, publicKey: e.DISCORD_PUBLIC_KEY!, botToken: e.DISCORD_BOT_TOKEN!, apiUrl: e.DISCORD_API_URL }
        : undefined,
      openai: active.has('OpenAI') ? { apiKey: e.OPENAI_API_KEY!, baseUrl: e.OPENAI_BASE_URL, model: e.OPENAI_MODEL } : undefined,
      anthropic: active.has('Anthropic')
        ? { apiKey: e.ANTHROPIC_API_KEY!, baseUrl: e.ANTHROPIC_BASE_URL, model: e.ANTHROPIC_MODEL }
        : undefined,
      apify: active.has('Apify') ? { token: e.APIFY_TOKEN!, baseUrl: e.APIFY_BASE_URL, actor: e.APIFY_ACTOR } : undefined,
      stripe: active.has('Stripe')
        ? { secretKey: e.STRIPE_SECRET_KEY!, webhookSecret: e.STRIPE_WEBHOOK_SECRET!, apiUrl: e.STRIPE_API_URL }
        : undefined,
      sentry: e.SENTRY_DSN ? { dsn: e.SENTRY_DSN, environment: e.SENTRY_ENVIRONMENT } : undefined,
      pricing: pricing.pricing,
    },
  };
}
