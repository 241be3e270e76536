import { commandFromOptions, type Command } from '../shared/command-grammar.ts';
import { TAGS_MENU } from './components.ts';

/**
 * An experiment's tags menu, read back: render.ts shows an experiment's `rerun_experiment` intent
 * as a string select menu (components.ts `tagsMenu`, 1–8 of the change tags) whose custom_id
 * carries the experiment, `ll:tags:<experiment id>`; the chosen tags arrive as the interaction's
 * `values` and re-run the experiment.
 *
 * @see https://discord.com/developers/docs/components/reference#string-select
 */

const EXPERIMENT_ID = /^[0-9a-f-]{8,36}$/;

/**
 * The re-run a tags menu asks for, validated by the shared grammar; undefined when the custom_id
 * is not a tags menu of ours. Bad values become a refusal (a Result), never a throw.
 */
export function rerunFromMenu(customId: string, values: readonly string[] | undefined): ReturnType<typeof commandFromOptions> | undefined {
  if (!customId.startsWith(TAGS_MENU)) return undefined;
  const id = customId.slice(TAGS_MENU.length);
  if (!EXPERIMENT_ID.test(id)) return undefined;
  return commandFromOptions('experiment rerun', { id, tags: (values ?? []).join(',') });
}

export const isRerun = (cmd: Command) => cmd.name === 'experiment' && cmd.action === 'rerun';
