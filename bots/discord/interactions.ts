import { InteractionResponseType, InteractionType, MessageFlags } from 'discord-api-types/v10';
import type { APIInteractionResponse, APIInteractionResponseCallbackData } from 'discord-api-types/v10';
import type { AppServices } from '../../service/app/services.ts';
import { isUserError } from '../../service/domain/errors.ts';
import type { Logger } from '../../service/logger.ts';
import type { Clock } from '../../service/providers/provider.ts';
import { commandFromOptions, type Command } from '../shared/command-grammar.ts';
import { dispatch, type CommandContext } from '../shared/dispatch.ts';
import type { DiscordApi } from './api.ts';
import { attachedPhotos } from './attachments.ts';
import { COMMAND_NAME } from './commands.ts';
import { manualListingModal, parseCustomId, type Action } from './components.ts';
import { rerunFromMenu } from './experiment-menu.ts';
import { outcomeFromModal, outcomeModal } from './outcome-modal.ts';
import { CommandDataSchema, ComponentDataSchema, invocationOf, ModalDataSchema, modalValues, originOf, userIdOf, workspaceOf, type Interaction } from './interaction.ts';
import { adminOnly, isAdmin } from './permissions.ts';
import { answersPublicly, deferred, privateText, responseFor } from './replies.ts';

/**
 * Verified interaction → the HTTP response Discord waits for (at most 3 s). Commands and buttons
 * go through the shared dispatcher; work that outlasts `ackDeadlineMs` is answered deferred and
 * finished by editing `@original` (or, when a public deferral turns out private, by deleting it
 * and sending an ephemeral follow-up).
 *
 * @see https://discord.com/developers/docs/interactions/receiving-and-responding#responding-to-an-interaction
 */

export interface InteractionDeps {
  readonly services: AppServices;
  readonly api: DiscordApi;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Below this balance, credit replies offer Buy credits. */
  readonly lowCreditsBelow: number;
  /** Answer deferred when the work is not done by then (default 2 500 ms; Discord gives up at 3 s). */
  readonly ackDeadlineMs?: number;
}

export interface Handled {
  readonly response: APIInteractionResponse;
  /** Work still running after a deferred answer (settles, never rejects). */
  readonly late?: Promise<void>;
}

const FAILED = 'Something went wrong on our side. Try again in a moment.';

export async function handleInteraction(deps: InteractionDeps, i: Interaction, receivedAt: number): Promise<Handled> {
  // A type Discord adds later falls through to the refusal below.
  switch (i.type as InteractionType) {
    case InteractionType.Ping:
      return { response: { type: InteractionResponseType.Pong } };
    case InteractionType.ApplicationCommand: {
      const data = CommandDataSchema.safeParse(i.data);
      if (!data.success || data.data.name !== COMMAND_NAME) return { response: privateText('Unknown command. Try `/listing help`.') };
      const { path, options } = invocationOf(data.data);
      const parsed = commandFromOptions(path.join(' '), options);
      if (!parsed.ok) return { response: privateText(parsed.error.message) };
      const photos = parsed.value.name === 'draft' ? attachedPhotos(options, data.data.resolved) : undefined;
      return answer(deps, i, parsed.value, receivedAt, photos);
    }
    case InteractionType.MessageComponent: {
      const data = ComponentDataSchema.safeParse(i.data);
      const rerun = data.success ? rerunFromMenu(data.data.custom_id, data.data.values) : undefined;
      if (rerun) return rerun.ok ? answer(deps, i, rerun.value, receivedAt) : { response: privateText(rerun.error.message) };
      const action = data.success ? parseCustomId(data.data.custom_id) : undefined;
      switch (action?.kind) {
        case 'rerun':
          return rerunFresh(deps, i, action, receivedAt);
        case 'save':
          return answer(deps, i, { name: 'experiment', action: 'save', job: action.runId }, receivedAt);
        case 'buy':
          return answer(deps, i, { name: 'buy' }, receivedAt);
        case 'manual':
          return { response: { type: InteractionResponseType.Modal, data: manualListingModal(action.runId, action.side) } };
        case 'outcome':
          return openOutcomeForm(deps, i, action.runId);
        case 'delete':
          return replacing(await answer(deps, i, { name: 'data', action: 'confirm_delete', id: action.confirmationId }, receivedAt));
        case 'keep':
          return { response: { type: InteractionResponseType.UpdateMessage, data: { content: 'Nothing was deleted.', components: [] } } };
        case undefined:
          return { response: privateText('That button is no longer in use. Try `/listing help`.') };
      }
      break;
    }
    case InteractionType.ModalSubmit:
      return submitModal(deps, i, receivedAt);
    case InteractionType.ApplicationCommandAutocomplete:
      return { response: { type: InteractionResponseType.ApplicationCommandAutocompleteResult, data: { choices: [] } } };
    default:
      break;
  }
  return { response: privateText('This kind of interaction is not supported.') };
}

