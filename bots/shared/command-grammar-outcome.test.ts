import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Command } from './command-grammar.ts';
import { commandFromOptions, parseCommand, usage } from './command-grammar.ts';
import { accepted, refused } from '../../test/support/refusals.ts';

/** Issue 19: `outcome <job> A|B|tie [click:A|B|tie] [note…]` and `calibration`, as Slack text and Discord options. */

const JOB = '3f2a9c1e';

describe('outcome (Slack text)', () => {
  it.each<[string, Command]>([
    [`outcome ${JOB} B`, { name: 'outcome', job: JOB, result: 'B' }],
    [`OUTCOME ${JOB.toUpperCase()} a`, { name: 'outcome', job: JOB, result: 'A' }],
    [`outcome \`${JOB}\` TIE`, { name: 'outcome', job: JOB, result: 'tie' }],
    [`outcome ${JOB}5b B click:a`, { name: 'outcome', job: `${JOB}-5b`, result: 'B', click: 'A' }],
    [`outcome ${JOB} click=Tie b`, { name: 'outcome', job: JOB, result: 'B', click: 'tie' }],
    [`outcome ${JOB} B click:A the new main image won the CTR test`, { name: 'outcome', job: JOB, result: 'B', click: 'A', note: 'the new main image won the CTR test' }],
    [`outcome ${JOB} B 2 weeks, 4,000 sessions click:B`, { name: 'outcome', job: JOB, result: 'B', click: 'B', note: '2 weeks, 4,000 sessions' }],
    [`outcome ${JOB} A "A&amp;B test, 14 days"`, { name: 'outcome', job: JOB, result: 'A', note: 'A&B test, 14 days' }],
    [`outcome ${JOB} A note: after the price change`, { name: 'outcome', job: JOB, result: 'A', note: 'after the price change' }],
  ])('%j', (text, command) => {
    expect(accepted(parseCommand(text))).toStrictEqual(command);
  });

  it.each([
    ['outcome', 'missing_argument', 'outcome needs the job id of a finished comparison, then the real result: A, B or tie. Usage: /listing outcome <job> A|B|tie [click:A|B|tie] [note…]'],
    ['outcome click:A', 'missing_argument', 'outcome needs the job id'],
    [`outcome ${JOB}`, 'missing_argument', 'outcome needs the real result after the job id: A, B or tie'],
    [`outcome ${JOB} click:A`, 'missing_argument', 'needs the real result'],
    [`outcome ${JOB} C`, 'bad_command', 'The real result is A (the first listing won), B (the second won) or tie, e.g. outcome 3f2a9c1e B. Got "C".'],
    [`outcome ${JOB} draw`, 'bad_command', 'Got "draw"'],
    [`outcome ${JOB} winner`, 'bad_command', 'Got "winner"'],
    [`outcome B ${JOB}`, 'invalid_id', 'is not a valid id'],
    [`outcome ${JOB} B click:C`, 'bad_command', 'The click result is A (the first listing won), B (the second won) or tie, e.g. click:A. Got "C".'],
    [`outcome ${JOB} B click:`, 'bad_command', 'Got nothing'],
    [`outcome ${JOB} B click:A click:B`, 'extra_argument', 'outcome takes one click result (extra: "click:B")'],
    [`outcome ${JOB} B ${'x'.repeat(501)}`, 'bad_command', 'A note is at most 500 characters; that one is 501.'],
  ])('%j is refused (%s)', (text, code, words) => {
    const error = refused(parseCommand(text));
    expect(error.code).toBe(code);
    expect(error.message).toContain(words);
  });
});

describe('outcome (Discord options, the terminal)', () => {
  it('the same commands as the text', () => {
    expect(commandFromOptions('outcome', { job: JOB, result: 'B' })).toEqual(parseCommand(`outcome ${JOB} B`));
    expect(commandFromOptions('outcome', { job: JOB, result: 'tie', click: 'A', note: ' real test ' })).toEqual(parseCommand(`outcome ${JOB} tie click:A real test`));
    expect(commandFromOptions('outcome', { job: JOB, result: 'B', click: '', note: '' })).toStrictEqual({ ok: true, value: { name: 'outcome', job: JOB, result: 'B' } });
  });

  it('refuses a missing job or result and a bad side', () => {
    expect(refused(commandFromOptions('outcome', { result: 'A' })).code).toBe('missing_argument');
    expect(refused(commandFromOptions('outcome', { job: JOB })).code).toBe('missing_argument');
    expect(refused(commandFromOptions('outcome', { job: JOB, result: 'C' })).code).toBe('bad_command');
    expect(refused(commandFromOptions('outcome', { job: JOB, result: 'A', click: 'yes' })).message).toMatch(/The click result is A/);
    expect(refused(commandFromOptions('outcome more', { job: JOB, result: 'A' })).code).toBe('unknown_subcommand');
  });

  it('never throws, whatever the options', () => {
    const value = fc.oneof(fc.string({ unit: 'binary', maxLength: 600 }), fc.integer(), fc.boolean(), fc.constant(undefined));
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('job', 'result', 'click', 'note'), value), (options) => {
        expect(typeof commandFromOptions('outcome', options).ok).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });
});

describe('calibration', () => {
  it('takes nothing', () => {
    expect(accepted(parseCommand('calibration'))).toEqual({ name: 'calibration' });
    expect(accepted(parseCommand('Calibration'))).toEqual({ name: 'calibration' });
    expect(commandFromOptions('calibration', {})).toEqual({ ok: true, value: { name: 'calibration' } });
    const error = refused(parseCommand('calibration all'));
    expect(error.code).toBe('extra_argument');
    expect(error.message).toContain('calibration takes no arguments (extra: "all")');
  });
});

describe('help', () => {
  it('names outcome and calibration', () => {
    expect(usage()).toContain('/listing outcome <job> A|B|tie [click:A|B|tie] [note…]');
    expect(usage()).toContain('/listing calibration');
    expect(usage('outcome')).toMatch(/replaces the earlier answer/);
    expect(usage('calibration')).toMatch(/close call below 50%, likely 50–70%, clear 70% and above/);
  });
});
