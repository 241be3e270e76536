import { parseArgs } from 'node:util';
import type { ExperimentCommand } from '../../bots/shared/command.ts';
import { commandFromOptions } from '../../bots/shared/command-grammar.ts';
import { presentationText } from '../../bots/terminal/present.ts';
import { stageLine } from '../../bots/terminal/render.ts';
import { readListingFolder } from '../acquire/folder-source.ts';
import { createExperimentServices, type ExperimentServices } from '../app/experiments/index.ts';
import { importListingFolder } from '../app/comparisons/index.ts';
import { presentExperiment, presentExperimentCard, presentExperimentList, t, type RunView } from '../app/views/index.ts';
import type { ListingInputRef } from '../domain/listing.ts';
import { AppError, isUserError } from '../domain/errors.ts';
import type { Side } from '../domain/listing.ts';
import type { WorkspaceRef } from '../domain/workspace.ts';
import { comparisonDeps, startWorkerProcess } from './wiring.ts';
import { withCliRuntime } from './cli-runtime.ts';
import { printSettledStages, watchRun } from './watch-run.ts';

/**
 * `listinglab experiment …`: the experiment loop from a terminal, in the CLI's workspace (the
 * one `listinglab compare` runs in). The same grammar and use-cases as Slack and Discord.
 * Exit codes: 0 done, 1 not found or a failed re-run, 2 bad usage.
 */

export const EXPERIMENT_USAGE = `Usage:
  listinglab experiment save <job> [name…] [--notes "…"] [--json]
      keep a finished run (its id from listinglab compare; 8 characters are enough) as the baseline
  listinglab experiment list [--json]                 pinned first, then the most recent
  listinglab experiment show <id> [--json]            the baseline and every re-run with its deltas
  listinglab experiment pin <id> | unpin <id>
  listinglab experiment rerun <id> <tag…> [--a <folder>] [--b <folder>] [--json]
      compare the pair again with fresh data and print the deltas against the baseline; a listing
      folder (listing.json and its images) replaces that side, e.g. the changed version of yours

  Tags (what changed): main-image, gallery, title, bullets, description, price, aplus, other.`;

/** The CLI's workspace: this machine. */
export const CLI_WORKSPACE: WorkspaceRef = { platform: 'cli', externalId: 'local', name: 'This machine' };

export interface ExperimentCliCommand {
  readonly cmd: ExperimentCommand;
  readonly notes: string | undefined;
  readonly json: boolean;
  /** Listing folders replacing a side of the pair (rerun only). */
  readonly folders: Partial<Record<Side, string>>;
}

export type ParsedExperimentArgs = { ok: true; command: ExperimentCliCommand | 'help' } | { ok: false; error: string };

export function parseExperimentArgs(args: readonly string[]): ParsedExperimentArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: args[0] === 'experiment' ? args.slice(1) : [...args],
      allowPositionals: true,
      strict: true,
      options: { json: { type: 'boolean' }, notes: { type: 'string' }, a: { type: 'string' }, b: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
  const { positionals: [action, ...rest], values: v } = parsed;
  if (v.help || action === 'help') return { ok: true, command: 'help' };
  const options: Record<string, string> = {};
  if (action === 'save') Object.assign(options, rest[0] ? { job: rest[0] } : {}, rest.length > 1 ? { name: rest.slice(1).join(' ') } : {});
  else if (action === 'rerun') Object.assign(options, rest[0] ? { id: rest[0] } : {}, { tags: rest.slice(1).join(',') });
  else if (rest.length > (action === 'list' ? 0 : 1)) return { ok: false, error: `experiment ${action ?? ''} takes ${action === 'list' ? 'no arguments' : 'one id'}` };
  else if (rest[0]) options['id'] = rest[0];
  const cmd = commandFromOptions(`experiment ${action ?? ''}`, options);
  if (!cmd.ok) return { ok: false, error: cmd.error.message };
  if (cmd.value.name !== 'experiment') return { ok: false, error: 'not an experiment command' };
  if (v.notes !== undefined && cmd.value.action !== 'save') return { ok: false, error: '--notes goes with save' };
  if ((v.a !== undefined || v.b !== undefined) && cmd.value.action !== 'rerun') return { ok: false, error: '--a and --b go with rerun' };
  const folders = { ...(v.a !== undefined ? { A: v.a } : {}), ...(v.b !== undefined ? { B: v.b } : {}) };
  return { ok: true, command: { cmd: cmd.value, notes: v.notes, json: v.json === true, folders } };
}

