import type { AppServices } from '../../service/app/services.ts';
import type { CreditsSummary, PriceSheet } from '../../service/app/credits/index.ts';
import type { HistoryLine } from '../../service/app/workspaces/index.ts';
import { assertNever, isUserError } from '../../service/domain/errors.ts';
import type { Command } from './command.ts';
import type { CommandContext } from './command-context.ts';
import { brandReply } from './dispatch-brand.ts';
import { dataReply } from './dispatch-data.ts';
import { experimentReply } from './dispatch-experiment.ts';
import { calibrationReply, outcomeReply } from './dispatch-outcome.ts';
import { costLine, usage } from './help.ts';
import { startedReply, type Reply } from './reply.ts';

/**
 * One dispatcher for every chat front end: a parsed Command → a use-case → a platform-neutral
 * Reply that bots/<platform>/ renders. Transport stays in the platform folders; what each
 * subcommand does lives here once.
 */

/** dispatch()'s own signature, for its callers: the context it takes (command-context.ts) and the Reply it returns (reply.ts). */
export type { CommandContext } from './command-context.ts';
export type { Reply } from './reply.ts';

export async function dispatch(cmd: Command, ctx: CommandContext, app: AppServices): Promise<Reply> {
  try {
    return await run(cmd, ctx, app);
  } catch (e) {
    // Expected refusals (not enough credits, not found…) are private replies that changed nothing.
    if (isUserError(e)) return { kind: 'private', text: e.message, code: e.code };
    throw e;
  }
}

/** Commands that cost nothing yet read or write the database (`buy` has its own, tighter limit). */
function countsAsFree(cmd: Command): boolean {
  switch (cmd.name) {
    case 'credits':
    case 'history':
    case 'status':
    case 'brand':
    case 'outcome':
    case 'calibration':
    case 'data':
      return true;
    case 'experiment':
      return cmd.action !== 'rerun';
    case 'help': // static text: nothing to protect
    case 'buy': // its own, tighter limit (service/app/credits/checkout-limits.ts)
    case 'compare': // paid: credits, the daily cap and running slots bound it
    case 'draft':
      return false;
    default:
      return assertNever(cmd, 'command');
  }
}

async function run(cmd: Command, ctx: CommandContext, app: AppServices): Promise<Reply> {
  if (countsAsFree(cmd)) await app.admitFreeCommand(ctx.workspace, ctx.userId);
  switch (cmd.name) {
    case 'help':
      return { kind: 'private', text: usage(cmd.topic, app.prices) };
    case 'compare': {
      const r = await app.startComparison({
        workspace: ctx.workspace,
        a: { kind: 'asin', asin: cmd.a },
        b: { kind: 'asin', asin: cmd.b },
        fresh: cmd.fresh,
        ...(cmd.mine ? { mine: cmd.mine } : {}),
        requestKey: ctx.requestKey,
        requestedBy: ctx.userId,
        origin: ctx.origin,
      });
      return startedReply(r);
    }
    case 'credits': {
      const summary = await app.credits(ctx.workspace);
      return { kind: 'credits', summary, text: creditsText(summary, app.prices) };
    }
    case 'history': {
      const lines = await app.history(ctx.workspace, 10);
      return { kind: 'history', lines, text: historyText(lines) };
    }
    case 'status':
      return { kind: 'status', view: await app.status(ctx.workspace, cmd.job) };
    case 'buy': {
      const link = await app.buy(ctx.workspace, cmd.pack, {
        userId: ctx.userId,
        channelId: ctx.origin.platform === 'cli' ? null : ctx.origin.channelId,
        requestKey: ctx.requestKey,
      });
      return { kind: 'checkout', url: link.url, pack: link.pack };
    }
    case 'draft': {
      const hints = cmd.brand !== undefined || cmd.productType !== undefined ? { hints: { brand: cmd.brand, productType: cmd.productType } } : {};
      const r = await app.startDraft({ workspace: ctx.workspace, photos: ctx.photos ?? [], ...hints, requestKey: ctx.requestKey, requestedBy: ctx.userId, origin: ctx.origin });
      return startedReply(r);
    }
    case 'experiment':
      return experimentReply(cmd, ctx, app);
    case 'brand':
      return brandReply(cmd, ctx, app.brands);
    case 'outcome':
      return outcomeReply(cmd, ctx, app.outcomes);
    case 'calibration':
      return calibrationReply(ctx, app.outcomes);
    case 'data':
      return dataReply(cmd, ctx, app.data);
    default:
      return assertNever(cmd, 'command');
  }
}

/** The `credits` reply; with `prices` (the configured ones) it ends with what things cost. */
export function creditsText(s: CreditsSummary, prices?: PriceSheet): string {
  const lines = [`Balance: ${s.balance} credits`, `Used today: ${s.usedToday} of ${s.dailyCap} (daily cap)`];
  if (s.recent.length) {
    lines.push('Recent:');
    for (const r of s.recent) lines.push(`  ${r.at.toISOString().slice(0, 16).replace('T', ' ')}  ${r.amount > 0 ? '+' : ''}${r.amount}  ${r.kind}${r.note ? ` — ${r.note}` : ''}`);
  }
  if (prices) lines.push(costLine(prices));
  return lines.join('\n');
}

export function historyText(lines: readonly HistoryLine[]): string {
  if (!lines.length) return 'No comparisons yet. Try `/listing compare <A> <B>`.';
  return lines
    .map((l) => {
      if (l.kind === 'draft') return `\`${l.shortId}\` ${l.createdAt.toISOString().slice(0, 10)}  listing drafts from ${l.pair.A}: ${l.status}`;
      const verdict = l.winner ? (l.winner === 'tie' ? 'tie' : `${l.pair[l.winner]} wins`) : l.status;
      const score = l.score ? ` (${l.score.A.toFixed(1)}–${l.score.B.toFixed(1)})` : '';
      return `\`${l.shortId}\` ${l.createdAt.toISOString().slice(0, 10)}  ${l.pair.A} vs ${l.pair.B}: ${verdict}${score}`;
    })
    .join('\n');
}
