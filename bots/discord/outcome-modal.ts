import { ComponentType, TextInputStyle } from 'discord-api-types/v10';
import type { APIModalInteractionResponseCallbackData } from 'discord-api-types/v10';
import { OUTCOME_NOTE_MAX, type OutcomeTarget } from '../../service/app/outcomes/index.ts';
import type { UserError } from '../../service/domain/errors.ts';
import type { Result } from '../../service/domain/errors.ts';
import type { OutcomeCommand } from '../shared/command.ts';
import { outcome } from '../shared/command-grammar-outcome.ts';
import { customId } from './components.ts';

/**
 * "Record real result" on Discord: the button (`ll:outcome:<run id>`) opens this form, with the
 * same custom_id; its answers are read by the shared grammar as `outcome`'s options, so a bad
 * side is refused with the same words as the command. Text inputs, as in the manual-fallback form;
 * an outcome already recorded fills them.
 *
 * @see https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-response-object-modal
 */

/** Discord's limits: a modal title ≤ 45 characters, a text input's label ≤ 45. */
export function outcomeModal(t: OutcomeTarget): APIModalInteractionResponseCallbackData {
  const input = (custom_id: string, label: string, style: TextInputStyle, required: boolean, max_length: number, placeholder: string, value: string | null | undefined) => ({
    type: ComponentType.ActionRow as const,
    components: [{ type: ComponentType.TextInput as const, custom_id, label, style, required, max_length, placeholder, ...(value ? { value } : {}) }],
  });
  return {
    custom_id: customId({ kind: 'outcome', runId: t.runId }),
    title: `Real result of run ${t.shortId}`,
    components: [
      input('result', 'Which listing really won? A, B or tie', TextInputStyle.Short, true, 3, `A (${t.pair.A}), B (${t.pair.B}) or tie`.slice(0, 100), t.current?.result),
      input('click', 'Which won the click? A, B or tie (optional)', TextInputStyle.Short, false, 3, 'Only if a CTR test told you', t.current?.clickResult),
      input('note', 'Note (what the result is based on)', TextInputStyle.Paragraph, false, OUTCOME_NOTE_MAX, 'e.g. a 2-week A/B test', t.current?.note),
    ],
  };
}

/** The submitted form → the `outcome` command for that run (the grammar's refusals for a bad side). */
export function outcomeFromModal(runId: string, values: Record<string, string>): Result<OutcomeCommand, UserError> {
  const blank = (s: string | undefined) => (s === undefined || s.trim() === '' ? undefined : s);
  return outcome(runId, values['result'], blank(values['click']), values['note']);
}
