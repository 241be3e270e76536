import { open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { exportWorkspace, type WorkspaceDataCounts } from '../app/data/index.ts';
import { plural } from '../app/views/index.ts';
import { isUserError } from '../domain/errors.ts';
import type { WorkspaceRef } from '../domain/workspace.ts';
import { systemClock } from '../providers/provider.ts';
import { withCliRuntime } from './cli-runtime.ts';
import { runDataDeleteCli } from './data-delete-cli.ts';
import { workspaceArg } from './workspace-arg.ts';

/**
 * `listinglab data export|delete …`: a workspace's data for operators. `export` writes the
 * archive an admin's `/listing data export` link serves (docs/export-format.md) to a file;
 * `delete` is data-delete-cli.ts. Exit codes: 0 done, 1 failure, 2 bad usage or an unknown
 * workspace (nothing written).
 */

export const DATA_USAGE = `Usage:
  listinglab data export <platform> <workspace> [--out FILE]
      everything the workspace owns (runs and their stage outputs, experiments, real results,
      the credit ledger, purchases, brands, images) as one .tar.gz; the default FILE is
      listinglab-export-<platform>-<workspace>-<yyyy-mm-dd>.tar.gz in this folder
  listinglab data delete <platform> <workspace> [--confirm <workspace>]
      remove the workspace's data (without --confirm: say what would go; data delete --help)

  <platform> is slack, discord or cli; <workspace> the Slack team id or Discord guild id
  (for cli it may be left out: this machine's workspace).`;

export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}


export async function runDataCli(args: readonly string[], io: CliIo): Promise<number> {
  const [action, ...rest] = args[0] === 'data' ? args.slice(1) : args;
  switch (action) {
    case 'export':
      return runDataExportCli(rest, io);
    case 'delete':
      return runDataDeleteCli(rest, io);
    case 'help':
    case '--help':
    case '-h':
      io.out(`${DATA_USAGE}\n`);
      return 0;
    case undefined:
      io.err(`${DATA_USAGE}\n`);
      return 2;
    default:
      io.err(`listinglab: unknown data command "${action}"\n\n${DATA_USAGE}\n`);
      return 2;
  }
}

type ExportArgs = { ok: true; ref: WorkspaceRef; out: string | undefined } | { ok: false; error: string } | { ok: 'help' };

export function parseExportArgs(args: readonly string[]): ExportArgs {
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], allowPositionals: true, strict: true, options: { out: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
  if (parsed.values.help) return { ok: 'help' };
  const workspace = workspaceArg('data export', parsed.positionals, ' (the file goes after --out)');
  if (!workspace.ok) return workspace;
  if (parsed.values.out === '') return { ok: false, error: '--out needs a file name' };
  return { ok: true, ref: workspace.ref, out: parsed.values.out };
}

export function countsLine(c: WorkspaceDataCounts): string {
  return [
    plural(c.runs, 'run'),
    plural(c.experiments, 'experiment'),
    plural(c.outcomes, 'real result'),
    plural(c.ledgerLines, 'ledger line'),
    plural(c.purchases, 'purchase'),
    plural(c.brands, 'brand'),
    plural(c.images, 'image'),
  ].join(', ');
}

const exists = (file: string) => stat(file).then(() => true, () => false);

async function runDataExportCli(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseExportArgs(args);
  if (parsed.ok === 'help') {
    io.out(`${DATA_USAGE}\n`);
    return 0;
  }
  if (!parsed.ok) {
    io.err(`listinglab: ${parsed.error}\n  e.g. listinglab data export slack T0123ABCD --out team.tar.gz\n`);
    return 2;
  }
  return withCliRuntime('listinglab-data', async ({ db }) => {
    let download;
    try {
      download = await exportWorkspace({ db: db.db, clock: systemClock }, parsed.ref);
    } catch (e) {
      if (!isUserError(e)) throw e;
      io.err(`listinglab: ${e.message}\n`);
      return 2;
    }
    const file = path.resolve(parsed.out ?? download.fileName);
    if (await exists(file)) {
      io.err(`listinglab: ${file} already exists; nothing was written (move it away or give another --out)\n`);
      return 2;
    }
    if (!(await exists(path.dirname(file)))) {
      io.err(`listinglab: there is no folder ${path.dirname(file)}; nothing was written\n`);
      return 2;
    }
    // Written beside the target and renamed when complete: an export that fails half-way leaves no
    // file that looks like an archive.
    const partial = `${file}.partial-${process.pid}`;
    const handle = await open(partial, 'wx');
    try {
      const counts = await download.write(handle.createWriteStream());
      await rename(partial, file);
      io.out(`Wrote ${file}\n  ${countsLine(counts)}\n`);
      return 0;
    } catch (e) {
      await rm(partial, { force: true });
      throw e;
    } finally {
      await handle.close().catch(() => undefined);
    }
  });
}
