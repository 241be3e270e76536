import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { JobHelpers } from 'graphile-worker';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { UserError } from '../../service/domain/errors.ts';
import { buildApp } from '../../service/http/app.ts';
import { buildTaskList, type TaskHandlers } from '../../service/jobs/worker.ts';
import { createLogger } from '../../service/logger.ts';
import { flushErrorReports, initErrorReports, reportError } from '../../service/logging/error-reports.ts';
import { spellings } from '../../service/logging/scrubber.ts';
import { startSentryEmulator, type SentryEmulator } from '../emulators/sentry.ts';

/**
 * Sentry error reports (SENTRY_DSN): the real @sentry/node SDK sends to a local ingestion emulator.
 * In-process (this file's module state): nothing before `initErrorReports`; then failed tasks and
 * 5xx responses arrive tagged, UserErrors do not, and no configured secret is in the raw bytes.
 * As a child process: the preload (service/main/instrument.ts) reads SENTRY_DSN itself.
 */

const root = path.resolve(import.meta.dirname, '../..');
const SECRET = 'sk-test-configured-openai-key-0123456789abcdef';
const RUN_ID = '3f2b6a9e-8c1d-4e5f-9a7b-0c1d2e3f4a5b';
const logger = createLogger({ level: 'silent' });
let sentry: SentryEmulator;

beforeAll(async () => {
  sentry = await startSentryEmulator();
});
afterAll(async () => {
  await sentry.close();
});

function fakeHelpers(): JobHelpers {
  return { job: { id: '7', attempts: 1, max_attempts: 5 }, abortSignal: new AbortController().signal } as unknown as JobHelpers;
}

function stageTask(error: Error) {
  const handlers = { run_stage: () => Promise.reject(error) } as unknown as TaskHandlers;
  const task = buildTaskList(handlers, logger).run_stage;
  if (!task) throw new Error('run_stage task missing');
  return () => task({ runId: RUN_ID, stage: 'ctr' }, fakeHelpers());
}

function expectNoSecret(raw: Buffer) {
  const text = raw.toString('utf8');
  for (const spelling of spellings(SECRET)) expect(text.toLowerCase()).not.toContain(spelling.toLowerCase());
}

describe('error reports, in process', () => {
  test('without SENTRY_DSN (not initialised) nothing is sent', async () => {
    await expect(stageTask(new Error('a bug'))()).rejects.toThrow('a bug');
    reportError(new Error('also a bug'));
    await flushErrorReports();
    await new Promise((r) => setTimeout(r, 200));
    expect(sentry.requests).toEqual([]);
  });

  test('a task that throws a non-user error: one event with the run id and stage, no secret', async () => {
    await initErrorReports({ dsn: sentry.dsn, environment: 'test', secrets: [SECRET] });
    await expect(stageTask(new Error(`model call failed with key ${SECRET} (${encodeURIComponent(SECRET)})`))()).rejects.toThrow();
    await flushErrorReports();
    const events = sentry.events();
    expect(events).toHaveLength(1);
    expect(events[0]?.tags).toMatchObject({ runId: RUN_ID, stage: 'ctr', task: 'run_stage', jobId: '7' });
    expect(events[0]?.environment).toBe('test');
    expect(JSON.stringify(events[0]?.exception)).toContain('model call failed with key [redacted]');
    for (const envelope of sentry.envelopes) expectNoSecret(envelope.raw);
  });

  test('a UserError (bad input) is not sent', async () => {
    const before = sentry.events().length;
    await expect(stageTask(new UserError('invalid_asin', 'not an ASIN'))()).rejects.toThrow();
    reportError(new UserError('invalid_asin', 'not an ASIN'));
    await flushErrorReports();
    expect(sentry.events()).toHaveLength(before);
  });

  test('HTTP: a 5xx is reported with its route, a user error is not, and no body is sent', async () => {
    const app = await buildApp({
      logger,
      readiness: async () => ({ ready: true, checks: {} }),
      plugins: [
        async (a) => {
          a.post('/boom', async () => {
            throw new Error(`handler bug ${SECRET}`);
          });
          a.post('/bad', async () => {
            throw new UserError('invalid_asin', 'bad input');
          });
        },
      ],
    });
    try {
      const before = sentry.events().length;
      expect((await app.inject({ method: 'POST', url: '/bad', payload: { token: SECRET } })).statusCode).toBe(400);
      await flushErrorReports();
      expect(sentry.events()).toHaveLength(before);
      expect((await app.inject({ method: 'POST', url: '/boom', payload: { token: SECRET, note: 'body-marker' } })).statusCode).toBe(500);
      await flushErrorReports();
      const events = sentry.events().slice(before);
      expect(events).toHaveLength(1);
      expect(events[0]?.tags).toMatchObject({ route: '/boom', method: 'POST', status: 500 });
      for (const envelope of sentry.envelopes) {
        expectNoSecret(envelope.raw);
        expect(envelope.raw.toString('utf8')).not.toContain('body-marker');
      }
    } finally {
      await app.close();
    }
  });
});

describe('error reports, the preload in a child process', () => {
  // Reports one error the way a task would, then flushes, as the CLI does before it exits.
  const script = `const m = await import('./service/logging/error-reports.ts');
m.reportError(new Error('child bug ' + process.env.OPENAI_API_KEY), { runId: '${RUN_ID}', stage: 'verdict' });
await m.flushErrorReports();`;
  const runChild = async (env: Record<string, string>) => {
    const child = await startSentryEmulator();
    try {
      await promisify(execFile)(process.execPath, ['--import', './service/main/instrument.ts', '--input-type=module', '-e', script], {
        cwd: root,
        env: { PATH: process.env.PATH ?? '', OPENAI_API_KEY: SECRET, ...(env.SENTRY_DSN === 'emulator' ? { SENTRY_DSN: child.dsn } : env) },
        timeout: 20_000,
      });
      return { requests: [...child.requests], events: child.events(), raw: child.envelopes.map((e) => e.raw) };
    } finally {
      await child.close();
    }
  };

  test('SENTRY_DSN set: the event arrives with its tags and without the configured key', async () => {
    const got = await runChild({ SENTRY_DSN: 'emulator' });
    expect(got.events).toHaveLength(1);
    expect(got.events[0]?.tags).toMatchObject({ runId: RUN_ID, stage: 'verdict' });
    for (const raw of got.raw) expectNoSecret(raw);
  });

  test('SENTRY_DSN unset: no request is made', async () => {
    const got = await runChild({});
    expect(got.requests).toEqual([]);
  });
});
