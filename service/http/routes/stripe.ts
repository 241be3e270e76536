import type { FastifyInstance } from 'fastify';

export interface StripeWebhookDeps<E> {
  /**
   * Verifies the `Stripe-Signature` header over the raw body and parses the event (the SDK's
   * `webhooks.constructEvent`, 300 s tolerance); throws on a bad or stale signature.
   */
  readonly verify: (rawBody: Buffer, signature: string) => E;
  /** Applies the event; resolves to what was done (for the response and the log). */
  readonly handle: (event: E) => Promise<string>;
}

/**
 * `POST /stripe/webhook` (PRODUCT.md "Webhooks"). Transport only: verify, hand over, answer.
 * - a missing, bad or stale signature → 400 and nothing happens;
 * - a verified event → 200, whatever the use-case made of it (credited, a redelivery, ignored),
 *   so Stripe stops redelivering; a failure inside → 500, and Stripe retries later.
 *
 * The body is kept as the exact bytes received: this plugin's own content-type parsers (Fastify
 * encapsulation) hand every body over as a Buffer, never re-serialised JSON.
 *
 * @see https://docs.stripe.com/webhooks#verify-events
 */
export function stripeWebhookRoutes<E>(deps: StripeWebhookDeps<E>) {
  return async function routes(app: FastifyInstance): Promise<void> {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

    app.post('/stripe/webhook', async (request, reply) => {
      const signature = request.headers['stripe-signature'];
      const body = request.body;
      if (typeof signature !== 'string' || !Buffer.isBuffer(body) || body.length === 0) {
        return reply.code(400).send({ error: 'signature_invalid', message: 'Missing Stripe signature or body.' });
      }
      let event: E;
      try {
        event = deps.verify(body, signature);
      } catch {
        return reply.code(400).send({ error: 'signature_invalid', message: 'The Stripe signature is invalid or too old.' });
      }
      const outcome = await deps.handle(event);
      return reply.code(200).send({ received: true, outcome });
    });
  };
}
