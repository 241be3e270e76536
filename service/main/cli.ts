import { parseArgs } from 'node:util';
import { createLifecycle } from './lifecycle.ts';
import { openDatabase } from './database.ts';
import { loadConfig, loggerFor } from './env.ts';
import { startHttp, startWorkerProcess } from './wiring.ts';

/**
 * `listinglab <command>`: serve (HTTP + worker, what `npm start` runs), worker, migrate.
 * Exit codes: 0 done, 1 failure, 2 bad input or configuration.
 */

const USAGE = `Usage: listinglab <command>

Commands:
  serve      HTTP endpoints (Slack, Discord, Stripe, health) and a worker in one process
             (--no-worker: HTTP only, when workers run as their own processes)
  worker     a worker alone (for a separate worker process group)
  migrate    apply database migrations and exit

Environment: see .env.example. With no DATABASE_URL an embedded Postgres runs under DATA_DIR (./.data).`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: false,
    options: { 'no-worker': { type: 'boolean' } },
  });
  const command = positionals[0];
  switch (command) {
    case 'serve':
    case 'worker': {
      const config = loadConfig();
      const logger = loggerFor(config);
      const lifecycle = createLifecycle();
      lifecycle.handleSignals((m) => logger.info(m));
      const db = await openDatabase(config, logger, lifecycle);
      // `serve --no-worker`: HTTP only, for a deployment with a separate worker process group.
      if (command === 'worker' || values['no-worker'] !== true) await startWorkerProcess(config, db, logger, lifecycle);
      if (command === 'serve') {
        const address = await startHttp(config, db, logger, lifecycle);
        logger.info({ address }, 'listinglab serving');
      } else {
        logger.info('listinglab worker running');
      }
      return new Promise<number>(() => undefined); // runs until a signal
    }
    case 'migrate': {
      const config = loadConfig();
      const logger = loggerFor(config);
      const lifecycle = createLifecycle();
      await openDatabase(config, logger, lifecycle, { poolSize: 1 });
      await lifecycle.shutdown('migrated');
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
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`listinglab: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