function contextOf(i: Interaction, receivedAt: number, photos?: CommandContext['photos']): CommandContext {
  const userId = userIdOf(i);
  return { workspace: workspaceOf({ ...i, userId }), origin: originOf(i, receivedAt), requestKey: i.id, userId, admin: isAdmin(i), ...(photos ? { photos } : {}) };
}

/** A DM has no guild: its replies speak of "your DMs", not "this server". */
const replyOptions = (deps: InteractionDeps, i: Interaction) => ({ lowCreditsBelow: deps.lowCreditsBelow, inDm: i.guild_id === undefined });

async function answer(deps: InteractionDeps, i: Interaction, cmd: Command, receivedAt: number, photos?: CommandContext['photos']): Promise<Handled> {
  if (adminOnly(cmd) && !isAdmin(i)) {
    return { response: privateText('Only server admins (Administrator or Manage Server permission) can do that.') };
  }
  const ctx = contextOf(i, receivedAt, photos);
  const work = dispatch(cmd, ctx, deps.services).then((reply) => responseFor(reply, cmd, replyOptions(deps, i)));
  return withinDeadline(deps, i, work, answersPublicly(cmd));
}

/**
 * A confirmation's answer takes the place of the message whose button was pressed, so its buttons
 * go away (UPDATE_MESSAGE); a deferred answer stays a follow-up.
 */
function replacing(h: Handled): Handled {
  if (h.response.type !== InteractionResponseType.ChannelMessageWithSource) return h;
  const { flags: _flags, ...data } = h.response.data;
  return { ...h, response: { type: InteractionResponseType.UpdateMessage, data: { ...data, components: data.components ?? [] } } };
}

/**
 * "Re-run fresh": keyed on the source run (as in Slack), not on the click, so a double click —
 * two interactions with their own ids — creates and charges one run; the second click is told
 * where the first went. A button posted before buttons named their run is keyed on its message.
 */
async function rerunFresh(deps: InteractionDeps, i: Interaction, action: Extract<Action, { kind: 'rerun' }>, receivedAt: number): Promise<Handled> {
  // Which side is the asker's, when the first run was told (`mine`): the re-run keeps it.
  const cmd: Command = { name: 'compare', a: action.a, b: action.b, fresh: true, ...(action.mine ? { mine: action.mine } : {}) };
  const source = action.runId ? `run:${action.runId}` : i.message ? `message:${i.message.id}` : undefined;
  const ctx = { ...contextOf(i, receivedAt), ...(source ? { requestKey: `discord:rerun:${source}` } : {}) };
  const work = dispatch(cmd, ctx, deps.services).then((reply) =>
    reply.kind === 'started' && reply.existing === 'same_request'
      ? privateText(`Re-run fresh was already pressed for this comparison: the new run is \`${reply.shortId}\` (\`/listing status ${reply.shortId}\` shows it).`)
      : responseFor(reply, cmd, replyOptions(deps, i)),
  );
  return withinDeadline(deps, i, work, answersPublicly(cmd));
}

/**
 * "Record real result": the run is looked up in the presser's workspace before the form opens
 * (another workspace's run is "not found", an unfinished one refused, privately); an outcome
 * already recorded fills the form.
 */
