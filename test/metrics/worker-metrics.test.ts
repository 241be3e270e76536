import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { enqueue } from '../../service/jobs/enqueue.ts';
import { useTestDatabase } from '../db.ts';
import { freePort } from '../deployed/service-process.ts';
import { waitUntil } from '../deployed/flows.ts';

/**
 * `listinglab worker` with METRICS_PORT, started as fly.toml's worker group starts it: it serves
 * its health routes and, to the bearer token only, the counters of the jobs it ran — the web
 * process cannot, since jobs never run there in the two-group deployment.
 */

const root = path.resolve(import.meta.dirname, '../..');
const db = await useTestDatabase();
const port = await freePort();
const token = `metrics-${randomBytes(12).toString('hex')}`;
let output = '';
const worker = spawn(process.execPath, [path.join(root, 'bin/listinglab.js'), 'worker'], {
  cwd: root,
  env: { PATH: process.env.PATH ?? '', DATABASE_URL: db.url, METRICS_PORT: String(port), METRICS_TOKEN: token, LOG_LEVEL: 'info' },
  stdio: ['ignore', 'pipe', 'pipe'],
});
worker.stdout.on('data', (c: Buffer) => (output += c.toString()));
worker.stderr.on('data', (c: Buffer) => (output += c.toString()));
const exited = new Promise<number | null>((r) => worker.once('exit', (code) => r(code)));
afterAll(async () => {
  if (worker.exitCode === null) worker.kill('SIGKILL');
  await exited;
});

const base = `http://127.0.0.1:${port}`;
const scrape = async (auth?: string) => fetch(`${base}/metrics`, auth ? { headers: { authorization: `Bearer ${auth}` } } : {});

describe('listinglab worker with METRICS_PORT', () => {
  test('health routes answer; /metrics is the token holder’s and counts the jobs this worker ran; SIGTERM stops it cleanly', async () => {
    await waitUntil(() => /listinglab worker running/.test(output), 60_000, () => output);
    expect(output).toContain(`"metricsAt"`);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect((await scrape()).status).toBe(401);
    expect((await scrape('not-the-token')).status).toBe(401);
    // Nothing but health and metrics: a worker is not a second web front door.
    expect((await fetch(`${base}/slack/events`, { method: 'POST' })).status).toBe(404);

    await enqueue(db.db, 'sweep_expired', {});
    const ran = /listinglab_jobs_total\{task="sweep_expired",outcome="succeeded"\} 1/;
    let text = '';
    for (const started = Date.now(); !ran.test(text); await new Promise((r) => setTimeout(r, 200))) {
      if (Date.now() - started > 30_000) throw new Error(`no sweep_expired job counted:\n${text}\n${output}`);
      text = await (await scrape(token)).text();
    }
    expect(text).toMatch(/^listinglab_queue_depth /m);
    expect(text).toMatch(/^process_resident_memory_bytes /m);
    expect(output).not.toContain(token);

    worker.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 90_000);
});
