import { createApifySource } from '../acquire/apify-source.ts';
import { acquireListings, dbMeasurementCache, reclaimStaleRuns, runStage, type StageModel, type ComparisonDeps } from '../app/comparisons/index.ts';
import { deliverRun, type Sinks, notifyWorkspace } from '../app/delivery/index.ts';
import { createReports, type ReportLinks } from '../app/reports/index.ts';
import { createExports } from '../app/data/index.ts';
import { runDraftStage } from '../app/drafts/index.ts';
import { createAppServices, type AppServices } from '../app/services.ts';
import type { Config } from '../config/schema.ts';
import { DEFAULTS } from '../config/defaults.ts';
import { modelPrice } from '../config/pricing.ts';
import { databaseReadiness } from '../db/readiness.ts';
import { queueStats } from '../db/repos/queue-stats.ts';
import { buildApp } from '../http/app.ts';
import { makeSweepExpired } from '../jobs/tasks/sweep-expired.ts';
import { startWorker, type TaskHandlers, type Worker } from '../jobs/worker.ts';
import type { Logger } from '../logger.ts';
import { createAnthropicProvider } from '../providers/anthropic.ts';
import { createOpenAiProvider } from '../providers/openai.ts';
import { systemClock } from '../providers/provider.ts';
import { createRouter } from '../providers/router.ts';
import { createRulesAnalyzer, RULES_ENGINE_MODEL, type RulesAnalyzer } from '../stages/analyze.ts';
import { loadPrompts, type PromptRegistry } from '../stages/prompts.ts';
import { enableDefaultMetrics, setQueueSource } from '../support/metrics.ts';
import type { Database } from './database.ts';
import type { Lifecycle } from './lifecycle.ts';
import type { FastifyInstance } from 'fastify';
import { discordFrontEnd } from './discord.ts';
import { draftStageDeps } from './draft-wiring.ts';
import { slackFrontEnd } from './slack.ts';
import { stripeClient, stripeFrontEnd } from './stripe.ts';

/**
 * Wiring: the one place that turns configuration into concrete adapters and hands them to the
 * builders. Nothing below service/main knows about the environment.
 */

const HOUR = 3_600_000;
/** Explicit model-call timeout: a call over 60 s is the router's "slow" signal (PRODUCT.md). */
const MODEL_TIMEOUT_MS = 60_000;

let prompts: Promise<PromptRegistry> | undefined;
const promptRegistry = () => (prompts ??= loadPrompts());

export async function comparisonDeps(config: Config, db: Database): Promise<ComparisonDeps> {
  return {
    db: db.db,
    prompts: await promptRegistry(),
    pricing: { compare: config.pricing.compare, draft: config.pricing.draft, perRunMax: config.pricing.perRunMax },
    clock: systemClock,
    freeCredits: config.pricing.freeOnSignup,
    metered: (platform) => platform !== 'cli',
    dailyCap: config.pricing.dailyCap,
    maxRunning: config.pricing.maxRunningPerWorkspace,
  };
}

export async function appServices(config: Config, db: Database): Promise<AppServices> {
  const deps = await comparisonDeps(config, db);
  const checkout = config.stripe ? { stripe: await stripeClient(config.stripe), packs: config.pricing.packs, publicUrl: config.publicUrl } : undefined;
  return createAppServices({ ...deps, checkout, reportLinks: reportLinks(config) });
}

