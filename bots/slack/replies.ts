import type { WebClient } from '@slack/web-api';
import { dispatch, type CommandContext, type Reply } from '../shared/dispatch.ts';
import type { Command } from '../shared/command.ts';
import { assertNever, type ErrorCode } from '../../service/domain/errors.ts';
import { actions, button, esc, section, truncate } from './blocks.ts';
import { ACTION, slackReply, slackText } from './render.ts';
import type { SlackBotDeps } from './context.ts';
import { checkoutReply } from './commands/buy.ts';
import { startedReply } from './commands/compare.ts';
import { creditsReply } from './commands/credits.ts';
import { historyReply } from './commands/history.ts';
import { statusReply } from './commands/status.ts';
import { plain, sendPrivately, type PrivateMessage, type PrivateTarget } from './private.ts';
import { workspaceAdminOnly } from '../shared/permissions.ts';
import { checkWorkspaceAdmin, unknownAdminText } from './admins.ts';

/** Refusals a purchase would fix: the reply carries a "Buy credits" button. */
const OFFER_BUY: ReadonlySet<ErrorCode> = new Set(['insufficient_credits']);

function withBuyButton(msg: PrivateMessage): PrivateMessage {
  const buttons = actions('buy', [button('Buy credits', ACTION.buyCredits, 'refusal', 'primary')]);
  return { text: msg.text, blocks: [section(msg.text), ...(buttons ? [buttons] : [])] };
}

/** A re-run started: the run's root message is posted in the channel; this says what it is for. */
export function rerunStartedReply(r: Extract<Reply, { kind: 'started' }>, via: 'command' | 'button'): PrivateMessage | undefined {
  const exp = r.experiment;
  if (!exp) return undefined;
  if (r.existing === 'same_request') return via === 'button' ? { text: `Already started as job \`${r.shortId}\`: see \`/listing status ${r.shortId}\`.` } : undefined;
  const where = r.queuePosition != null ? ` It is queued (#${r.queuePosition} in line) and starts when a slot frees up.` : '';
  const text = `Re-running experiment \`${exp.shortId}\` (${esc(truncate(exp.name, 200))}) as job \`${r.shortId}\`, changed: ${esc(exp.tags.join(', '))}. The score changes against the baseline will be posted in the run's thread.${where}`;
  return { text };
}

/**
 * A Command, from a slash command or a button, through the one dispatcher to a private reply.
 * Each subcommand's rendering is in commands/<name>.ts; refusals and usage are plain text.
 */

export async function renderReply(reply: Reply, ctx: CommandContext, deps: SlackBotDeps, via: 'command' | 'button'): Promise<PrivateMessage | undefined> {
  switch (reply.kind) {
    case 'private':
      return reply.code && OFFER_BUY.has(reply.code) ? withBuyButton(plain(reply.text)) : plain(reply.text);
    case 'started':
      if (reply.experiment) return rerunStartedReply(reply, via);
      return startedReply(reply, { services: deps.services, workspace: ctx.workspace, via });
    case 'credits':
      return creditsReply(reply);
    case 'history':
      return historyReply(reply);
    case 'status':
      return statusReply(reply.view);
    case 'checkout':
      return checkoutReply(reply);
    case 'experiment':
      return slackReply(reply.presentation, `experiment:${reply.experiment.id}`);
    case 'experiments':
      return { text: slackText(reply.presentation) };
    case 'delete_confirmation': {
      const buttons = actions('data_delete', [
        button('Delete everything', ACTION.confirmDelete, reply.request.confirmationId, 'danger'),
        button('Cancel', ACTION.cancelDelete, 'cancel'),
      ]);
      return { text: esc(reply.text), blocks: [section(esc(reply.text)), ...(buttons ? [buttons] : [])] };
    }
    default:
      return assertNever(reply, 'reply');
  }
}

/** Runs a command after the request was acknowledged and answers privately. Never throws. */
export async function answer(
  cmd: Command,
  ctx: CommandContext,
  target: PrivateTarget,
  client: WebClient | undefined,
  deps: SlackBotDeps,
  via: 'command' | 'button' | 'confirmation',
): Promise<void> {
  let msg: PrivateMessage | undefined;
  try {
    // Admin-only commands: Slack's payload does not say who is an admin, users.info does.
    const check = workspaceAdminOnly(cmd) ? await checkWorkspaceAdmin(client, ctx.userId, deps.logger) : undefined;
    if (check && 'unknown' in check) msg = plain(unknownAdminText(check.unknown));
    else msg = await renderReply(await dispatch(cmd, check ? { ...ctx, admin: check.admin } : ctx, deps.services), ctx, deps, via === 'command' ? 'command' : 'button');
  } catch (err) {
    deps.logger.error({ err, command: cmd.name }, 'slack command failed');
    msg = plain('Something went wrong on our side. Please try again in a minute (`/listing history` shows whether a comparison started).');
  }
  if (msg) await sendPrivately(client, target, msg, deps.logger, { replace: via === 'confirmation' });
}
