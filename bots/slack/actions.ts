import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { isUserError } from '../../service/domain/errors.ts';
import type { RunView } from '../../service/app/views/index.ts';
import { commandContext, targetOf, workspaceOf, type SlackBotDeps, type SlackRequest } from './context.ts';
import { manualModal, MANUAL_VIEW, parseManualSubmission } from './manual-modal.ts';
import { OUTCOME_ACTION, OUTCOME_VIEW, outcomeModal, parseOutcomeSubmission } from './outcome-modal.ts';
import { plain, sendPrivately } from './private.ts';
import { ACTION } from './render.ts';
import { answer } from './replies.ts';

type ModalView = Parameters<WebClient['views']['open']>[0]['view'];

/**
 * The buttons on a run's root message, and the manual-fallback modal they open. Every press is
 * acknowledged first; what it does goes through the same dispatcher as the slash command.
 *
 * "Re-run fresh" uses the source run as its request key, so a double click (two deliveries with
 * different trigger ids) still creates one run; the second press is told where the first went.
 */

export function requestOf(body: BlockAction): SlackRequest | undefined {
  const teamId = body.team?.id ?? body.user.team_id;
  const channelId = body.channel?.id;
  if (!teamId || !channelId) return undefined;
  return {
    teamId,
    teamName: body.team?.domain,
    enterpriseId: body.enterprise?.id ?? body.team?.enterprise_id,
    channelId,
    userId: body.user.id,
    responseUrl: body.response_url,
  };
}

/** The run a button belongs to, in the presser's workspace (another workspace's run is "not found"). */
async function runOf(deps: SlackBotDeps, req: SlackRequest, runId: string, client: WebClient): Promise<RunView | undefined> {
  try {
    return await deps.services.status(workspaceOf(req), runId);
  } catch (e) {
    const text = isUserError(e) ? e.message : 'Something went wrong on our side. Please try again in a minute.';
    if (!isUserError(e)) deps.logger.error({ err: e }, 'slack button: loading the run failed');
    await sendPrivately(client, targetOf(req), plain(text), deps.logger);
    return undefined;
  }
}

