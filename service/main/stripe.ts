import type { FastifyInstance } from 'fastify';
import type Stripe from 'stripe';
import { handleStripeEvent } from '../app/credits/index.ts';
import type { Config } from '../config/schema.ts';
import { billingPages } from '../http/routes/billing.ts';
import { stripeWebhookRoutes } from '../http/routes/stripe.ts';
import type { Logger } from '../logger.ts';
import type { Database } from './database.ts';

/**
 * Stripe wiring: the SDK client (STRIPE_API_URL mapped onto its host, port and protocol) and the
 * HTTP front end (the webhook and the Checkout return pages). The SDK (~3 MB of heap once loaded)
 * is imported only by `stripeClient`, i.e. only when STRIPE_* is configured.
 */

/** Stripe's default signature tolerance, stated: a delivery signed more than 5 minutes ago is refused. */
export const WEBHOOK_TOLERANCE_S = 300;

export type StripeSettings = NonNullable<Config['stripe']>;

/**
 * STRIPE_API_URL is an origin without `/v1` (the SDK adds it): `https://api.stripe.com`, or a
 * local emulator such as `http://127.0.0.1:12111`.
 */
export function stripeHostOptions(apiUrl: string): { host: string; port: number; protocol: 'http' | 'https' } {
  const u = new URL(apiUrl);
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`STRIPE_API_URL must be http(s): ${u.protocol}`);
  if (u.pathname !== '/' || u.search || u.hash) throw new Error('STRIPE_API_URL must be an origin without a path (the SDK adds /v1)');
  const protocol = u.protocol === 'http:' ? 'http' : 'https';
  return {
    host: u.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: u.port ? Number(u.port) : protocol === 'https' ? 443 : 80,
    protocol,
  };
}

export async function stripeClient(settings: StripeSettings): Promise<Stripe> {
  const { default: StripeSdk } = await import('stripe');
  return new StripeSdk(settings.secretKey, {
    ...stripeHostOptions(settings.apiUrl),
    maxNetworkRetries: 2,
    timeout: 20_000,
    telemetry: false,
  });
}

/**
 * `POST /stripe/webhook` and `GET /billing/success|cancel` as one Fastify plugin, or undefined
 * when Stripe is not configured. main/ passes it to buildApp's `plugins`; the client is made (and
 * the SDK loaded) when the plugin is registered.
 */
export function stripeFrontEnd(config: Config, deps: { db: Database; logger: Logger }): ((app: FastifyInstance) => Promise<void>) | undefined {
  const settings = config.stripe;
  if (!settings) return undefined;
  const pages = billingPages();
  return async function stripePlugin(app: FastifyInstance): Promise<void> {
    const stripe = await stripeClient(settings);
    const webhook = stripeWebhookRoutes<Stripe.Event>({
      verify: (raw, signature) => stripe.webhooks.constructEvent(raw, signature, settings.webhookSecret, WEBHOOK_TOLERANCE_S),
      handle: (event) => handleStripeEvent({ db: deps.db.db, logger: deps.logger.child({ component: 'stripe' }) }, event),
    });
    await app.register(webhook);
    await app.register(pages);
  };
}
