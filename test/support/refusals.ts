import { isUserError } from '../../service/domain/errors.ts';
import type { parseCommand, Command } from '../../bots/shared/command-grammar.ts';

/** Test helpers for what people are refused: a use-case's UserError, or the command grammar's answer. */

/** The UserError a promise rejects with (code and message); anything else fails the test. */
export async function refusal(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    if (isUserError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected a refusal');
}

/** The command a text or option set parsed to; a refusal fails the test with its message. */
export function accepted(result: ReturnType<typeof parseCommand>): Command {
  if (!result.ok) throw new Error(`expected a command, got ${result.error.code}: ${result.error.message}`);
  return result.value;
}

/** The refusal a text or option set got; a parsed command fails the test. */
export function refused(result: ReturnType<typeof parseCommand>) {
  if (result.ok) throw new Error(`expected a refusal, got ${JSON.stringify(result.value)}`);
  return result.error;
}