/** The router over the configured providers, or undefined: the offline rules engine. */
export function modelRouter(config: Config, logger: Logger): StageModel | undefined {
  const priceOf = (model: string, providerDefault: string) => {
    const { price, priced } = modelPrice(config.pricing, model, providerDefault);
    // A model without a price of its own (a compatible server's, a test model) is estimated at
    // its provider's default model's price; saying so once keeps the estimate honest.
    if (!priced) logger.info({ model, estimatedAs: providerDefault }, 'no price configured for this model (MODEL_PRICES); its cost is estimated at the default model\'s price');
    return price;
  };
  const primary = config.openai
    ? createOpenAiProvider({
        apiKey: config.openai.apiKey,
        ...(config.openai.baseUrl ? { baseURL: config.openai.baseUrl } : {}),
        model: config.openai.model,
        price: priceOf(config.openai.model, DEFAULTS.openaiModel),
        timeoutMs: MODEL_TIMEOUT_MS,
        maxRetries: 0,
        logger: logger.child({ component: 'openai' }),
      })
    : undefined;
  const secondary = config.anthropic
    ? createAnthropicProvider({
        apiKey: config.anthropic.apiKey,
        ...(config.anthropic.baseUrl ? { baseURL: config.anthropic.baseUrl } : {}),
        model: config.anthropic.model,
        price: priceOf(config.anthropic.model, DEFAULTS.anthropicModel),
        timeoutMs: MODEL_TIMEOUT_MS,
        maxRetries: 0,
      })
    : undefined;
  const first = primary ?? secondary;
  if (!first) return undefined;
  const router = createRouter({
    primary: first,
    ...(primary && secondary ? { fallback: secondary } : {}),
    clock: systemClock,
    slowCallMs: MODEL_TIMEOUT_MS,
    logger: logger.child({ component: 'router' }),
  });
  return { model: first.model, generate: (req) => router.generate(req) };
}

export async function taskHandlers(config: Config, deps: { db: Database; logger: Logger; analyzer: RulesAnalyzer; sinks?: Sinks }): Promise<TaskHandlers> {
  const db = deps.db.db;
  const source = config.apify
    ? createApifySource({ token: config.apify.token, baseUrl: config.apify.baseUrl, actorId: config.apify.actor })
    : undefined;
  const stageDeps = {
    db,
    prompts: await promptRegistry(),
    provider: modelRouter(config, deps.logger),
    clock: systemClock,
    evaluationCacheTtlMs: DEFAULTS.retention.visionCacheDays * 24 * HOUR,
    rulesModel: RULES_ENGINE_MODEL,
  };
  const draftDeps = draftStageDeps(config, { db: deps.db, analyzer: deps.analyzer, model: stageDeps });
  const last = (ctx: { attempts: number; maxAttempts: number }) => ctx.attempts >= ctx.maxAttempts;
  return {
    sweep_expired: makeSweepExpired({ db, clock: systemClock, policy: DEFAULTS.retention, logger: deps.logger }),
    acquire_listings: (p, ctx) =>
      acquireListings(
        {
          db,
          source,
          allowedHosts: config.imageHosts,
          clock: systemClock,
          analyze: (...args) => deps.analyzer.analyze(...args),
          listingTtlMs: DEFAULTS.retention.listingCacheHours * HOUR,
          stages: stageDeps,
        },
        p.runId,
        { signal: ctx.signal, lastAttempt: last(ctx) },
      ),
    run_stage: (p, ctx) => runStage(stageDeps, p.runId, p.stage, { signal: ctx.signal, lastAttempt: last(ctx) }),
    draft_stage: (p, ctx) => runDraftStage(draftDeps, p.runId, p.stage, { signal: ctx.signal, lastAttempt: last(ctx) }),
    deliver_run: (p) => deliverRun({ db, sinks: deps.sinks ?? {}, logger: deps.logger, reportLinks: reportLinks(config) }, p.runId),
    reclaim_stale_runs: async () => {
      const reclaimed = await reclaimStaleRuns({ db, clock: systemClock, staleAfterMs: DEFAULTS.credits.staleRunMinutes * 60_000 });
      if (reclaimed.length) deps.logger.warn({ task: 'reclaim_stale_runs', runs: reclaimed }, 'dead runs given up and refunded');
    },
    notify_workspace: (p) => notifyWorkspace({ db, sinks: deps.sinks ?? {}, logger: deps.logger }, p),
  };
}

