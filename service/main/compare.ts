import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createScorecardRenderer } from '../../bots/scorecard/index.ts';
import { parseListingRef } from '../../bots/shared/listing-ref.ts';
import { parseMine } from '../../bots/shared/command-words.ts';
import { checklist, finalReport, jsonDocument, stageLine } from '../../bots/terminal/render.ts';
import type { RunView } from '../app/views/index.ts';
import { readListingFolder } from '../acquire/folder-source.ts';
import { importListingFolder, startComparison } from '../app/comparisons/index.ts';
import type { ListingInputRef } from '../domain/listing.ts';
import { AppError, UserError } from '../domain/errors.ts';
import { getImage } from '../db/repos/blobs.ts';
import { comparisonDeps, startWorkerProcess } from './wiring.ts';
import { withCliRuntime } from './cli-runtime.ts';
import { printSettledStages, watchRun } from './watch-run.ts';
import type { Database } from './database.ts';

/**
 * `listinglab compare <A> <B> [--fresh] [--mine A|B] [--json] [--scorecard out.png]`: the real pipeline
 * through the job queue on this machine (a worker runs in-process; a running `serve` on the same
 * database may take jobs too). Exit 0 finished, 1 failed run (or the scorecard could not be
 * written), 2 bad input (before any network call).
 */

export type SideArg = { kind: 'asin'; asin: string } | { kind: 'folder'; dir: string };

/** An ASIN, an amazon.com URL, or a folder with a listing.json. */
export function parseSideArg(arg: string, which: 'A' | 'B'): SideArg {
  if (existsSync(arg) && statSync(arg).isDirectory()) return { kind: 'folder', dir: path.resolve(arg) };
  const ref = parseListingRef(arg);
  if (!ref.ok) throw new UserError(ref.error.code, `Listing ${which}: ${ref.error.message} (or give a folder holding a listing.json)`);
  return { kind: 'asin', asin: ref.value };
}


/**
 * `--scorecard <file>` checked before anything runs: the file's absolute path. Its folder must
 * exist and be writable, and the path must not be a folder; a value that is missing (or another
 * option) is refused. Throws a UserError (exit 2) saying which.
 */
export function scorecardPath(value: string | boolean | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '' || value.startsWith('-')) throw new UserError('missing_argument', '--scorecard needs a file to write, e.g. --scorecard out.png');
  const file = path.resolve(value);
  const dir = path.dirname(file);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UserError('bad_command', `--scorecard: the folder ${dir} does not exist`);
  if (existsSync(file) && statSync(file).isDirectory()) throw new UserError('bad_command', `--scorecard: ${file} is a folder; give a file name, e.g. ${path.join(value, 'scorecard.png')}`);
  try {
    accessSync(existsSync(file) ? file : dir, constants.W_OK);
  } catch {
    throw new UserError('bad_command', `--scorecard: ${existsSync(file) ? file : `the folder ${dir}`} is not writable`);
  }
  return file;
}

/**
 * The run's scorecard PNG written to `file` (created or overwritten), images read from the image
 * store. True when written; otherwise says why on standard error.
 */
export async function writeScorecard(db: Database, view: RunView, file: string): Promise<boolean> {
  const render = createScorecardRenderer({ loadImage: async (sha256) => (await getImage(db.db, sha256))?.bytes });
  try {
    const card = await render(view);
    await writeFile(file, card.png);
    process.stderr.write(`Scorecard written to ${file} (${card.width} × ${card.height} px).\n`);
    return true;
  } catch (e) {
    process.stderr.write(`listinglab: could not write the scorecard to ${file}: ${e instanceof Error ? e.message : String(e)}\n`);
    return false;
  }
}

/** `mine`: the `--mine` value as typed (A or B, any case); undefined when not given. `scorecard`: the `--scorecard` value as parsed. */
export async function runCompare(args: { a: string; b: string; fresh: boolean; json: boolean; mine?: string | undefined; scorecard?: string | boolean | undefined }): Promise<number> {
  let sideA: SideArg;
  let sideB: SideArg;
  let mine: 'A' | 'B' | undefined;
  let scorecard: string | undefined;
  try {
    scorecard = scorecardPath(args.scorecard);
    if (args.mine !== undefined) {
      const side = parseMine(args.mine);
      if (!side.ok) throw new UserError(side.error.code, side.error.message.replace('e.g. mine:A', 'e.g. --mine A'));
      mine = side.value;
    }
    sideA = parseSideArg(args.a, 'A');
    sideB = parseSideArg(args.b, 'B');
    if (sideA.kind === 'asin' && sideB.kind === 'asin' && sideA.asin === sideB.asin) throw new UserError('same_listing');
    // Folders are checked before anything starts: bad input exits 2 with nothing touched.
    for (const side of [sideA, sideB]) if (side.kind === 'folder') await readListingFolder(side.dir);
  } catch (e) {
    process.stderr.write(`listinglab: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }

  try {
    return await withCliRuntime('listinglab-cli', async ({ config, logger, lifecycle, db }) => {
      let a: ListingInputRef;
      let b: ListingInputRef;
      try {
        a = sideA.kind === 'asin' ? sideA : await importListingFolder(db.db, sideA.dir);
        b = sideB.kind === 'asin' ? sideB : await importListingFolder(db.db, sideB.dir);
      } catch (e) {
        if (e instanceof UserError) {
          process.stderr.write(`listinglab: ${e.message}\n`);
          return 2;
        }
        throw e;
      }
      const deps = await comparisonDeps(config, db);
      let started;
      try {
        started = await startComparison(deps, { workspace: { platform: 'cli', externalId: 'local', name: 'This machine' }, a, b, fresh: args.fresh, mine });
      } catch (e) {
        if (e instanceof UserError) {
          process.stderr.write(`listinglab: ${e.message}\n`);
          return 2;
        }
        throw e;
      }
      if (started.kind === 'existing') process.stderr.write(`Same pair compared within 24 h: showing run ${started.run.id.slice(0, 8)} (use --fresh to run again).\n`);
      await startWorkerProcess(config, db, logger, lifecycle, { schedule: false });
      const view = await follow(db, started.run.id, args.json);
      if (args.json) process.stdout.write(`${JSON.stringify(jsonDocument(view), null, 2)}\n`);
      else process.stdout.write(`${finalReport(view).join('\n')}\n`); // stages were shown as they settled
      const written = scorecard === undefined || (await writeScorecard(db, view, scorecard));
      return view.status === 'failed' || !written ? 1 : 0;
    });
  } catch (e) {
    process.stderr.write(`listinglab: ${e instanceof AppError ? e.message : e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

/** Each stage as it settles on standard error: a live checklist on a terminal, plain lines otherwise. */
function follow(db: Database, runId: string, quiet: boolean): Promise<RunView> {
  if (quiet) return watchRun(db, runId, () => undefined);
  if (!process.stderr.isTTY) return watchRun(db, runId, printSettledStages(stageLine));
  let drawn = 0;
  return watchRun(db, runId, (view) => {
    const lines = checklist(view);
    process.stderr.write(`${drawn ? `\x1b[${drawn}A` : ''}${lines.map((l) => `\x1b[2K${l}`).join('\n')}\n`);
    drawn = lines.length;
  });
}
