import type { DataServices, DeleteRequest, DeleteResult, ExportLink, WorkspaceDataCounts } from '../../service/app/data/index.ts';
import { plural } from '../../service/app/views/index.ts';
import { assertNever, USER_MESSAGES } from '../../service/domain/errors.ts';
import type { DataCommand } from './command.ts';
import type { CommandContext } from './command-context.ts';
import type { Reply } from './reply.ts';

/**
 * `data export`, `data delete` and the delete confirmation's button, for every chat front end:
 * refused unless the front end established that the asker administers the workspace
 * (`ctx.admin`), then the workspace-data use-cases, answered privately in plain text.
 */
export async function dataReply(cmd: DataCommand, ctx: Pick<CommandContext, 'workspace' | 'userId' | 'admin'>, data: DataServices): Promise<Reply> {
  if (ctx.admin !== true) return { kind: 'private', text: USER_MESSAGES.not_admin, code: 'not_admin' };
  switch (cmd.action) {
    case 'export':
      return { kind: 'private', text: exportText(await data.requestExport(ctx.workspace, ctx.userId)) };
    case 'delete': {
      const request = await data.requestDelete(ctx.workspace, ctx.userId);
      return { kind: 'delete_confirmation', request, text: confirmationText(request, ctx.workspace.platform) };
    }
    case 'confirm_delete':
      return { kind: 'private', text: deletedText(await data.confirmDelete(ctx.workspace, cmd.id, ctx.userId)) };
    default:
      return assertNever(cmd, 'data command');
  }
}

/** "12 runs, 2 experiments and 30 images" — only what there is; "nothing yet" when empty. */
export function countsText(c: WorkspaceDataCounts, only: readonly (keyof WorkspaceDataCounts)[] = ['runs', 'experiments', 'outcomes', 'brands', 'images']): string {
  const words: Record<keyof WorkspaceDataCounts, [string, string]> = {
    runs: ['comparison or draft', 'comparisons and drafts'],
    experiments: ['experiment', 'experiments'],
    outcomes: ['recorded real result', 'recorded real results'],
    ledgerLines: ['credit ledger line', 'credit ledger lines'],
    purchases: ['purchase', 'purchases'],
    brands: ['brand-list entry', 'brand-list entries'],
    images: ['image', 'images'],
  };
  const parts = only.filter((k) => c[k] > 0).map((k) => plural(c[k], words[k][0], words[k][1]));
  if (parts.length === 0) return 'nothing yet';
  return parts.length === 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1) ?? ''}`;
}

const utc = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

function exportText(link: ExportLink): string {
  return [
    `Your workspace's data, as one .tar.gz: ${link.url}`,
    `It holds ${countsText(link.counts, ['runs', 'experiments', 'outcomes', 'ledgerLines', 'purchases', 'brands', 'images'])}; README.txt inside says what each file is.`,
    `The link works until ${utc(link.expiresAt)} for anyone who has it: keep it to yourself.`,
  ].join('\n');
}

function confirmationText(r: DeleteRequest, platform: string): string {
  // Only a Slack app installed through OAuth stores a token per workspace (Discord's bot token is the operator's).
  const installation = platform === 'slack' ? ", and the app's stored installation if it has one (ListingLab must then be reinstalled)" : '';
  const running = r.runningRuns > 0 ? ` ${plural(r.runningRuns, 'run')} still going will be cancelled and refunded first.` : '';
  return [
    `Delete everything this workspace stored? That is ${countsText(r.counts)} (only images no other workspace uses)${installation}.${running}`,
    `Kept for accounting, without user ids: the credit ledger (${plural(r.counts.ledgerLines, 'line')}) and purchases (${r.counts.purchases}).`,
    `This cannot be undone: run \`/listing data export\` first if you want a copy. The button works until ${utc(r.expiresAt)}.`,
  ].join('\n');
}

function deletedText(r: DeleteResult): string {
  const cancelled = r.cancelledRuns > 0 ? ` ${r.cancelledRuns} running ${r.cancelledRuns === 1 ? 'run was' : 'runs were'} cancelled and refunded.` : '';
  const reinstall = r.removed.installations > 0 ? "\nThe app's token for this workspace was removed too: reinstall ListingLab to use it again." : '';
  return [
    `Deleted ${countsText(r.removed)}.${cancelled}`,
    `Kept for accounting, without user ids: ${plural(r.keptLedgerLines, 'ledger line')} and ${plural(r.keptPurchases, 'purchase')}; the balance stays ${plural(r.balance, 'credit')}.${reinstall}`,
  ].join('\n');
}
