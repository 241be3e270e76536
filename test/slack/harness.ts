import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll } from 'vitest';
import { loadRunView, type RunView } from '../../service/app/views/index.ts';
import { parseConfig, type Config } from '../../service/config/schema.ts';
import { databaseReadiness } from '../../service/db/readiness.ts';
import { runs, workspaces } from '../../service/db/schema.ts';
import { buildApp } from '../../service/http/app.ts';
import type { Database } from '../../service/main/database.ts';
import { createLifecycle } from '../../service/main/lifecycle.ts';
import { slackFrontEnd } from '../../service/main/slack.ts';
import { stripeFrontEnd } from '../../service/main/stripe.ts';
import { appServices, startWorkerProcess } from '../../service/main/wiring.ts';
import { useTestDatabase, type TestDatabase } from '../db.ts';
import { startSlackEmulator, type SlackEmulator } from '../emulators/slack.ts';
import { FORM, signed, slashCommandBody, type SignOptions, type SlashCommandFields } from '../emulators/slack-requests.ts';
import { memoryLogger } from '../support/logger.ts';

/**
 * The Slack front end as `listinglab serve` runs it, for one test file: its own database, the real
 * pipeline and worker with the Slack sink, the HTTP app with the Slack plugin (driven with
 * `app.inject()`), and a Slack Web API emulator every Slack call goes to. Wired through
 * service/main/slack.ts from a Config built from `env` (never process.env).
 */

export const SIGNING_SECRET = 'slack-signing-secret-for-tests';
export const BOT_TOKEN = 'xoxb-test-single-workspace-token';

type InjectResponse = Awaited<ReturnType<FastifyInstance['inject']>>;

export interface SlackHarness {
  readonly app: FastifyInstance;
  readonly slack: SlackEmulator;
  readonly tdb: TestDatabase;
  readonly config: Config;
  /** Sends a signed slash command (`/listing <text>`). */
  command(text: string, fields?: Omit<SlashCommandFields, 'text'>, sign?: SignOptions): Promise<InjectResponse>;
  /** Sends any body, signed. */
  send(body: string, contentType: string, sign?: SignOptions): Promise<InjectResponse>;
  waitForRun(runId: string, timeoutMs?: number): Promise<RunView>;
  runCount(): Promise<number>;
  balance(teamId: string): Promise<number | undefined>;
  logLines(): string[];
}

export async function startSlackHarness(
  env: Record<string, string>,
  opts: { mode?: 'single' | 'oauth'; withStripe?: boolean } = {},
): Promise<SlackHarness> {
  const slack = await startSlackEmulator();
  afterAll(() => slack.close());
  const tdb = await useTestDatabase();
  const slackEnv =
    opts.mode === 'oauth'
      ? { SLACK_CLIENT_ID: '1234.5678', SLACK_CLIENT_SECRET: 'client-secret-for-tests', SLACK_STATE_SECRET: 'state-secret-for-tests', ENCRYPTION_KEY: 'ab'.repeat(32) }
      : { SLACK_BOT_TOKEN: BOT_TOKEN };
  const fullEnv = { SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl, PUBLIC_URL: 'https://listinglab.test', ...slackEnv, ...env };
  const parsed = parseConfig(fullEnv);
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  const config = parsed.config;
  const { logger, lines } = memoryLogger(Object.values(fullEnv).filter((v) => v.length >= 8 && !v.startsWith('http')));
  const lifecycle = createLifecycle();
  afterAll(() => lifecycle.shutdown('test done'));
  const db: Database = { ...tdb, embedded: false };
  const services = await appServices(config, db);
  const front = slackFrontEnd(config, { services, db, logger });
  if (!front) throw new Error('Slack is not configured');
  await startWorkerProcess(config, db, logger, lifecycle, { schedule: false, sinks: { slack: front.sink } });
  const stripe = opts.withStripe ? stripeFrontEnd(config, { db, logger }) : undefined;
  const app = await buildApp({ logger, readiness: () => databaseReadiness(tdb.sql), plugins: stripe ? [front.plugin, stripe] : [front.plugin] });
  // Registered after the worker: closed first (the lifecycle closes in reverse order).
  lifecycle.onShutdown('http', () => app.close());

  const send = (body: string, contentType: string, sign: SignOptions = {}) => app.inject(signed(SIGNING_SECRET, body, contentType, sign));
  return {
    app,
    slack,
    tdb,
    config,
    send,
    command: (text, fields = {}, sign = {}) => send(slashCommandBody({ responseUrl: slack.responseUrl(), ...fields, text }), FORM, sign),
    async waitForRun(runId, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const view = await loadRunView(tdb.db, runId);
        if (view && ['succeeded', 'partial', 'failed'].includes(view.status)) return view;
        if (Date.now() > deadline) throw new Error(`run ${runId} did not finish`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async runCount() {
      return (await tdb.db.select({ id: runs.id }).from(runs)).length;
    },
    async balance(teamId) {
      const [w] = await tdb.db.select().from(workspaces).where(eq(workspaces.externalId, teamId));
      return w?.balance;
    },
    logLines: lines,
  };
}
