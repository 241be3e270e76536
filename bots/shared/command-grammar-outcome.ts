import { OUTCOME_NOTE_MAX } from '../../service/app/outcomes/index.ts';
import { err, ok, UserError } from '../../service/domain/errors.ts';
import type { Result } from '../../service/domain/errors.ts';
import type { Command, OutcomeCommand, OutcomeSide } from './command.ts';
import { extra, missing } from './command-errors.ts';
import { parseId } from './command-words.ts';
import { decodeSlackEntities, quoteInput } from './quote-input.ts';

/**
 * `outcome <job> A|B|tie [click:A|B|tie] [note…]` and `calibration`: Slack's words and Discord's
 * (or the terminal's) options end in the same builder. Never throws.
 */

type Parsed = Result<Command, UserError>;

/** A `click` word of Slack text: `click:A`, `click=tie`, any case (also `--click…`); `value` is what follows. */
export function clickWord(word: string): { value: string } | undefined {
  const m = /^(?:--)?click[:=](.*)$/is.exec(word);
  return m ? { value: m[1] ?? '' } : undefined;
}

/** A real result: A, B or tie, any case. `what` names it in the refusal ("The real result", "The click result"). */
export function parseOutcomeSide(raw: string | undefined, what: string, example: string): Result<OutcomeSide, UserError> {
  const word = raw?.trim().toLowerCase();
  if (word === 'a' || word === 'b') return ok(word === 'a' ? 'A' : 'B');
  if (word === 'tie') return ok('tie');
  const got = raw === undefined || raw.trim() === '' ? 'nothing' : quoteInput(raw, 20);
  return err(new UserError('bad_command', `${what} is A (the first listing won), B (the second won) or tie, e.g. ${example}. Got ${got}.`));
}

/** Slack text after `outcome`: the job, then the result, a `click:` word anywhere after the job, and the rest as the note. */
export function outcomeFromWords(words: readonly string[]): Parsed {
  const [job, ...rest] = words;
  if (job !== undefined && clickWord(job)) return outcome(undefined, undefined, undefined, undefined);
  let result: string | undefined;
  let click: string | undefined;
  const note: string[] = [];
  const repeated: string[] = [];
  for (const word of rest) {
    const c = clickWord(word);
    if (c && click !== undefined) repeated.push(word);
    else if (c) click = c.value;
    else if (result === undefined) result = word;
    else note.push(word);
  }
  if (repeated.length > 0) return err(extra('outcome', 'outcome takes one click result', repeated));
  return outcome(job, result, click, note.length > 0 ? note.join(' ') : undefined);
}

/** The one builder: Slack words, Discord options (`job`, `result`, `click`, `note`) and the terminal's flags. */
export function outcome(rawJob: string | undefined, rawResult: string | undefined, rawClick: string | undefined, rawNote: string | undefined): Result<OutcomeCommand, UserError> {
  if (rawJob === undefined || rawJob.trim() === '') return err(missing('outcome', 'outcome needs the job id of a finished comparison, then the real result: A, B or tie'));
  const job = parseId(rawJob);
  if (!job.ok) return job;
  if (rawResult === undefined || rawResult.trim() === '') return err(missing('outcome', 'outcome needs the real result after the job id: A, B or tie'));
  const result = parseOutcomeSide(rawResult, 'The real result', `outcome ${job.value.slice(0, 8)} B`);
  if (!result.ok) return result;
  const click = rawClick === undefined ? undefined : parseOutcomeSide(rawClick, 'The click result', 'click:A');
  if (click && !click.ok) return click;
  const note = parseNote(rawNote);
  if (!note.ok) return note;
  return ok({
    name: 'outcome',
    job: job.value,
    result: result.value,
    ...(click ? { click: click.value } : {}),
    ...(note.value === undefined ? {} : { note: note.value }),
  });
}

/** One line, outer quotes and a leading `note:` dropped, at most OUTCOME_NOTE_MAX characters; blank → undefined. */
function parseNote(raw: string | undefined): Result<string | undefined, UserError> {
  const line = decodeSlackEntities(raw ?? '').replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\s]+/gu, ' ').trim().replace(/^(?:--)?note[:=]\s*/i, '');
  const quoted = /^(?:"(.*)"|'(.*)'|“(.*)”|‘(.*)’)$/u.exec(line);
  const text = (quoted ? (quoted[1] ?? quoted[2] ?? quoted[3] ?? quoted[4] ?? '') : line).trim();
  if (text === '') return ok(undefined);
  const length = Array.from(text).length;
  if (length > OUTCOME_NOTE_MAX) return err(new UserError('bad_command', `A note is at most ${OUTCOME_NOTE_MAX} characters; that one is ${length}.`));
  return ok(text);
}

/** `calibration` takes nothing (the terminal's `--all` is the CLI's own). */
export function calibrationFromWords(words: readonly string[]): Parsed {
  return words.length > 0 ? err(extra('calibration', 'calibration takes no arguments', words)) : ok({ name: 'calibration' });
}
