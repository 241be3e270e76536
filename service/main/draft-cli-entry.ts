import { runDraftCli } from './draft-cli.ts';

/**
 * `node service/main/draft-cli-entry.ts <photo…> [--json]`: `listinglab draft` on its own (what
 * the tests spawn; cli.ts routes `listinglab draft` to the same runDraftCli).
 */
runDraftCli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`listinglab: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
