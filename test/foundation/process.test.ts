import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, chmod, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { afterAll, describe, expect, test } from 'vitest';

/**
 * The real entry point as an operator runs it: `listinglab serve` with no DATABASE_URL comes up on
 * an embedded Postgres under DATA_DIR, answers /readyz, exits on SIGTERM without leaving a
 * Postgres process, and a second start reuses the data.
 */

const root = path.resolve(import.meta.dirname, '../..');
const dataParent = await mkdtemp(path.join(os.tmpdir(), 'listinglab-proc-'));
await chmod(dataParent, 0o755); // the postgres user must reach DATA_DIR when we run as root
const dataDir = path.join(dataParent, 'data');
afterAll(() => rm(dataParent, { recursive: true, force: true }));

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function postgresPidsFor(dir: string): Promise<number[]> {
  return new Promise((resolve) => {
    const ps = spawn('ps', ['-eo', 'pid,args'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    ps.stdout.on('data', (c: Buffer) => (out += c.toString()));
    ps.on('close', () =>
      resolve(out.split('\n').filter((l) => l.includes('postgres') && l.includes(dir)).map((l) => Number(l.trim().split(/\s+/)[0]))),
    );
  });
}

async function startServe(port: number): Promise<{ child: ChildProcess; readyMs: number; output: () => string }> {
  const child = spawn(process.execPath, [path.join(root, 'service/main/cli.ts'), 'serve'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`serve exited early:\n${output}`);
    const res = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
    if (res?.status === 200) return { child, readyMs: Date.now() - started, output: () => output };
    if (Date.now() - started > 60_000) throw new Error(`not ready within 60 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function stop(child: ChildProcess): Promise<number> {
  const started = Date.now();
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  await exited;
  return Date.now() - started;
}

describe('listinglab serve on the embedded Postgres', () => {
  test('first start initialises, SIGTERM stops everything, second start reuses the data', async () => {
    const port = await freePort();
    const first = await startServe(port);
    expect(first.readyMs).toBeLessThan(60_000);
    expect(first.output()).toContain('initialising embedded Postgres');
    expect((await postgresPidsFor(dataDir)).length).toBeGreaterThan(0);

    const stopMs = await stop(first.child);
    expect(stopMs).toBeLessThan(10_000);
    expect(first.child.exitCode).toBe(0);
    expect(await postgresPidsFor(dataDir)).toEqual([]);

    const second = await startServe(port);
    expect(second.output()).not.toContain('initialising embedded Postgres');
    await stop(second.child);
    expect(await postgresPidsFor(dataDir)).toEqual([]);
  }, 150_000);

  test('a half-configured integration stops the start with exit code 2 naming the variable', async () => {
    const child = spawn(process.execPath, [path.join(root, 'service/main/cli.ts'), 'serve'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, STRIPE_SECRET_KEY: 'sk_test_x' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    expect(code).toBe(2);
    expect(err).toContain('STRIPE_WEBHOOK_SECRET');
    expect(err).not.toContain('sk_test_x');
  });

  test('a start that fails half-way (the port is taken) exits 1 saying why and leaves no Postgres behind', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '0.0.0.0', () => r()));
    const { port } = blocker.address() as net.AddressInfo;
    try {
      const child = spawn(process.execPath, [path.join(root, 'service/main/cli.ts'), 'serve'], {
        cwd: root,
        env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stderr.on('data', (c: Buffer) => (out += c.toString()));
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      const code = await new Promise<number | null>((r) => child.on('exit', r));
      expect(code).toBe(1);
      expect(out).toContain('EADDRINUSE');
      expect(await postgresPidsFor(dataDir)).toEqual([]);
    } finally {
      blocker.close();
    }
  }, 60_000);
});