export async function startWorkerProcess(
  config: Config,
  db: Database,
  logger: Logger,
  lifecycle: Lifecycle,
  opts: { schedule?: boolean; sinks?: Sinks } = {},
): Promise<Worker> {
  const analyzer = createRulesAnalyzer({ cache: dbMeasurementCache(db.db, DEFAULTS.retention.visionCacheDays * 24 * HOUR) });
  lifecycle.onShutdown('rules engine', () => analyzer.close());
  const worker = await startWorker({
    connectionString: db.url,
    db: db.db,
    heartbeat: { staleMs: config.workerStaleMs, intervalMs: Math.max(1_000, Math.floor(config.workerStaleMs / 4)) },
    handlers: await taskHandlers(config, { db, logger, analyzer, ...(opts.sinks ? { sinks: opts.sinks } : {}) }),
    logger,
    concurrency: config.workerConcurrency,
    schedule: opts.schedule ?? true,
  });
  lifecycle.onShutdown('worker', () => worker.stop());
  return worker;
}

/**
 * The chat front ends and billing configured in `config`: HTTP plugins for the web process and
 * message sinks for the worker (both halves can live in different processes; each builds its own).
 */
export interface FrontEnds {
  readonly plugins: ((app: FastifyInstance) => Promise<void>)[];
  readonly sinks: Sinks;
}

export async function frontEnds(config: Config, db: Database, logger: Logger): Promise<FrontEnds> {
  const services = await appServices(config, db);
  const slack = slackFrontEnd(config, { services, db, logger: logger.child({ component: 'slack' }) });
  const discord = discordFrontEnd(config, { services, db, logger });
  const stripe = stripeFrontEnd(config, { db, logger });
  return {
    plugins: [slack?.plugin, discord?.plugin, stripe].filter((p): p is (app: FastifyInstance) => Promise<void> => p !== undefined),
    sinks: { ...(slack ? { slack: slack.sink } : {}), ...(discord ? { discord: discord.sink } : {}) },
  };
}

/** Report links (app/reports) from the config; undefined when they are off. */
export function reportLinks(config: Config): ReportLinks | undefined {
  return config.reportLinks ? { ...config.reportLinks, lifetimeDays: DEFAULTS.reportLinks.lifetimeDays } : undefined;
}

/**
 * `listinglab worker` with METRICS_PORT: the worker's own health routes and, with METRICS_TOKEN,
 * its `/metrics` — the job, model-call, chat and credit counters are recorded where the jobs run,
 * so in the two-group deployment only the workers can answer them. Nothing else is served.
 */
export async function startWorkerHttp(config: Config, db: Database, logger: Logger, lifecycle: Lifecycle): Promise<string | undefined> {
  if (config.metricsPort === undefined) return undefined;
  if (config.metricsToken) {
    enableDefaultMetrics();
    setQueueSource(() => queueStats(db.sql));
  }
  const app = await buildApp({ logger, readiness: () => databaseReadiness(db.sql), ...(config.metricsToken ? { metricsToken: config.metricsToken } : {}) });
  const address = await app.listen({ port: config.metricsPort, host: '0.0.0.0' });
  lifecycle.onShutdown('worker http', () => app.close(), { timeoutMs: 4_000 });
  return address;
}

export async function startHttp(config: Config, db: Database, logger: Logger, lifecycle: Lifecycle, plugins: FrontEnds['plugins'] = []): Promise<string> {
  const reports = config.reportLinks ? createReports({ db: db.db, key: config.reportLinks.key }) : undefined;
  // Export links share the report links' key and PUBLIC_URL; their token kind differs.
  const exports = config.reportLinks ? createExports({ db: db.db, key: config.reportLinks.key, clock: systemClock }) : undefined;
  if (config.metricsToken) {
    // GET /metrics (issue 21): process metrics and the queue gauges, read from this database on scrape.
    enableDefaultMetrics();
    setQueueSource(() => queueStats(db.sql));
  }
  const app = await buildApp({
    logger,
    readiness: () => databaseReadiness(db.sql),
    plugins,
    ...(reports ? { reports } : {}),
    ...(exports ? { exports } : {}),
    ...(config.metricsToken ? { metricsToken: config.metricsToken } : {}),
  });
  const address = await app.listen({ port: config.port, host: '0.0.0.0' });
  lifecycle.onShutdown('http', () => app.close(), { timeoutMs: 4_000 });
  return address;
}
