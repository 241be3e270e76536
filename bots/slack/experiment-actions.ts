import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { isUserError } from '../../service/domain/errors.ts';
import { requestOf } from './actions.ts';
import { commandContext, targetOf, workspaceOf, type SlackBotDeps } from './context.ts';
import { EXPERIMENT_ACTION, parseRerunSubmission, RERUN_VIEW, rerunModal } from './experiment-modal.ts';
import { plain, sendPrivately } from './private.ts';
import { answer } from './replies.ts';

type ModalView = Parameters<WebClient['views']['open']>[0]['view'];

/**
 * "Re-run with changes…" → the tag picker modal → `experiment rerun <id> <tags…>`. The button's
 * experiment is looked up in the presser's workspace before the modal opens: another
 * workspace's experiment is "not found" and nothing about it is shown.
 *
 * The submission's request key is the modal's view id: submitting one modal twice makes one run.
 */
export function registerExperimentActions(app: App, deps: SlackBotDeps): void {
  app.action<BlockAction<ButtonAction>>(EXPERIMENT_ACTION.rerun, async ({ ack, body, action, client }) => {
    await ack();
    const req = requestOf(body);
    if (!req) return;
    let experiment;
    try {
      experiment = await deps.services.experiments.show(workspaceOf(req), action.value ?? '');
    } catch (e) {
      if (!isUserError(e)) deps.logger.error({ err: e }, 'slack: loading the experiment failed');
      const text = isUserError(e) ? e.message : 'Something went wrong on our side. Please try again in a minute.';
      await sendPrivately(client, targetOf(req), plain(text), deps.logger);
      return;
    }
    // trigger_id lives 3 s after the press; the lookup above is one indexed query.
    const meta = { experimentId: experiment.id, channelId: req.channelId, responseUrl: req.responseUrl };
    await client.views.open({ trigger_id: body.trigger_id, view: rerunModal(experiment, meta) as unknown as ModalView });
  });

  app.view(RERUN_VIEW, async ({ ack, body, view, client }) => {
    const parsed = parseRerunSubmission(view.state.values, view.private_metadata);
    if (!parsed.ok) {
      await ack({ response_action: 'errors', errors: parsed.errors });
      return;
    }
    await ack();
    const teamId = body.team?.id ?? body.user.team_id ?? '';
    const req = {
      teamId,
      teamName: body.team?.domain,
      enterpriseId: body.enterprise?.id ?? undefined,
      channelId: parsed.meta.channelId,
      userId: body.user.id,
      responseUrl: parsed.meta.responseUrl,
    };
    const ctx = commandContext(req, `slack:view:${view.id}`);
    await answer({ name: 'experiment', action: 'rerun', id: parsed.meta.experimentId, tags: parsed.tags }, ctx, targetOf(req), client, deps, 'button');
  });
}
