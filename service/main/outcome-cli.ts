import { parseArgs } from 'node:util';
import { commandFromOptions } from '../../bots/shared/command-grammar.ts';
import { calibrationText, outcomeText } from '../../bots/shared/dispatch-outcome.ts';
import { PREFIX, usageLines } from '../../bots/shared/help.ts';
import type { BandStats, CalibrationReport, CalibrationTable } from '../domain/calibration.ts';
import { isUserError } from '../domain/errors.ts';
import { withCliRuntime } from './cli-runtime.ts';
import { CLI_WORKSPACE } from './experiment-cli.ts';
import { appServices } from './wiring.ts';

/**
 * `listinglab outcome <job> A|B|tie [--click A|B|tie] [--note "…"]` and `listinglab calibration
 * [--json] [--all]`: the CLI's workspace (the one `listinglab compare` runs in), through the same
 * grammar, use-cases and words as Slack and Discord. `--all` is the operator's view across every
 * workspace of the database. Exit codes: 0 done; 2 bad usage, a bad side, an unknown job or a run
 * without a verdict — nothing written.
 */

export const OUTCOME_USAGE = `Usage:
  listinglab outcome <job> A|B|tie [--click A|B|tie] [--note "…"]
             what really happened to a finished comparison (the job id or its first 8 characters);
             recording again replaces the earlier answer
  listinglab calibration [--json] [--all]
             how often verdicts matched the real results, per confidence band (--all: every workspace)`;

type Io = { out: (t: string) => void; err: (t: string) => void };

/** The chat words → the terminal's: `listinglab …` for `/listing …`, `--click A` for `click:A`. */
function forTerminal(text: string): string {
  return text
    .replaceAll(usageLines('outcome'), 'listinglab outcome <job> A|B|tie [--click A|B|tie] [--note "…"]')
    .replaceAll('e.g. click:A', 'e.g. --click A')
    .replaceAll('click:A|B|tie', '--click A|B|tie')
    .replaceAll(`${PREFIX} `, 'listinglab ');
}

function parse(args: readonly string[], options: Record<string, { type: 'string' | 'boolean' }>): ReturnType<typeof parseArgs> | undefined {
  try {
    return parseArgs({ args: [...args], allowPositionals: true, strict: true, options: { ...options, help: { type: 'boolean', short: 'h' } } });
  } catch {
    return undefined;
  }
}

export async function runOutcomeCli(args: readonly string[], io: Io): Promise<number> {
  const parsed = parse(args[0] === 'outcome' ? args.slice(1) : args, { click: { type: 'string' }, note: { type: 'string' } });
  if (parsed?.values['help'] === true) {
    io.out(`${OUTCOME_USAGE}\n`);
    return 0;
  }
  const [job, result, ...extra] = parsed?.positionals ?? [];
  if (!parsed || extra.length > 0) {
    io.err(`listinglab: outcome takes a job and a result (A, B or tie); give a note with --note "…"\n${OUTCOME_USAGE}\n`);
    return 2;
  }
  const str = (key: string) => (typeof parsed.values[key] === 'string' ? parsed.values[key] : undefined);
  const cmd = commandFromOptions('outcome', { job, result, click: str('click'), note: str('note') });
  if (!cmd.ok || cmd.value.name !== 'outcome') {
    io.err(`listinglab: ${cmd.ok ? 'not an outcome' : forTerminal(cmd.error.message)}\n`);
    return 2;
  }
  const { value } = cmd;
  return withCliRuntime('listinglab-outcome', async ({ config, db }) => {
    const { outcomes } = await appServices(config, db);
    try {
      const recorded = await outcomes.record(CLI_WORKSPACE, { job: value.job, result: value.result, clickResult: value.click ?? null, note: value.note ?? null, recordedBy: 'terminal' });
      io.out(`${forTerminal(outcomeText(recorded))}\n`);
      return 0;
    } catch (e) {
      if (!isUserError(e)) throw e;
      io.err(`listinglab: ${forTerminal(e.message).replaceAll('`', '')}\n`);
      return 2;
    }
  });
}

export async function runCalibrationCli(args: readonly string[], io: Io): Promise<number> {
  const parsed = parse(args[0] === 'calibration' ? args.slice(1) : args, { json: { type: 'boolean' }, all: { type: 'boolean' } });
  if (parsed?.values['help'] === true) {
    io.out(`${OUTCOME_USAGE}\n`);
    return 0;
  }
  if (!parsed || parsed.positionals.length > 0) {
    io.err(`listinglab: calibration takes only --json and --all\n${OUTCOME_USAGE}\n`);
    return 2;
  }
  const all = parsed.values['all'] === true;
  return withCliRuntime('listinglab-calibration', async ({ config, db }) => {
    const { outcomes } = await appServices(config, db);
    const report = all ? await outcomes.calibrationAcrossWorkspaces() : await outcomes.calibration(CLI_WORKSPACE);
    if (parsed.values['json'] === true) io.out(`${JSON.stringify(calibrationJson(report), null, 2)}\n`);
    else io.out(`${forTerminal(calibrationText(report, all ? 'across all workspaces' : 'on this machine'))}\n`);
    return 0;
  });
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;
const band = (b: BandStats) => ({ band: b.band, n: b.n, hits: b.hits, rate: b.rate === null ? null : round(b.rate), ci: [round(b.ci[0]), round(b.ci[1])] });
const table = (t: CalibrationTable) => ({ outcomes: t.outcomes, bands: t.bands.map(band) });

/**
 * The `--json` document (a contract, README): `{ outcomes, bands: [{ band, n, hits, rate, ci:
 * [low, high] }], click: { outcomes, bands }, target: { band, goal, status } }`. `rate` is null
 * for a band with no outcomes (its `ci` is then [0, 1]); numbers are rounded to 4 decimals.
 */
export function calibrationJson(r: CalibrationReport) {
  return { ...table(r), click: table(r.click), target: { band: r.target.band, goal: r.target.goal, status: r.target.status } };
}