async function openOutcomeForm(deps: InteractionDeps, i: Interaction, runId: string): Promise<Handled> {
  try {
    const target = await deps.services.outcomes.target(workspaceOf({ ...i, userId: userIdOf(i) }), runId);
    return { response: { type: InteractionResponseType.Modal, data: outcomeModal(target) } };
  } catch (e) {
    if (isUserError(e)) return { response: privateText(e.message) };
    deps.logger.error({ err: e, detail: String(e), interaction: i.id }, 'discord: opening the outcome form failed');
    return { response: privateText(FAILED) };
  }
}

/** A submitted form: the real result (`outcome`, through the dispatcher like the command) or a listing given by hand. */
async function submitModal(deps: InteractionDeps, i: Interaction, receivedAt: number): Promise<Handled> {
  const data = ModalDataSchema.safeParse(i.data);
  const action = data.success ? parseCustomId(data.data.custom_id) : undefined;
  if (!data.success || action?.kind !== 'outcome') return submitManualListing(deps, i);
  const cmd = outcomeFromModal(action.runId, modalValues(data.data.components));
  return cmd.ok ? answer(deps, i, cmd.value, receivedAt) : { response: privateText(cmd.error.message) };
}

/**
 * The manual-fallback form: the run starts again from the listing given by hand. Images are
 * accepted as http(s) links only; the use-case enforces it (a stored image's `sha256:` reference is
 * refused with a private message saying what is accepted), so no form can get past it.
 */
async function submitManualListing(deps: InteractionDeps, i: Interaction): Promise<Handled> {
  const data = ModalDataSchema.safeParse(i.data);
  const action = data.success ? parseCustomId(data.data.custom_id) : undefined;
  if (!data.success || action?.kind !== 'manual') return { response: privateText('That form is no longer in use.') };
  const v = modalValues(data.data.components);
  const lines = (s: string | undefined) => (s ?? '').split('\n').map((l) => l.trim()).filter(Boolean);
  const listing = {
    title: (v['title'] ?? '').trim(),
    bullets: lines(v['bullets']),
    description: (v['description'] ?? '').trim(),
    images: lines(v['images']).flatMap((l) => l.split(/\s+/)),
  };
  const userId = userIdOf(i);
  const work = deps.services
    .completeManually(workspaceOf({ ...i, userId }), action.runId, { [action.side]: listing })
    .then(() => privateText(`Thanks: run \`${action.runId.slice(0, 8)}\` starts again with listing ${action.side} as you gave it. Its message updates as stages finish.`))
    .catch((e: unknown) => {
      if (isUserError(e)) return privateText(e.message);
      throw e;
    });
  return withinDeadline(deps, i, work, false);
}

async function withinDeadline(deps: InteractionDeps, i: Interaction, work: Promise<APIInteractionResponse>, isPublic: boolean): Promise<Handled> {
  const safe = work.catch((e: unknown) => {
    deps.logger.error({ err: e, detail: String(e), interaction: i.id }, 'discord interaction failed');
    return privateText(FAILED);
  });
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), deps.ackDeadlineMs ?? 2_500)));
  const first = await Promise.race([safe, late]);
  clearTimeout(timer);
  if (first !== 'late') return { response: first };
  deps.logger.warn({ interaction: i.id }, 'discord interaction answered deferred: work outlasted the ack deadline');
  const finishing = safe
    .then((response) => finishLate(deps, i, response, isPublic))
    .catch((e: unknown) => deps.logger.error({ err: e, detail: String(e), interaction: i.id }, 'discord: late answer not delivered'));
  return { response: deferred(isPublic), late: finishing };
}

/** Turns the deferred "thinking…" into the real answer. */
async function finishLate(deps: InteractionDeps, i: Interaction, response: APIInteractionResponse, isPublic: boolean): Promise<void> {
  // A deferred run (type 5): the delivery layer edits @original into the run's root.
  if (response.type !== InteractionResponseType.ChannelMessageWithSource) return;
  const data: APIInteractionResponseCallbackData = response.data;
  const ephemeral = ((data.flags ?? 0) & MessageFlags.Ephemeral) !== 0;
  if (isPublic && ephemeral) {
    // A public "thinking…" cannot become private: remove it and answer privately instead.
    await deps.api.deleteOriginal(i.application_id, i.token);
    await deps.api.followUp(i.application_id, i.token, data);
    return;
  }
  const { flags: _flags, ...body } = data;
  await deps.api.editOriginal(i.application_id, i.token, body);
}
