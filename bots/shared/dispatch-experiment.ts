import type { AppServices } from '../../service/app/services.ts';
import { assertNever } from '../../service/domain/errors.ts';
import type { ExperimentCommand } from './command.ts';
import type { CommandContext } from './command-context.ts';
import { experimentListText, experimentText } from './experiment-text.ts';
import { PREFIX } from './help.ts';
import { startedReply, type Reply } from './reply.ts';

/**
 * `experiment save/list/show/pin/unpin/rerun` for every front end: the use-cases in
 * service/app/experiments/, answered as platform-neutral Replies (reply.ts). A re-run is a
 * new comparison: it answers like `compare` ('started'), naming its experiment.
 */
export async function experimentReply(cmd: ExperimentCommand, ctx: CommandContext, app: AppServices): Promise<Reply> {
  const ex = app.experiments;
  switch (cmd.action) {
    case 'save': {
      const { experiment, existing } = await ex.save(ctx.workspace, { job: cmd.job, name: cmd.label });
      const note = existing
        ? `Run \`${experiment.baseline.shortId}\` is already the baseline of experiment \`${experiment.shortId}\`.`
        : `Saved run \`${experiment.baseline.shortId}\` as the baseline of experiment \`${experiment.shortId}\`. After a change: ${PREFIX} experiment rerun ${experiment.shortId} <tag…>`;
      return { kind: 'experiment', experiment, note, text: experimentText(experiment, note) };
    }
    case 'list': {
      const list = await ex.list(ctx.workspace, 15);
      return { kind: 'experiments', list, text: experimentListText(list) };
    }
    case 'show': {
      const experiment = await ex.show(ctx.workspace, cmd.id);
      return { kind: 'experiment', experiment, note: null, text: experimentText(experiment) };
    }
    case 'pin':
    case 'unpin': {
      const experiment = await ex.setPinned(ctx.workspace, cmd.id, cmd.action === 'pin');
      const note = cmd.action === 'pin' ? `Pinned experiment \`${experiment.shortId}\`: it is listed first.` : `Unpinned experiment \`${experiment.shortId}\`.`;
      return { kind: 'experiment', experiment, note, text: experimentText(experiment, note) };
    }
    case 'rerun': {
      const { experiment, started } = await ex.rerun(ctx.workspace, cmd.id, {
        tags: cmd.tags,
        requestKey: ctx.requestKey,
        requestedBy: ctx.userId,
        origin: ctx.origin,
      });
      return {
        ...startedReply(started),
        experiment: { id: experiment.id, shortId: experiment.shortId, name: experiment.name, tags: cmd.tags },
      };
    }
    default:
      return assertNever(cmd, 'experiment command');
  }
}
