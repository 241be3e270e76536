// First: Sentry starts (when SENTRY_DSN is set) before anything else is imported.
import './instrument.ts';
import { parseArgs } from 'node:util';
import { flushErrorReports } from '../logging/error-reports.ts';
import { createLifecycle } from './lifecycle.ts';
import { setHeapGrowth } from '../support/heap-growth.ts';
import { releaseNativeCaches } from '../support/native-memory.ts';
import { openDatabase } from './database.ts';
import { loadConfig, loggerFor } from './env.ts';
import { runBrandCli } from './brand-cli.ts';
import { runCompare } from './compare.ts';
import { runDemo } from './demo.ts';
import { runCreditsCli } from './credits-cli.ts';
import { runDiscordRegister } from './discord.ts';
import { runDraftCli } from './draft-cli.ts';
import { runDataCli } from './data-cli.ts';
import { runExperimentCli } from './experiment-cli.ts';
import { runKeysCli } from './keys-cli.ts';
import { runCalibrationCli, runOutcomeCli } from './outcome-cli.ts';
import { frontEnds, startHttp, startWorkerHttp, startWorkerProcess } from './wiring.ts';

/**
 * `listinglab <command>`: serve (HTTP + worker, what `npm start` runs), worker, migrate.
 * Exit codes: 0 done, 1 failure, 2 bad input or configuration.
 */

const USAGE = `Usage: listinglab <command>

Commands:
  serve      HTTP endpoints (Slack, Discord, Stripe, health) and a worker in one process
             (--no-worker: HTTP only, when workers run as their own processes)
  worker     a worker alone (for a separate worker process group; with METRICS_PORT it serves
             /healthz, /readyz and /metrics there)
  migrate    apply database migrations and exit
  compare <A> <B> [--fresh] [--mine A|B] [--json] [--scorecard out.png]
             compare two listings (ASIN, amazon.com URL, or a folder holding listing.json
             and its images) through the real pipeline; exit 0 finished, 1 failed, 2 bad input.
             --mine says which listing is yours (without it, the brand list decides);
             --scorecard writes the result as a PNG image too
  demo       compare a bundled pair from golden_tests with no accounts and no keys
  draft <photo…> [--brand NAME] [--product-type TYPE] [--json] [--scorecard out.png]
             photos → listing drafts for Amazon, eBay, Etsy and Shopify (1–8 photos)
  credits <platform> <workspace> [--json]      a workspace's balance and recent ledger
  credits grant <platform> <workspace> <n> --reason "…" [--key K]   support grant (idempotent)
  credits check                                 every balance equals its ledger sum (exit 1 if not)
  brand add <brand or ASIN> | remove <brand or ASIN> | list
             this machine's own brands and ASINs: comparisons of them are marked as yours
  outcome <job> A|B|tie [--click A|B|tie] [--note "…"]
             what really happened to a finished comparison (recording again replaces it)
  calibration [--json] [--all]
             how often verdicts matched the real results, per confidence band (--all: every workspace)
  discord register [--guild ID]                 register /listing with Discord
  data export <platform> <workspace> [--out FILE]   everything a workspace owns as one .tar.gz
  data delete <platform> <workspace> [--confirm <workspace>]   remove a workspace's data
             (without --confirm it only says what would be removed and kept)
  keys rotate [--json]                          re-encrypt installation tokens sealed with
             ENCRYPTION_KEY_PREVIOUS under ENCRYPTION_KEY (exit 1: some open with neither key)
  experiment save <job> [name] [--notes "…"] | list | show <id> | pin <id> | unpin <id>
           | rerun <id> <tag…> [--a DIR] [--b DIR]   [--json]   the experiment loop

Environment: see .env.example. With no DATABASE_URL an embedded Postgres runs under DATA_DIR (./.data).`;

