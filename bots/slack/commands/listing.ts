import type { App } from '@slack/bolt';
import { parseCommand } from '../../shared/command-grammar.ts';
import { commandContext, targetOf, type SlackBotDeps, type SlackRequest } from '../context.ts';
import { openDraftForm } from '../draft-form.ts';
import { plain } from '../private.ts';
import { answer } from '../replies.ts';

/**
 * The slash command (`/listing <subcommand> …`; any command name the Slack app routes here).
 * Text that does not parse is answered in the acknowledgement itself (ephemeral, nothing else
 * happens); everything else is acknowledged first and answered privately when done — the run's
 * root message comes from the delivery layer.
 *
 * The request key is the command's trigger_id: a redelivered command finds its run.
 */
export function registerListingCommand(app: App, deps: SlackBotDeps): void {
  app.command(/.*/, async ({ command, ack, client }) => {
    const parsed = parseCommand(command.text);
    if (!parsed.ok) {
      await ack({ response_type: 'ephemeral', text: plain(parsed.error.message).text });
      return;
    }
    await ack();
    // The acknowledgement is written; what the command does waits for the next turn of the event
    // loop, so commands that arrived together are all acknowledged before any of them starts its
    // database work (20 at once: the last ack waited for the others' run creations, issue 22).
    await new Promise((resolve) => setImmediate(resolve));
    // A slash command carries no files: `draft` opens the photo form instead (draft-form.ts).
    if (parsed.value.name === 'draft') return openDraftForm(command, client, deps);
    const req: SlackRequest = {
      teamId: command.team_id,
      teamName: command.team_domain,
      enterpriseId: command.enterprise_id,
      channelId: command.channel_id,
      userId: command.user_id,
      responseUrl: command.response_url,
    };
    await answer(parsed.value, commandContext(req, `slack:command:${command.trigger_id}`), targetOf(req), client, deps, 'command');
  });
}