export function registerActions(app: App, deps: SlackBotDeps): void {
  // "Open full report" is a link: Slack opens it and still sends the click, which only needs its ack.
  app.action(ACTION.openReport, async ({ ack }) => {
    await ack();
  });

  app.action<BlockAction<ButtonAction>>(ACTION.rerunFresh, async ({ ack, body, action, client }) => {
    await ack();
    const req = requestOf(body);
    if (!req) return;
    const view = await runOf(deps, req, action.value ?? '', client);
    if (!view) return;
    const { A, B } = view.pair;
    if (!A.asin || !B.asin) {
      await sendPrivately(client, targetOf(req), plain('A listing given by hand cannot be fetched again: start a new comparison with two ASINs.'), deps.logger);
      return;
    }
    const ctx = commandContext(req, `slack:rerun:${view.id}`);
    // The side the first run was told is the asker's stays theirs (a brand-list mark is found again).
    const mine = view.mine && view.mineSource === 'asked' ? { mine: view.mine } : {};
    await answer({ name: 'compare', a: A.asin, b: B.asin, fresh: true, ...mine }, ctx, targetOf(req), client, deps, 'button');
  });

  app.action<BlockAction<ButtonAction>>(ACTION.saveExperiment, async ({ ack, body, action, client }) => {
    await ack();
    const req = requestOf(body);
    if (!req) return;
    const ctx = commandContext(req, `slack:action:${body.trigger_id}:${action.action_ts}`);
    await answer({ name: 'experiment', action: 'save', job: (action.value ?? '').toLowerCase() }, ctx, targetOf(req), client, deps, 'button');
  });

  app.action<BlockAction<ButtonAction>>(ACTION.buyCredits, async ({ ack, body, action, client }) => {
    await ack();
    const req = requestOf(body);
    if (!req) return;
    await answer({ name: 'buy' }, commandContext(req, `slack:action:${body.trigger_id}:${action.action_ts}`), targetOf(req), client, deps, 'button');
  });

  // `data delete`'s confirmation: the admin check is made again on the press (answer()), and the
  // reply replaces the confirmation so its buttons go away.
  app.action<BlockAction<ButtonAction>>(ACTION.confirmDelete, async ({ ack, body, action, client }) => {
    await ack();
    const req = requestOf(body);
    if (!req) return;
    const ctx = commandContext(req, `slack:action:${body.trigger_id}:${action.action_ts}`);
    await answer({ name: 'data', action: 'confirm_delete', id: (action.value ?? '').toLowerCase() }, ctx, targetOf(req), client, deps, 'confirmation');
  });

  app.action<BlockAction<ButtonAction>>(ACTION.cancelDelete, async ({ ack, body, client }) => {
    await ack();
    const req = requestOf(body);
    if (req) await sendPrivately(client, targetOf(req), plain('Nothing was deleted.'), deps.logger, { replace: true });
  });

  app.action<BlockAction<ButtonAction>>(ACTION.manualFallback, async ({ ack, body, action, client }) => {
    await ack();
    const req = requestOf(body);
    if (!req) return;
    const view = await runOf(deps, req, action.value ?? '', client);
    if (!view) return;
    const meta = { runId: view.id, channelId: req.channelId, responseUrl: req.responseUrl, asins: { A: view.pair.A.asin, B: view.pair.B.asin } };
    // trigger_id is valid for 3 s after the press: open the modal before anything else.
    // The modal is built from plain objects (manual-modal.ts); its shape is checked by Slack and the tests.
    await client.views.open({ trigger_id: body.trigger_id, view: manualModal(view, meta) as unknown as ModalView });
  });

  app.view(MANUAL_VIEW, async ({ ack, body, view, client }) => {
    const parsed = parseManualSubmission(view.state.values, view.private_metadata);
    if (!parsed.ok) {
      await ack({ response_action: 'errors', errors: parsed.errors });
      return;
    }
    await ack();
    const teamId = body.team?.id ?? body.user.team_id ?? '';
    const target = { channelId: parsed.meta.channelId, userId: body.user.id, responseUrl: parsed.meta.responseUrl };
    try {
      await deps.services.completeManually(workspaceOf({ teamId }), parsed.meta.runId, { [parsed.side]: parsed.listing });
      await sendPrivately(client, target, plain(`Thanks: listing ${parsed.side} is in; the comparison continues in the same message.`), deps.logger);
    } catch (e) {
      if (!isUserError(e)) deps.logger.error({ err: e }, 'manual fallback failed');
      const text = isUserError(e) ? e.message : 'Something went wrong on our side. Please try again in a minute.';
      await sendPrivately(client, target, plain(text), deps.logger);
    }
  });

  // "Record real result": the run is looked up in the presser's workspace first (another
  // workspace's run is "not found", an unfinished one is refused), then the form opens.
  app.action<BlockAction<ButtonAction>>(OUTCOME_ACTION, async ({ ack, body, action, client }) => {
    await ack();
    const req = requestOf(body);
    if (!req) return;
    try {
      const target = await deps.services.outcomes.target(workspaceOf(req), action.value ?? '');
      const meta = { runId: target.runId, channelId: req.channelId, responseUrl: req.responseUrl };
      await client.views.open({ trigger_id: body.trigger_id, view: outcomeModal(target, meta) as unknown as ModalView });
    } catch (e) {
      if (!isUserError(e)) deps.logger.error({ err: e }, 'slack: opening the outcome form failed');
      const text = isUserError(e) ? e.message : 'Something went wrong on our side. Please try again in a minute.';
      await sendPrivately(client, targetOf(req), plain(text), deps.logger);
    }
  });

  // The form's answer is `outcome <run> …` through the dispatcher: the same reply, rate limit and checks as the command.
  app.view(OUTCOME_VIEW, async ({ ack, body, view, client }) => {
    const parsed = parseOutcomeSubmission(view.state.values, view.private_metadata);
    if (!parsed.ok) {
      await ack({ response_action: 'errors', errors: parsed.errors });
      return;
    }
    await ack();
    const { meta } = parsed;
    const req = { teamId: body.team?.id ?? body.user.team_id ?? '', teamName: body.team?.domain, channelId: meta.channelId, userId: body.user.id, responseUrl: meta.responseUrl };
    const cmd = { name: 'outcome' as const, job: meta.runId, result: parsed.result, ...(parsed.click ? { click: parsed.click } : {}), ...(parsed.note ? { note: parsed.note } : {}) };
    await answer(cmd, commandContext(req, `slack:view:${view.id}`), targetOf(req), client, deps, 'button');
  });
}