/** What a command needs: the use-cases, the pipeline (for rerun), and where to write. */
export interface ExperimentIo {
  readonly services: ExperimentServices;
  readonly importFolder: (dir: string) => Promise<ListingInputRef>;
  /** Resolves when the run has ended (a worker must be taking jobs). */
  readonly waitForRun: (runId: string) => Promise<RunView>;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

export async function runExperimentCommand(c: ExperimentCliCommand, io: ExperimentIo): Promise<number> {
  const ex = io.services;
  const cmd = c.cmd;
  try {
    switch (cmd.action) {
      case 'save': {
        const r = await ex.save(CLI_WORKSPACE, { job: cmd.job, name: cmd.label, notes: c.notes });
        const note = r.existing
          ? `Run ${r.experiment.baseline.shortId} is already the baseline of experiment ${r.experiment.shortId}.`
          : `Saved run ${r.experiment.baseline.shortId} as the baseline of experiment ${r.experiment.shortId}.`;
        io.out(c.json ? json(r) : `${presentationText(presentExperiment(r.experiment, [t(note)]))}\n`);
        return 0;
      }
      case 'list': {
        const list = await ex.list(CLI_WORKSPACE, 50);
        io.out(c.json ? json(list) : `${presentationText(presentExperimentList(list))}\n`);
        return 0;
      }
      case 'show': {
        const view = await ex.show(CLI_WORKSPACE, cmd.id);
        io.out(c.json ? json(view) : `${presentationText(presentExperiment(view))}\n`);
        return 0;
      }
      case 'pin':
      case 'unpin': {
        const view = await ex.setPinned(CLI_WORKSPACE, cmd.id, cmd.action === 'pin');
        io.out(c.json ? json(view) : `${cmd.action === 'pin' ? 'Pinned' : 'Unpinned'} experiment ${view.shortId}.\n`);
        return 0;
      }
      case 'rerun': {
        const replace: Partial<Record<Side, ListingInputRef>> = {};
        for (const side of ['A', 'B'] as const) {
          const dir = c.folders[side];
          if (dir !== undefined) replace[side] = await io.importFolder(dir);
        }
        const { experiment, started } = await ex.rerun(CLI_WORKSPACE, cmd.id, { tags: cmd.tags, replace });
        io.err(`Re-running experiment ${experiment.shortId} as run ${started.run.id.slice(0, 8)} (changed: ${cmd.tags.join(', ')})\n`);
        const run = await io.waitForRun(started.run.id);
        const after = await ex.show(CLI_WORKSPACE, experiment.id);
        const rerun = after.reruns.find((r) => r.runId === run.id);
        if (c.json) io.out(json({ job: run.id, status: run.status, experiment: after, rerun }));
        else io.out(`${rerun ? presentationText(presentExperimentCard({ experiment: after, rerun })) : `Run ${run.shortId} ${run.status}.`}\n`);
        return run.status === 'failed' ? 1 : 0;
      }
    }
  } catch (e) {
    if (!isUserError(e)) throw e;
    io.err(`listinglab: ${e.message}\n`);
    return e.code === 'not_found' ? 1 : 2;
  }
}

/**
 * `listinglab experiment …` (args: what follows `experiment`): parses, opens the database (and for
 * a re-run, a worker in this process), runs, closes everything it started.
 */
export async function runExperimentCli(args: string[]): Promise<number> {
  const parsed = parseExperimentArgs(args);
  if (!parsed.ok) {
    process.stderr.write(`listinglab experiment: ${parsed.error}\n\n${EXPERIMENT_USAGE}\n`);
    return 2;
  }
  if (parsed.command === 'help') {
    process.stdout.write(`${EXPERIMENT_USAGE}\n`);
    return 0;
  }
  const command = parsed.command;
  try {
    // Folders are checked before anything starts: bad input exits 2 with nothing touched.
    for (const dir of Object.values(command.folders)) await readListingFolder(dir);
  } catch (e) {
    process.stderr.write(`listinglab: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  try {
    return await withCliRuntime('listinglab-experiment', async ({ config, logger, lifecycle, db }) => {
      const services = createExperimentServices(await comparisonDeps(config, db));
      if (command.cmd.action === 'rerun') await startWorkerProcess(config, db, logger, lifecycle, { schedule: false });
      return await runExperimentCommand(command, {
        services,
        importFolder: (dir) => importListingFolder(db.db, dir),
        waitForRun: (runId) => watchRun(db, runId, printSettledStages(stageLine)),
        out: (t) => process.stdout.write(t),
        err: (t) => process.stderr.write(t),
      });
    });
  } catch (e) {
    process.stderr.write(`listinglab experiment: ${e instanceof AppError ? e.message : e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

