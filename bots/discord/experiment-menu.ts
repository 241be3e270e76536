import { ComponentType } from 'discord-api-types/v10';
import type { APIActionRowComponent, APIComponentInMessageActionRow, APIEmbed, APIStringSelectComponent } from 'discord-api-types/v10';
import type { ExperimentCard, ExperimentView } from '../../service/app/views/index.ts';
import { EXPERIMENT_TAGS } from '../shared/command.ts';
import { commandFromOptions, type Command } from '../shared/command-grammar.ts';
import type { Reply } from '../shared/reply.ts';
import { rerunCardText, TAG_LABELS } from '../shared/experiment-text.ts';
import { fitMessage } from './limits.ts';
import { COLORS, type DiscordMessage } from './render.ts';

/**
 * Experiments on Discord: the shared text in an embed, and a string select menu (1–8 of the
 * change tags) that re-runs the experiment when the user closes it. Its custom_id carries the
 * experiment: `ll:tags:<experiment id>`; the chosen tags arrive as the interaction's `values`.
 * A select menu needs an action row of its own (no buttons beside it).
 *
 * @see https://discord.com/developers/docs/components/reference#string-select
 */

const PREFIX = 'll:tags:';
const EXPERIMENT_ID = /^[0-9a-f-]{8,36}$/;

export function tagsMenu(experimentId: string): APIActionRowComponent<APIComponentInMessageActionRow> {
  const menu: APIStringSelectComponent = {
    type: ComponentType.StringSelect,
    custom_id: `${PREFIX}${experimentId}`,
    placeholder: 'What changed? Pick 1–8 to re-run with fresh data',
    min_values: 1,
    max_values: EXPERIMENT_TAGS.length,
    options: EXPERIMENT_TAGS.map((tag) => ({ label: TAG_LABELS[tag], value: tag })),
  };
  return { type: ComponentType.ActionRow, components: [menu] };
}

/**
 * The re-run a tags menu asks for, validated by the shared grammar; undefined when the custom_id
 * is not a tags menu of ours. Bad values become a refusal (a Result), never a throw.
 */
export function rerunFromMenu(customId: string, values: readonly string[] | undefined): ReturnType<typeof commandFromOptions> | undefined {
  if (!customId.startsWith(PREFIX)) return undefined;
  const id = customId.slice(PREFIX.length);
  if (!EXPERIMENT_ID.test(id)) return undefined;
  return commandFromOptions('experiment rerun', { id, tags: (values ?? []).join(',') });
}

export const isRerun = (cmd: Command) => cmd.name === 'experiment' && cmd.action === 'rerun';

function experimentMessage(text: string, experiment: Pick<ExperimentView, 'id'>): DiscordMessage {
  const [first = '', ...rest] = text.split('\n');
  const embed: APIEmbed = { description: rest.join('\n').trim() || first, color: COLORS.running };
  return fitMessage({ content: first, embeds: [embed], components: [tagsMenu(experiment.id)], allowed_mentions: { parse: [] } });
}

/** save, show, pin, unpin: the experiment with its deltas and the re-run menu. */
export function experimentReplyMessage(r: Extract<Reply, { kind: 'experiment' }>): DiscordMessage {
  return experimentMessage(r.text, r.experiment);
}

/** The card in a re-run's thread: its deltas against the baseline, and the menu to re-run again. */
export function experimentCardBody(card: ExperimentCard): DiscordMessage {
  return experimentMessage(rerunCardText(card), card.experiment);
}
