import type { AppServices } from '../../service/app/services.ts';
import { assertNever } from '../../service/domain/errors.ts';
import type { ExperimentCommand } from './command.ts';
import type { CommandContext } from './command-context.ts';
import { code, presentExperiment, presentExperimentList, t } from '../../service/app/views/index.ts';
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
      const ids = [code(experiment.baseline.shortId), t(existing ? ' is already the baseline of experiment ' : ' as the baseline of experiment '), code(experiment.shortId)];
      const note = existing ? [t('Run '), ...ids, t('.')] : [t('Saved run '), ...ids, t(`. After a change: ${PREFIX} experiment rerun ${experiment.shortId} <tag…>`)];
      return { kind: 'experiment', experiment, presentation: presentExperiment(experiment, note) };
    }
    case 'list': {
      const list = await ex.list(ctx.workspace, 15);
      return { kind: 'experiments', list, presentation: presentExperimentList(list) };
    }
    case 'show': {
      const experiment = await ex.show(ctx.workspace, cmd.id);
      return { kind: 'experiment', experiment, presentation: presentExperiment(experiment) };
    }
    case 'pin':
    case 'unpin': {
      const experiment = await ex.setPinned(ctx.workspace, cmd.id, cmd.action === 'pin');
      const note = cmd.action === 'pin' ? [t('Pinned experiment '), code(experiment.shortId), t(': it is listed first.')] : [t('Unpinned experiment '), code(experiment.shortId), t('.')];
      return { kind: 'experiment', experiment, presentation: presentExperiment(experiment, note) };
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
