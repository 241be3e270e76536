import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { Exports } from '../../app/data/index.ts';

/**
 * `GET /exports/:token`: a workspace's data archive (docs/export-format.md) for whoever holds the
 * export link an admin asked for (`/listing data export`), streamed as it is read from the
 * database — never built whole in memory.
 *
 * Anything the token does not open — unknown, altered, cut short, expired, minted for another
 * kind (a report link), its link removed, its workspace deleted — is the service's ordinary 404
 * (`callNotFound`), after the same one query (app/data export-link.ts), so the answer tells
 * nothing about why.
 *
 * Logged at `warn` and above only: a request line would write the token (a credential) to the log.
 */

const HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'application/gzip',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
};

export function exportRoutes(exports: Exports) {
  return async function routes(app: FastifyInstance): Promise<void> {
    // No HEAD route: it would build the whole archive only to throw it away.
    app.get<{ Params: { token: string } }>('/exports/:token', { logLevel: 'warn', exposeHeadRoute: false }, async (req, reply) => {
      const download = await exports.open(req.params.token);
      if (!download) return reply.callNotFound();
      const body = new PassThrough();
      let clientGone = false;
      reply.raw.once('close', () => (clientGone = !reply.raw.writableFinished));
      // The archive is written while it is sent. Once the headers are out a failure can only cut
      // the download short (the client sees a truncated gzip, never a whole-looking archive);
      // a client that goes away stops the reading at its next file.
      download.write(body).catch((e: unknown) => {
        if (clientGone) req.log.warn({ err: e }, 'export download ended early: the client went away');
        else req.log.error({ err: e }, 'export archive failed');
        body.destroy(e instanceof Error ? e : new Error(String(e)));
      });
      return reply.headers({ ...HEADERS, 'content-disposition': `attachment; filename="${download.fileName}"` }).send(body);
    });
  };
}
