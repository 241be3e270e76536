import { afterAll } from 'vitest';
import type { MessageSink, RunOrigin } from '../../service/app/delivery/index.ts';
import { parseConfig } from '../../service/config/schema.ts';
import { databaseReadiness } from '../../service/db/readiness.ts';
import { buildApp } from '../../service/http/app.ts';
import { stripeFrontEnd } from '../../service/main/stripe.ts';
import { appServices } from '../../service/main/wiring.ts';
import { useTestDatabase } from '../db.ts';
import { startStripeEmulator } from '../emulators/stripe.ts';
import { memoryLogger } from './logger.ts';

/**
 * A database of the test file's own, the Stripe emulator, the app services with billing
 * configured against it, and the HTTP app with the Stripe webhook route (closed after the file).
 * `env`: more variables for the configuration (prices: CREDIT_PACKS, STAGE_CREDITS, …).
 */
export async function startStripeHarness(secrets: { secretKey: string; webhookSecret: string }, env: Readonly<Record<string, string>> = {}) {
  const tdb = await useTestDatabase();
  const emulator = await startStripeEmulator();
  afterAll(() => emulator.close());
  const parsed = parseConfig({ STRIPE_SECRET_KEY: secrets.secretKey, STRIPE_WEBHOOK_SECRET: secrets.webhookSecret, STRIPE_API_URL: emulator.url, PUBLIC_URL: 'https://listinglab.example.test/', ...env });
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  const config = parsed.config;
  const database = { ...tdb, embedded: false };
  const { logger, lines } = memoryLogger([secrets.secretKey, secrets.webhookSecret]);
  const app = await appServices(config, database);
  const http = await buildApp({ logger, readiness: () => databaseReadiness(tdb.sql), plugins: [stripeFrontEnd(config, { db: database, logger })!] });
  afterAll(() => http.close());
  return { tdb, db: tdb.db, emulator, config, database, logger, lines, app, http };
}

/** A Slack sink that records the workspace notices posted through it (all notify_workspace uses). */
export function recordingNoticeSink(out: string[][]): MessageSink<Extract<RunOrigin, { platform: 'slack' }>> {
  return {
    platform: 'slack',
    upsertRoot: () => Promise.reject(new Error('unused')),
    postStageDetails: () => Promise.reject(new Error('unused')),
    notifyPrivately: () => Promise.resolve(),
    postNotice: async (team, channel, text) => {
      out.push([team, channel, text]);
    },
  };
}