async function main(argv: string[]): Promise<number> {
  setHeapGrowth();
  releaseNativeCaches();
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: false,
    options: { 'no-worker': { type: 'boolean' }, fresh: { type: 'boolean' }, json: { type: 'boolean' }, mine: { type: 'string' }, scorecard: { type: 'string' } },
  });
  const command = positionals[0];
  switch (command) {
    case 'serve':
    case 'worker': {
      const config = loadConfig();
      const logger = loggerFor(config);
      const lifecycle = createLifecycle();
      lifecycle.handleSignals((m) => logger.info(m));
      // A signal's exit skips the flush after main(): reports still in flight go out with the finals.
      lifecycle.onShutdown('error reports', () => flushErrorReports(), { final: true, timeoutMs: 2_000 });
      try {
        const db = await openDatabase(config, logger, lifecycle);
        const ends = await frontEnds(config, db, logger);
        // `serve --no-worker`: HTTP only, for a deployment with a separate worker process group.
        if (command === 'worker' || values['no-worker'] !== true) await startWorkerProcess(config, db, logger, lifecycle, { sinks: ends.sinks });
        if (command === 'serve') {
          const address = await startHttp(config, db, logger, lifecycle, ends.plugins);
          logger.info({ address }, 'listinglab serving');
        } else {
          const metricsAt = await startWorkerHttp(config, db, logger, lifecycle);
          logger.info(metricsAt ? { metricsAt } : {}, 'listinglab worker running');
        }
      } catch (e) {
        // A start that fails half-way (the port taken, the database refusing) stops what it
        // started — the embedded Postgres included — before the error is reported.
        await lifecycle.shutdown('start failed');
        throw e;
      }
      return new Promise<number>(() => undefined); // runs until a signal
    }
    case 'compare': {
      const [a, b, ...extra] = positionals.slice(1);
      const fresh = values.fresh === true || extra.includes('fresh');
      const rest = extra.filter((x) => x !== 'fresh');
      if (!a || !b || rest.length) {
        process.stderr.write(`listinglab: compare takes two listings: an ASIN, an amazon.com URL or a folder with a listing.json\n  e.g. listinglab compare B0799CK52K ./my-listing [--fresh] [--mine A|B] [--json] [--scorecard out.png]\n`);
        return 2;
      }
      // A bare --mine (no value) is refused by runCompare, saying what to give.
      const mine = values.mine === undefined ? undefined : typeof values.mine === 'string' ? values.mine : '';
      return runCompare({ a, b, fresh, json: values.json === true, mine, scorecard: values.scorecard });
    }
    case 'brand':
      return runBrandCli(argv.slice(1), { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) });
    case 'outcome':
      return runOutcomeCli(argv.slice(1), { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) });
    case 'calibration':
      return runCalibrationCli(argv.slice(1), { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) });
    case 'demo':
      return runDemo();
    case 'credits':
      return runCreditsCli(argv.slice(1));
    case 'data':
      return runDataCli(argv.slice(1), { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) });
    case 'experiment':
      return runExperimentCli(argv.slice(1));
    case 'keys':
      return runKeysCli(argv.slice(1), { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) });
    case 'draft':
      return runDraftCli(argv.slice(1));
    case 'discord': {
      if (positionals[1] !== 'register') {
        process.stderr.write('Usage: listinglab discord register [--guild ID]\n');
        return 2;
      }
      return runDiscordRegister(argv.slice(1), loadConfig());
    }
    case 'migrate': {
      const config = loadConfig();
      const logger = loggerFor(config);
      const lifecycle = createLifecycle();
      try {
        await openDatabase(config, logger, lifecycle, { poolSize: 1 });
      } finally {
        await lifecycle.shutdown('migrated');
      }
      process.stdout.write('migrations applied\n');
      return 0;
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`listinglab: unknown command "${command}"\n\n${USAGE}\n`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  async (code) => {
    await flushErrorReports();
    process.exit(code);
  },
  async (e: unknown) => {
    process.stderr.write(`listinglab: ${e instanceof Error ? e.message : String(e)}\n`);
    await flushErrorReports();
    process.exit(1);
  },
);
