import Fastify, { errorCodes, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from '../logger.ts';
import { AppError, isUserError } from '../domain/errors.ts';
import { reportError } from '../logging/error-reports.ts';
import type { Reports } from '../app/reports/index.ts';
import type { Exports } from '../app/data/index.ts';
import { healthRoutes, type ReadinessCheck } from './routes/health.ts';
import { reportRoutes } from './routes/report.ts';
import { exportRoutes } from './routes/exports.ts';
import { metricsRoutes, instrumentRequests } from './routes/metrics.ts';

export interface AppDeps {
  readonly logger: Logger;
  readonly readiness: ReadinessCheck;
  /** Extra route plugins (Slack, Discord, Stripe) wired by main/. */
  readonly plugins?: readonly ((app: FastifyInstance) => Promise<void>)[];
  /** Report pages (`/r/<token>`); absent when report links are off (no key or no PUBLIC_URL). */
  readonly reports?: Reports;
  /** Workspace data archives (`/exports/<token>`); absent when links are off (no key or no PUBLIC_URL). */
  readonly exports?: Exports;
  /** The bearer token `GET /metrics` asks for (METRICS_TOKEN); absent: no metrics route (404). */
  readonly metricsToken?: string;
}

/** Bodies over this are refused (413): every payload we accept is a few kilobytes. */
const BODY_LIMIT = 1_048_576;
/**
 * A body over the limit but under this is read (and thrown away) before the 413 is sent: a client
 * still writing when the server closes the connection sees a reset instead of the answer. Larger
 * ones are refused at once — the client gets no answer worth reading.
 */
const DRAIN_LIMIT = 8 * BODY_LIMIT;

/**
 * Builds the HTTP app without listening (fastify demo's app.ts vs server.ts): tests call
 * `app.inject()`, main/ calls `listen()`.
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const loggerInstance: FastifyBaseLogger = deps.logger;
  const app = Fastify({
    loggerInstance,
    bodyLimit: BODY_LIMIT,
    // Behind Fly's proxy the client address is in X-Forwarded-For.
    trustProxy: true,
  });

  app.setErrorHandler((error: unknown, request, reply) => {
    const status = statusOf(error);
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed');
      // The route, never the body or headers: to Sentry, when SENTRY_DSN is set.
      reportError(error, { method: request.method, route: request.routeOptions.url, status });
      // Never leak internals on a 5xx.
      return reply.code(status).send({ error: 'internal_error', message: 'Something went wrong on our side.' });
    }
    const message = error instanceof Error ? error.message : 'Bad request';
    const code = error instanceof AppError ? error.code : 'bad_request';
    return reply.code(status).send({ error: code, message });
  });

  app.addHook('onRequest', async (request) => {
    const length = Number(request.headers['content-length']);
    if (length > BODY_LIMIT && length <= DRAIN_LIMIT) {
      for await (const _chunk of request.raw) {
        // Discarded: only the refusal matters.
      }
      throw new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE();
    }
  });

  instrumentRequests(app);

  app.setNotFoundHandler((_req, reply) => reply.code(404).send({ error: 'not_found', message: 'Not found' }));

  await app.register(healthRoutes(deps.readiness));
  if (deps.reports) await app.register(reportRoutes(deps.reports));
  if (deps.exports) await app.register(exportRoutes(deps.exports));
  if (deps.metricsToken) await app.register(metricsRoutes(deps.metricsToken));
  for (const plugin of deps.plugins ?? []) await app.register(plugin);
  return app;
}

function statusOf(error: unknown): number {
  if (isUserError(error)) return 400;
  if (typeof error === 'object' && error !== null && 'statusCode' in error) {
    const s = error.statusCode;
    if (typeof s === 'number' && s >= 400 && s < 600) return s;
  }
  return 500;
}
