import { commandFromOptions } from '../../bots/shared/command-grammar.ts';
import { brandText } from '../../bots/shared/dispatch-brand.ts';
import { isUserError } from '../domain/errors.ts';
import { withCliRuntime } from './cli-runtime.ts';
import { CLI_WORKSPACE } from './experiment-cli.ts';
import { appServices } from './wiring.ts';

/**
 * `listinglab brand add|remove|list …`: the brand list of the CLI's workspace (the one
 * `listinglab compare` runs in), through the same grammar and use-cases as Slack and Discord.
 * Exit codes: 0 done, 1 refused (the list is full), 2 bad usage (before the database is opened).
 */

export const BRAND_USAGE = `Usage:
  listinglab brand add <brand or ASIN>      comparisons where one side is it are marked as yours
  listinglab brand remove <brand or ASIN>
  listinglab brand list`;

export async function runBrandCli(args: readonly string[], io: { out: (t: string) => void; err: (t: string) => void }): Promise<number> {
  const [action, ...rest] = args[0] === 'brand' ? args.slice(1) : args;
  if (action === undefined || action === 'help' || action === '--help' || action === '-h') {
    (action === undefined ? io.err : io.out)(`${BRAND_USAGE}\n`);
    return action === undefined ? 2 : 0;
  }
  const parsed = commandFromOptions(`brand ${action}`, rest.length > 0 ? { brand: rest.join(' ') } : {});
  if (!parsed.ok || parsed.value.name !== 'brand') {
    io.err(`listinglab: ${parsed.ok ? 'not a brand command' : parsed.error.message.replaceAll('/listing brand', 'listinglab brand')}\n`);
    return 2;
  }
  const cmd = parsed.value;
  return withCliRuntime('listinglab-brand', async ({ config, db }) => {
    const { brands } = await appServices(config, db);
    try {
      io.out(`${await brandText(cmd, { workspace: CLI_WORKSPACE, userId: 'terminal' }, brands)}\n`);
      return 0;
    } catch (e) {
      if (!isUserError(e)) throw e;
      io.err(`listinglab: ${e.message}\n`);
      return 1;
    }
  });
}
