import type { FastifyInstance } from 'fastify';
import { InteractionSchema } from './interaction.ts';
import { handleInteraction, type InteractionDeps } from './interactions.ts';
import { publicKeyFromHex, verifyInteraction } from './verify.ts';

/**
 * `POST /discord/interactions`: Discord's interactions endpoint (no gateway connection needed).
 * The body is kept raw, because the signature covers its exact bytes; nothing is parsed, stored
 * or logged before it verifies. Anything unsigned, mis-signed or older than 5 minutes gets 401.
 *
 * @see https://discord.com/developers/docs/interactions/overview#configuring-an-interactions-endpoint-url
 */

export interface InteractionsRouteOptions extends InteractionDeps {
  /** `DISCORD_PUBLIC_KEY`: 64 hex characters. */
  readonly publicKey: string;
  /** Called when Fastify closes (after deferred answers in flight have settled). */
  readonly onClose?: () => void;
}

const DRAIN_MS = 3_000;

export function discordInteractionsRoute(opts: InteractionsRouteOptions): (app: FastifyInstance) => Promise<void> {
  const key = publicKeyFromHex(opts.publicKey);
  const inFlight = new Set<Promise<void>>();
  return async (app) => {
    // Encapsulated in this plugin: other routes keep Fastify's JSON parser.
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    app.addHook('onClose', async () => {
      // Deferred answers in flight get a bounded drain, inside the process's shutdown deadline.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.allSettled(inFlight), new Promise<void>((r) => (timer = setTimeout(r, DRAIN_MS)))]);
      clearTimeout(timer);
      opts.onClose?.();
    });

    app.post('/discord/interactions', async (req, reply) => {
      const receivedAt = opts.clock.now();
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const header = (name: string) => {
        const v = req.headers[name];
        return Array.isArray(v) ? v[0] : v;
      };
      const verified = verifyInteraction(key, { signature: header('x-signature-ed25519'), timestamp: header('x-signature-timestamp'), body }, receivedAt);
      if (!verified.ok) {
        req.log.warn({ reason: verified.reason }, 'discord interaction refused');
        return reply.code(401).send({ error: 'signature_invalid', message: 'invalid request signature' });
      }
      let json: unknown;
      try {
        json = JSON.parse(body.toString('utf8'));
      } catch {
        return reply.code(400).send({ error: 'bad_request', message: 'body is not JSON' });
      }
      const interaction = InteractionSchema.safeParse(json);
      if (!interaction.success) return reply.code(400).send({ error: 'bad_request', message: 'not an interaction' });
      const handled = await handleInteraction(opts, interaction.data, receivedAt);
      if (handled.late) {
        const late = handled.late.finally(() => inFlight.delete(late));
        inFlight.add(late);
      }
      return reply.code(200).send(handled.response);
    });
  };
}
