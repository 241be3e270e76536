import { UserError } from '../../service/domain/errors.ts';
import type { ErrorCode } from '../../service/domain/errors.ts';
import { SUBCOMMANDS } from './command.ts';
import type { Subcommand } from './command.ts';
import { PREFIX, usageLines } from './help.ts';
import { isAsin, parseListingRef } from './listing-ref.ts';
import { quoteInput } from './quote-input.ts';

/** The grammar's refusals: each says what was wrong and quotes the usage to type instead. */

function withUsage(code: ErrorCode, subcommand: Subcommand, what: string): UserError {
  const lines = usageLines(subcommand);
  return new UserError(code, `${what}. Usage:${lines.includes('\n') ? '\n' : ' '}${lines}`);
}

export function missing(subcommand: Subcommand, what: string): UserError {
  return withUsage('missing_argument', subcommand, what);
}

export function extra(subcommand: Subcommand, what: string, extras: readonly string[]): UserError {
  return withUsage('extra_argument', subcommand, `${what} (extra: ${quoteInput(extras.join(' '), 40)})`);
}

export function onSide(side: 'A' | 'B', error: UserError): UserError {
  return new UserError(error.code, `Listing ${side}: ${error.message}`, { cause: error });
}

export function topicList(): string {
  return SUBCOMMANDS.join(', ');
}

export function unknownSubcommand(raw: string): UserError {
  const hint = isAsin(raw.trim()) || parseListingRef(raw).ok
    ? ` To compare two listings, start with "compare": ${usageLines('compare')}`
    : ` Try ${PREFIX} help.`;
  return new UserError('unknown_subcommand', `Unknown subcommand ${quoteInput(raw, 30)}.${hint}`);
}
