/**
 * One error hierarchy for the whole product (after bolt-js errors.ts, sapphire's UserError and
 * trigger.dev's AbortTaskRunError).
 *
 * - `UserError`: expected; the message is shown privately to the person who asked. Nothing changed.
 * - `PermanentError`: retrying cannot help; the stage/run is marked failed and its credits refunded.
 * - anything else: a bug or a transient fault; logged, and the job is retried.
 *
 * Every code has a user-facing message in `USER_MESSAGES`; a test asserts none is missing.
 */

export const ERROR_CODES = [
  'config_invalid',
  'bad_command',
  'unknown_subcommand',
  'missing_argument',
  'extra_argument',
  'invalid_asin',
  'invalid_listing_ref',
  'non_us_marketplace',
  'short_link',
  'not_amazon',
  'same_listing',
  'invalid_id',
  'invalid_tag',
  'bad_listing_folder',
  'listing_not_found',
  'acquisition_failed',
  'image_refused',
  'insufficient_credits',
  'daily_cap_reached',
  'run_over_maximum',
  'billing_unavailable',
  'rate_limited',
  'not_found',
  'not_admin',
  'confirmation_expired',
  'provider_failed',
  'invalid_model_output',
  'stage_failed',
  'timeout',
  'signature_invalid',
  'database_unavailable',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** What a person reads when an error with this code reaches them (the error's own message adds detail). */
export const USER_MESSAGES: Record<ErrorCode, string> = {
  config_invalid: 'The service is misconfigured; an operator needs to fix its environment.',
  bad_command: 'That command could not be understood. Try `help`.',
  unknown_subcommand: 'Unknown subcommand. Try `help` for the list.',
  missing_argument: 'Something is missing from that command.',
  extra_argument: 'That command has more arguments than it takes.',
  invalid_asin: 'That is not a valid ASIN (10 letters and digits, usually starting with B0).',
  invalid_listing_ref: 'Give an ASIN or a full amazon.com product URL.',
  non_us_marketplace: 'Only amazon.com listings are supported.',
  short_link: 'Short links cannot be followed: paste the full amazon.com URL.',
  not_amazon: 'That is not an Amazon product URL: give an ASIN or an amazon.com /dp/ URL.',
  same_listing: 'Those are the same listing twice: compare two different listings.',
  invalid_id: 'That is not a valid id: use the id shown on the run or experiment (its first 8 characters are enough).',
  invalid_tag: 'Unknown change tag. Tags: main-image, gallery, title, bullets, description, price, aplus, other.',
  bad_listing_folder: 'The listing folder is not valid.',
  listing_not_found: 'The listing could not be found or is unavailable.',
  acquisition_failed: 'The listings could not be fetched. Your credits were refunded; you can paste the listing by hand.',
  image_refused: 'An image was refused.',
  insufficient_credits: 'Not enough credits for that. Use `buy` to top up.',
  daily_cap_reached: "Today's credit cap for this workspace is reached.",
  run_over_maximum: 'That run would cost more than the per-run maximum.',
  billing_unavailable: 'Buying credits is not possible right now; nothing was charged. Try again in a minute.',
  rate_limited: 'Too many requests: wait a minute and try again.',
  not_found: 'Not found.',
  not_admin: "Only the workspace's admins can do that (Slack: workspace admins and owners; Discord: Administrator or Manage Server).",
  confirmation_expired: 'That confirmation has expired or was already used: ask again.',
  provider_failed: 'The analysis provider failed.',
  invalid_model_output: 'The model returned output that did not pass validation.',
  stage_failed: 'A stage of the analysis failed; its credits were refunded.',
  timeout: 'That took too long and was stopped.',
  signature_invalid: 'The request signature is invalid.',
  database_unavailable: 'The database is not reachable right now.',
};

export class AppError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message?: string, options?: { cause?: unknown }) {
    super(message ?? USER_MESSAGES[code], options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Expected, caused by the input: shown privately, nothing changed, never retried. */
export class UserError extends AppError {}

/** Retrying cannot help: the stage fails and is refunded. */
export class PermanentError extends AppError {}

export function isUserError(err: unknown): err is UserError {
  return err instanceof UserError;
}

export function assertNever(value: never, what = 'value'): never {
  throw new Error(`Unexpected ${what}: ${JSON.stringify(value)}`);
}

/** A parse result, for parsers that must not throw. */
export type Result<T, E = UserError> = { ok: true; value: T } | { ok: false; error: E };
export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const err = <E>(error: E): Result<never, E> => ({ ok: false, error });
