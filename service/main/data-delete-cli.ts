import { parseArgs } from 'node:util';
import { countsText } from '../../bots/shared/dispatch-data.ts';
import type { DeleteRequest, DeleteResult } from '../app/data/index.ts';
import { plural } from '../app/views/index.ts';
import { isUserError } from '../domain/errors.ts';
import type { WorkspaceRef } from '../domain/workspace.ts';
import { withCliRuntime } from './cli-runtime.ts';
import { workspaceArg } from './workspace-arg.ts';
import { appServices } from './wiring.ts';

/**
 * `listinglab data delete <platform> <workspace> [--confirm <workspace>]`: an operator's delete of
 * a workspace's data, with the same confirmation an admin's button gives (app/data). Without
 * `--confirm` it says what would be removed and kept and the exact command that deletes; with
 * `--confirm` repeating the workspace id it asks and confirms at once. Exit codes: 0 deleted,
 * 1 failure, 2 nothing removed (no --confirm, a --confirm that does not match, bad usage, an
 * unknown workspace).
 */

export const DATA_DELETE_USAGE = `Usage:
  listinglab data delete <platform> <workspace>
      say what would be removed and kept; nothing is removed
  listinglab data delete <platform> <workspace> --confirm <workspace>
      remove the workspace's runs, stage outputs, images no other workspace uses, experiments,
      real results, brand list and installation tokens (running runs are cancelled and
      refunded first); its credit ledger and purchases stay, without user ids

  <platform> is slack, discord or cli; <workspace> the Slack team id, Discord guild id or, for
  cli, local. --confirm must repeat the workspace id.`;

/** Who asked, as the confirmation records it: the operator at this terminal. */
const OPERATOR = 'terminal';

type DeleteArgs = { ok: true; ref: WorkspaceRef; confirm: string | undefined } | { ok: false; error: string } | { ok: 'help' };

export function parseDeleteArgs(args: readonly string[]): DeleteArgs {
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], allowPositionals: true, strict: true, options: { confirm: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
  if (parsed.values.help) return { ok: 'help' };
  const workspace = workspaceArg('data delete', parsed.positionals);
  if (!workspace.ok) return workspace;
  return { ok: true, ref: workspace.ref, confirm: parsed.values.confirm };
}

export async function runDataDeleteCli(args: readonly string[], io: { out: (t: string) => void; err: (t: string) => void }): Promise<number> {
  const parsed = parseDeleteArgs(args);
  if (parsed.ok === 'help') {
    io.out(`${DATA_DELETE_USAGE}\n`);
    return 0;
  }
  if (!parsed.ok) {
    io.err(`listinglab: ${parsed.error}\n\n${DATA_DELETE_USAGE}\n`);
    return 2;
  }
  const { ref, confirm } = parsed;
  const name = `${ref.platform} workspace ${ref.externalId}`;
  if (confirm !== undefined && confirm !== ref.externalId) {
    io.err(`listinglab: --confirm must repeat the workspace id "${ref.externalId}" exactly (it was "${confirm}"): nothing was removed.\n`);
    return 2;
  }
  return withCliRuntime('listinglab-data-delete', async ({ config, db }) => {
    const { data } = await appServices(config, db);
    try {
      const request = await data.requestDelete(ref, OPERATOR);
      if (confirm === undefined) {
        io.out(previewText(name, request, ref));
        return 2;
      }
      io.out(deletedText(name, await data.confirmDelete(ref, request.confirmationId, OPERATOR)));
      return 0;
    } catch (e) {
      if (!isUserError(e)) throw e;
      io.err(`listinglab: ${e.message}\n`);
      return 2;
    }
  });
}

function previewText(name: string, r: DeleteRequest, ref: WorkspaceRef): string {
  const running = r.runningRuns > 0 ? `\n  ${plural(r.runningRuns, 'run')} still going would be cancelled and refunded first.` : '';
  return [
    `Deleting the data of ${name} would remove ${countsText(r.counts)} (only images no other workspace uses) and its installation tokens.${running}`,
    `It would keep, for accounting and without user ids, ${plural(r.counts.ledgerLines, 'credit ledger line')} and ${plural(r.counts.purchases, 'purchase')}, and the balance.`,
    'Nothing was removed. To delete, run:',
    `  listinglab data delete ${ref.platform} ${ref.externalId} --confirm ${ref.externalId}`,
    '',
  ].join('\n');
}

function deletedText(name: string, r: DeleteResult): string {
  const cancelled = r.cancelledRuns > 0 ? ` ${plural(r.cancelledRuns, 'running run')} cancelled and refunded.` : '';
  return [
    `Deleted the data of ${name}: ${countsText(r.removed)}, ${plural(r.removed.installations, 'installation')}.${cancelled}`,
    `Kept for accounting, without user ids: ${plural(r.keptLedgerLines, 'ledger line')} and ${plural(r.keptPurchases, 'purchase')}; the balance stays ${plural(r.balance, 'credit')}.`,
    '',
  ].join('\n');
}
