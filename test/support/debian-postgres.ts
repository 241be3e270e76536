import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { freePort, runAsIds } from '../../service/db/embedded-server.ts';

const execFileP = promisify(execFile);

/**
 * A private PostgreSQL cluster made with the binaries of Debian's `postgresql` package
 * (/usr/lib/postgresql/<version>/bin), for tests that must prove the service against a real
 * server reached through DATABASE_URL rather than the embedded one. It never relies on a system
 * service (CI has no systemd): `initdb` into a temporary directory — as the `postgres` user when
 * we are root, since Postgres refuses to run as root — and `pg_ctl start` on a free port,
 * listening on 127.0.0.1 only, with its socket in that directory. `stop()` stops it and removes
 * the directory.
 */
export interface DebianPostgres {
  /** The server's major version (the directory under /usr/lib/postgresql). */
  readonly version: string;
  /** A database created for the caller, owned by the cluster's superuser. */
  readonly url: string;
  stop(): Promise<void>;
}

const LIB = '/usr/lib/postgresql';

/** The newest installed server's bin directory, or undefined when the package is not installed. */
export async function debianPostgresBin(): Promise<{ version: string; bin: string } | undefined> {
  const versions = await readdir(LIB).catch(() => [] as string[]);
  const usable = versions.filter((v) => /^\d+$/.test(v) && existsSync(path.join(LIB, v, 'bin', 'pg_ctl')) && existsSync(path.join(LIB, v, 'bin', 'initdb')));
  const newest = usable.sort((a, b) => Number(b) - Number(a))[0];
  return newest === undefined ? undefined : { version: newest, bin: path.join(LIB, newest, 'bin') };
}

export async function startDebianPostgres(opts: { database?: string } = {}): Promise<DebianPostgres> {
  const found = await debianPostgresBin();
  if (!found) throw new Error(`no PostgreSQL server binaries under ${LIB}: install Debian's package (apt-get install postgresql)`);
  const database = opts.database ?? 'listinglab';
  const ids = await runAsIds();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'listinglab-debian-pg-'));
  // The postgres user must reach the directory (mkdtemp makes it 700 and root's).
  await chmod(dir, 0o755);
  const pgData = path.join(dir, 'data');
  await mkdir(pgData, { mode: 0o700 });
  if (ids) {
    await chown(pgData, ids.uid, ids.gid);
    await chown(dir, ids.uid, ids.gid);
  }
  // As the postgres user when we are root (runuser is util-linux's, on every Debian).
  const asOwner = (cmd: string, args: string[]) => (ids ? execFileP('runuser', ['-u', 'postgres', '--', cmd, ...args]) : execFileP(cmd, args));
  const pgCtl = path.join(found.bin, 'pg_ctl');
  const port = await freePort();
  const fail = async (what: string, e: unknown): Promise<never> => {
    await rm(dir, { recursive: true, force: true });
    const detail = e as { stderr?: string; message?: string };
    throw new Error(`Debian PostgreSQL ${found.version}: ${what} failed: ${detail.stderr || detail.message || String(e)}`);
  };
  // Trust authentication is safe here: the cluster listens on 127.0.0.1 only, on a random port,
  // lives for one test file and holds nothing but test data.
  await asOwner(path.join(found.bin, 'initdb'), ['-D', pgData, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync']).catch((e: unknown) => fail('initdb', e));
  const settings = `-c listen_addresses=127.0.0.1 -p ${port} -c unix_socket_directories=${dir}`;
  await asOwner(pgCtl, ['-D', pgData, '-l', path.join(dir, 'server.log'), '-o', settings, '-w', '-t', '60', 'start']).catch((e: unknown) => fail('pg_ctl start', e));
  const stop = async () => {
    await asOwner(pgCtl, ['-D', pgData, '-m', 'fast', '-w', '-t', '30', 'stop']).catch(() => asOwner(pgCtl, ['-D', pgData, '-m', 'immediate', 'stop']).catch(() => undefined));
    await rm(dir, { recursive: true, force: true });
  };
  const base = `postgres://postgres@127.0.0.1:${port}`;
  const admin = postgres(`${base}/postgres`, { max: 1, onnotice: () => undefined });
  try {
    await admin.unsafe(`create database "${database.replaceAll('"', '""')}"`);
  } catch (e) {
    await stop();
    throw e;
  } finally {
    await admin.end({ timeout: 2 });
  }
  return { version: found.version, url: `${base}/${database}`, stop };
}
