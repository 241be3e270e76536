import { timingSafeEqual, createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { metrics, registry } from '../../support/metrics.ts';

/**
 * `GET /metrics`: the process's metrics in the Prometheus text format, for a scraper holding
 * `METRICS_TOKEN` as a bearer token. Without a token configured the route does not exist (404).
 * @see https://prometheus.io/docs/instrumenting/exposition_formats/
 */
export function metricsRoutes(token: string) {
  const expected = digest(token);
  return async function routes(app: FastifyInstance): Promise<void> {
    app.get('/metrics', { logLevel: 'warn' }, async (request, reply) => {
      const given = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1]?.trim();
      // Compared as fixed-length digests, in constant time: neither the token nor its length leaks.
      if (given === undefined || !timingSafeEqual(digest(given), expected)) {
        return reply.code(401).header('www-authenticate', 'Bearer realm="metrics"').send({ error: 'unauthorized', message: 'A valid bearer token is required.' });
      }
      return reply.header('content-type', registry.contentType).send(await registry.metrics());
    });
  };
}

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/**
 * Counts every answered request by its route *template* (`/r/:token`, never the URL asked for, so
 * report tokens stay out of the labels); a request no route matched counts as `unmatched`. The
 * template is taken when the request is routed: a handler's `callNotFound()` (a report link that
 * does not open) moves the request to the not-found context, which has no template.
 */
export function instrumentRequests(app: FastifyInstance): void {
  const routes = new WeakMap<FastifyRequest, string>();
  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.url !== undefined) routes.set(request, request.routeOptions.url);
  });
  app.addHook('onResponse', async (request, reply) => {
    metrics.httpRequest(routes.get(request) ?? 'unmatched', request.method, reply.statusCode, reply.elapsedTime / 1000);
  });
}
