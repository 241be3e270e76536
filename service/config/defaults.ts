/**
 * Every default in one object. Prices and packs are product configuration (PRODUCT.md "Credits");
 * an operator overrides them through the environment where a variable exists (`credits`: see
 * config/pricing.ts — CREDIT_PACKS, STAGE_CREDITS, … or PRICING_FILE).
 */
export const DEFAULTS = {
  dataDir: './.data',
  port: 3000,
  slackApiUrl: 'https://slack.com/api/',
  discordApiUrl: 'https://discord.com/api',
  apifyBaseUrl: 'https://api.apify.com',
  apifyActor: 'axesso_data/amazon-product-details-scraper',
  stripeApiUrl: 'https://api.stripe.com',
  openaiModel: 'gpt-4.1-mini',
  anthropicModel: 'claude-sonnet-5-5',
  imageHosts: [
    'm.media-amazon.com',
    'images-na.ssl-images-amazon.com',
    'images-eu.ssl-images-amazon.com',
    'images-fe.ssl-images-amazon.com',
    'ecx.images-amazon.com',
  ],
  /** Worker concurrency: jobs in flight per worker process (stages are I/O-bound model calls). */
  workerConcurrency: 16,
  credits: {
    freeOnSignup: 30,
    /** Per-stage prices of a comparison: ctr 3, pdp 3, text 2, avatars 2 → 10. */
    compare: { ctr: 3, pdp: 3, text: 2, avatars: 2 },
    draft: 4,
    dailyCap: 200,
    perRunMax: 20,
    maxRunningPerWorkspace: 3,
    /** A run with no progress and no live job for this long is given up and refunded (the sweep). */
    staleRunMinutes: 15,
    packs: [
      { id: 'starter', credits: 100, priceCents: 900, currency: 'usd' },
      { id: 'team', credits: 500, priceCents: 3900, currency: 'usd' },
      { id: 'agency', credits: 2000, priceCents: 12900, currency: 'usd' },
    ],
  },
  billing: {
    /**
     * `buy` costs nothing but may create a Stripe Checkout session: at most this many per user and
     * per workspace in each window. Counted in Postgres (rate_limits), so every web process of a
     * scaled deployment shares the count.
     */
    buyLimit: { perUser: 3, perWorkspace: 10, windowSeconds: 60 },
    /** `credits`, `history`, `status`, `experiment list|show`: free, but each reads the database. */
    freeCommandLimit: { perUser: 30, perWorkspace: 120, windowSeconds: 60 },
    /** An open Checkout session is handed out again (same workspace + pack) while it has at least this long to live. */
    reuseCheckoutMinutesLeft: 60,
    /** How long Stripe keeps a Checkout session open by default (its `expires_at`, 24 h after creation). */
    checkoutLifetimeHours: 24,
  },
  /**
   * USD per million tokens by model name, for the estimated cost recorded on each stage
   * (MODEL_PRICES or PRICING_FILE's `models` add or replace entries; config/pricing.ts). Input
   * tokens include the images. The figures are the providers' public list prices (standard tier,
   * no batch or cached-input discount) as published on https://openai.com/api/pricing
   * (gpt-4.1-mini: $0.40 in, $1.60 out, since its release on 2025-04-14) and
   * https://www.anthropic.com/pricing (Claude Sonnet: $3 in, $15 out, unchanged from Sonnet 3.5
   * through 4.5); written down on 2026-12-05 from those published figures, not re-read from the
   * pages that day — an operator should check them against the current pages.
   */
  modelPrices: {
    'gpt-4.1-mini': { inputPerMillion: 0.4, outputPerMillion: 1.6 },
    'claude-sonnet-5-5': { inputPerMillion: 3, outputPerMillion: 15 },
  },
  /** Report pages (`PUBLIC_URL/r/<token>`): how long a link opens, and the HKDF purpose of a key derived from ENCRYPTION_KEY. */
  reportLinks: { lifetimeDays: 30, keyPurpose: 'report links' },
  /**
   * A workspace's data (app/data): an export link (`PUBLIC_URL/exports/<token>`) opens for this
   * many hours; a delete confirmation must come back within this many minutes.
   */
  data: { exportLinkHours: 24, deleteConfirmMinutes: 10 },
  /** `GET /metrics`: the shortest METRICS_TOKEN taken. */
  metrics: { minTokenLength: 16 },
  /** What the retention sweep removes and when (service/db/retention.ts; the `sweep_expired` task, every 15 minutes). */
  retention: {
    /** A fetched listing is served from the cache, then removed, after this long. */
    listingCacheHours: 24,
    /** A model's or the rules engine's evaluation of the same images is reused, then removed, after this long. */
    visionCacheDays: 7,
    /** An image unused this long goes, unless a run younger than this or a pinned experiment uses it. */
    blobDays: 30,
    /** The raw model answers kept beside a stage's combined output go when the run is this old, unless pinned. */
    rawPayloadDays: 30,
    /** Rows one statement of the sweep removes at most, each in its own short transaction. */
    batch: 500,
    /** Statements per category in one pass; a pass that leaves more schedules a follow-up. */
    maxBatches: 20,
    /** Seconds until that follow-up pass. */
    followUpSeconds: 60,
  },
} as const;
