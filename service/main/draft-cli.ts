import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { draftJson, draftReport, stageLine } from '../../bots/terminal/render.ts';
import { readPhotoFiles, storePhotos, type DraftHints, type LocalPhoto, DRAFT_PHOTOS_MAX, startDraft } from '../app/drafts/index.ts';
import type { RunView } from '../app/views/index.ts';
import { AppError } from '../domain/errors.ts';
import type { Database } from './database.ts';
import { scorecardPath, writeScorecard } from './compare.ts';
import { comparisonDeps, startWorkerProcess } from './wiring.ts';
import { withCliRuntime } from './cli-runtime.ts';
import { printSettledStages, watchRun } from './watch-run.ts';

/**
 * `listinglab draft <photo…> [--brand NAME] [--product-type TYPE] [--json] [--scorecard out.png]`: photos → listing drafts for Amazon, eBay, Etsy and
 * Shopify through the real pipeline and job queue on this machine (a worker runs in-process), like
 * `compare`. The photos are read and checked before anything starts. Unmetered, like every run
 * from the operator's terminal.
 *
 * Exit 0: drafts delivered; 1: the run failed (or the scorecard could not be written); 2: bad input (nothing started).
 * `--json`: standard output holds only the JSON document; progress goes to standard error.
 */

export const DRAFT_USAGE = `Usage: listinglab draft <photo…> [--brand NAME] [--product-type TYPE] [--json] [--scorecard out.png]
  1–${DRAFT_PHOTOS_MAX} photos of one product (JPEG, PNG, WebP or GIF); the best one is picked as the main image.
  --brand, --product-type: what you know; they win over what the photos suggest.
  --scorecard: also write the result as a PNG image (the main photo, each marketplace's score, what to reshoot).
  e.g. listinglab draft front.jpg side.jpg label.png --brand Starter --product-type "duffel bag" --json`;


export async function runDraftCli(args: string[]): Promise<number> {
  let paths: string[];
  let json: boolean;
  let photos: LocalPhoto[];
  let hints: DraftHints;
  let scorecard: string | undefined;
  try {
    const parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' }, brand: { type: 'string' }, 'product-type': { type: 'string' }, scorecard: { type: 'string' } },
    });
    if (parsed.values.help) {
      process.stdout.write(`${DRAFT_USAGE}\n`);
      return 0;
    }
    json = parsed.values.json === true;
    scorecard = scorecardPath(parsed.values.scorecard);
    hints = { brand: parsed.values.brand, productType: parsed.values['product-type'] };
    // `draft` itself may be passed along (cli.ts hands over the words after the command or with it).
    paths = parsed.positionals[0] === 'draft' && !existsSync('draft') ? parsed.positionals.slice(1) : parsed.positionals;
    if (paths.length === 0) throw new Error(`draft needs 1–${DRAFT_PHOTOS_MAX} photos\n${DRAFT_USAGE}`);
    if (paths.length > DRAFT_PHOTOS_MAX) throw new Error(`draft takes at most ${DRAFT_PHOTOS_MAX} photos, got ${paths.length}\n${DRAFT_USAGE}`);
    photos = await readPhotoFiles(paths);
  } catch (e) {
    process.stderr.write(`listinglab: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }

  try {
    return await withCliRuntime('listinglab-cli', async ({ config, logger, lifecycle, db }) => {
      const deps = await comparisonDeps(config, db);
      const started = await startDraft(deps, { workspace: { platform: 'cli', externalId: 'local', name: 'This machine' }, photos: await storePhotos(db.db, photos), hints });
      await startWorkerProcess(config, db, logger, lifecycle, { schedule: false });
      const view = await follow(db, started.run.id, json);
      process.stdout.write(json ? `${JSON.stringify(draftJson(view), null, 2)}\n` : `${draftReport(view).join('\n')}\n`);
      const written = scorecard === undefined || (await writeScorecard(db, view, scorecard));
      return view.status === 'failed' || !written ? 1 : 0;
    });
  } catch (e) {
    process.stderr.write(`listinglab: ${e instanceof AppError || e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

/** Each stage as it settles on standard error (unless quiet), until the run ends. */
function follow(db: Database, runId: string, quiet: boolean): Promise<RunView> {
  return watchRun(db, runId, quiet ? () => undefined : printSettledStages(stageLine));
}
