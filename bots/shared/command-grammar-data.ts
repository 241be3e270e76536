import { err, ok, UserError } from '../../service/domain/errors.ts';
import type { Result } from '../../service/domain/errors.ts';
import { DATA_ACTIONS, type Command, type DataAction } from './command.ts';
import { extra, missing } from './command-errors.ts';
import { usageLines } from './help.ts';
import { quoteInput } from './quote-input.ts';

/** `data export` and `data delete` (Slack words, Discord's subcommand path): nothing follows the action. Never throws. */
export function data(action: string | undefined, rest: readonly string[]): Result<Command, UserError> {
  if (action === undefined || action === '') return err(missing('data', `data needs an action: ${DATA_ACTIONS.join(' or ')}`));
  if (!(DATA_ACTIONS as readonly string[]).includes(action)) {
    return err(new UserError('unknown_subcommand', `Unknown data action ${quoteInput(action, 30)}. Usage:\n${usageLines('data')}`));
  }
  if (rest.length > 0) return err(extra('data', `data ${action} takes no arguments`, rest));
  return ok({ name: 'data', action: action as DataAction });
}
