import type { FastifyInstance } from 'fastify';
import { REPORT_HEADERS, renderReport } from '../../../bots/web/report.ts';
import type { Reports } from '../../app/reports/index.ts';

/**
 * `GET /r/:token`: a finished comparison's report page (bots/web/report.ts), for whoever holds the
 * link. `GET /r/:token/img/:sha256`: one of that run's stored images, with its stored media type.
 *
 * Anything a token does not open — unknown, altered, cut short, expired, minted for another kind,
 * for a deleted run, an image of another run — is the service's ordinary 404 (`callNotFound`: the
 * same body and headers as a page that does not exist), after the same database reads
 * (app/reports report-data.ts), so the answer tells nothing about why.
 *
 * Logged at `warn` and above only: a request line would write the token (a credential) to the log.
 */

/** Images: the page's own, never framed or run as a document (an image type is all they may be). */
const IMAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': "default-src 'none'; sandbox",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'cache-control': 'private, no-store',
  'content-disposition': 'inline',
};

const SHA256 = /^[0-9a-f]{64}$/;

export function reportRoutes(reports: Reports) {
  return async function routes(app: FastifyInstance): Promise<void> {
    app.get<{ Params: { token: string } }>('/r/:token', { logLevel: 'warn' }, async (req, reply) => {
      const data = await reports.load(req.params.token);
      if (!data) return reply.callNotFound();
      return reply.headers(REPORT_HEADERS).send(renderReport(data));
    });

    app.get<{ Params: { token: string; sha256: string } }>('/r/:token/img/:sha256', { logLevel: 'warn' }, async (req, reply) => {
      const { token, sha256 } = req.params;
      // A malformed hash is still looked up (as one no run holds): the same reads as any refusal.
      const image = await reports.image(token, SHA256.test(sha256) ? sha256 : '0'.repeat(64));
      if (!image || !image.mediaType.startsWith('image/')) return reply.callNotFound();
      return reply.headers({ ...IMAGE_HEADERS, 'content-type': image.mediaType }).send(image.bytes);
    });
  };
}
