import type { FastifyInstance } from 'fastify';

export interface Readiness {
  readonly ready: boolean;
  readonly checks: Record<string, string>;
}
export type ReadinessCheck = () => Promise<Readiness>;

/**
 * `GET /healthz`: the process is alive (no dependencies checked, so a slow database never gets
 * the machine restarted). `GET /readyz`: the database answers and every migration is applied.
 */
export function healthRoutes(readiness: ReadinessCheck) {
  return async function routes(app: FastifyInstance): Promise<void> {
    app.get('/healthz', { logLevel: 'warn' }, () => ({ status: 'ok' }));
    app.get('/readyz', { logLevel: 'warn' }, async (_req, reply) => {
      const r = await readiness().catch((e: unknown) => ({
        ready: false,
        checks: { database: e instanceof Error ? 'unreachable' : 'error' },
      }));
      return reply.code(r.ready ? 200 : 503).send({ status: r.ready ? 'ready' : 'not_ready', checks: r.checks });
    });
  };
}
