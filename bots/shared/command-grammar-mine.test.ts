import { describe, expect, it } from 'vitest';
import type { Command } from './command-grammar.ts';
import { commandFromOptions, parseCommand, usage } from './command-grammar.ts';
import { accepted, refused } from '../../test/support/refusals.ts';

/** Issue 18 "Whose listing": `mine` on compare, the `brand` list subcommand, and draft hints. */

const A = 'B0799CK52K';
const B = 'B07PGL2ZSL';

describe('compare … mine (Slack text)', () => {
  it.each<[string, boolean, 'A' | 'B']>([
    [`compare ${A} ${B} mine:A`, false, 'A'],
    [`compare ${A} ${B} mine:b`, false, 'B'],
    [`compare ${A} ${B} MINE=B`, false, 'B'],
    [`compare ${A} ${B} Mine=a fresh`, true, 'A'],
    [`compare ${A} ${B} fresh mine:B`, true, 'B'],
    [`compare ${A} ${B} --fresh mine=A`, true, 'A'],
    [`compare <https://www.amazon.com/dp/${A}|mine> https://www.amazon.com/gp/product/${B} mine:A`, false, 'A'],
  ])('%j', (text, fresh, mine) => {
    expect(accepted(parseCommand(text))).toEqual({ name: 'compare', a: A, b: B, fresh, mine });
  });

  it('without mine the command has no mine at all (the brand list decides)', () => {
    expect(accepted(parseCommand(`compare ${A} ${B} fresh`))).toStrictEqual({ name: 'compare', a: A, b: B, fresh: true });
  });

  it.each([
    [`compare ${A} ${B} mine:C`, 'bad_command', 'A (the first) or B (the second), e.g. mine:A. Got "C"'],
    [`compare ${A} ${B} mine:`, 'bad_command', 'Got nothing'],
    [`compare ${A} ${B} mine`, 'bad_command', 'Got nothing'],
    [`compare ${A} ${B} mine:AB`, 'bad_command', 'Got "AB"'],
    [`compare ${A} ${B} mine:yes`, 'bad_command', 'Got "yes"'],
    [`compare mine:A ${A} ${B}`, 'bad_command', '"mine:A" goes after the two listings. Usage: /listing compare <A> <B> [fresh] [mine:A|mine:B]'],
    [`compare ${A} mine:A ${B}`, 'bad_command', 'goes after the two listings'],
    [`compare ${A} ${B} mine:A mine:B`, 'extra_argument', '(extra: "mine:B")'],
    [`compare ${A} ${B} mine:A mine:A`, 'extra_argument', 'compare takes exactly two listings'],
    [`compare ${A} ${B} mine:A ${A}`, 'extra_argument', `(extra: "${A}")`],
    [`compare ${A} mine:A`, 'bad_command', 'goes after the two listings'],
    [`compare ${A} fresh`, 'missing_argument', 'got only one'],
  ])('%j is refused (%s)', (text, code, words) => {
    const error = refused(parseCommand(text));
    expect(error.code).toBe(code);
    expect(error.message).toContain(words);
  });
});

describe('compare mine (Discord options)', () => {
  it.each<[Record<string, string | boolean>, Command]>([
    [{ a: A, b: B, mine: 'A' }, { name: 'compare', a: A, b: B, fresh: false, mine: 'A' }],
    [{ a: A, b: B, mine: 'b', fresh: true }, { name: 'compare', a: A, b: B, fresh: true, mine: 'B' }],
    [{ a: A, b: B }, { name: 'compare', a: A, b: B, fresh: false }],
  ])('%j', (options, command) => {
    expect(commandFromOptions('compare', options)).toStrictEqual({ ok: true, value: command });
  });

  it('a value that is not A or B is refused, saying what to give', () => {
    for (const mine of ['C', '', 'the first', 'true']) {
      const error = refused(commandFromOptions('compare', { a: A, b: B, mine }));
      expect(error.code).toBe('bad_command');
      expect(error.message).toMatch(/A \(the first\) or B \(the second\)/);
    }
  });

  it('agrees with the text grammar', () => {
    expect(commandFromOptions('compare', { a: A, b: B, mine: 'B', fresh: true })).toEqual(parseCommand(`compare ${A} ${B} fresh mine:B`));
  });
});

describe('brand add | remove | list', () => {
  it.each<[string, Command]>([
    ['brand add Starter', { name: 'brand', action: 'add', value: 'Starter' }],
    ['brand ADD  Starter   Bags ', { name: 'brand', action: 'add', value: 'Starter Bags' }],
    ['brand add "Starter Bags"', { name: 'brand', action: 'add', value: 'Starter Bags' }],
    ['brand add AT&amp;T', { name: 'brand', action: 'add', value: 'AT&T' }],
    [`brand add ${A.toLowerCase()}`, { name: 'brand', action: 'add', value: A.toLowerCase() }],
    [`brand add <https://www.amazon.com/Some-Bag/dp/${A}/ref=sr_1_1>`, { name: 'brand', action: 'add', value: A }],
    [`brand add amazon.com/dp/${B}`, { name: 'brand', action: 'add', value: B }],
    ['brand remove Starter', { name: 'brand', action: 'remove', value: 'Starter' }],
    ['brand list', { name: 'brand', action: 'list' }],
    ['Brand LIST', { name: 'brand', action: 'list' }],
  ])('%j', (text, command) => {
    expect(accepted(parseCommand(text))).toEqual(command);
  });

  it.each([
    ['brand', 'missing_argument', 'brand needs an action: add, remove, list'],
    ['brand add', 'missing_argument', 'brand add needs a brand name (as Amazon shows it) or an ASIN'],
    ['brand remove ""', 'missing_argument', 'brand remove needs'],
    ['brand list Starter', 'extra_argument', 'brand list takes no arguments'],
    ['brand delete Starter', 'unknown_subcommand', 'Unknown brand action "delete"'],
    [`brand add ${'x'.repeat(101)}`, 'bad_command', 'at most 100 characters; that one is 101'],
    [`brand add https://www.amazon.de/dp/${A}`, 'non_us_marketplace', 'amazon.com'],
  ])('%j is refused (%s)', (text, code, words) => {
    const error = refused(parseCommand(text));
    expect(error.code).toBe(code);
    expect(error.message).toContain(words);
  });

  it('Discord: a brand group whose add/remove take a `brand` option; the same commands as the text', () => {
    expect(commandFromOptions('brand add', { brand: ' Starter ' })).toEqual(parseCommand('brand add Starter'));
    expect(commandFromOptions('brand/remove', { brand: A })).toEqual(parseCommand(`brand remove ${A}`));
    expect(commandFromOptions('brand list', {})).toEqual(parseCommand('brand list'));
    expect(refused(commandFromOptions('brand add', {})).code).toBe('missing_argument');
    expect(refused(commandFromOptions('brand', {})).code).toBe('missing_argument');
    expect(refused(commandFromOptions('brand rename', { brand: 'x' })).code).toBe('unknown_subcommand');
    expect(refused(commandFromOptions('brand add more', { brand: 'x' })).code).toBe('unknown_subcommand');
  });

  it('help mentions mine and the brand list', () => {
    expect(usage()).toContain('/listing compare <A> <B> [fresh] [mine:A|mine:B]');
    expect(usage()).toContain('/listing brand add <brand or ASIN>');
    expect(usage('compare')).toMatch(/mine:A.*says which listing is yours/);
    expect(usage('brand')).toMatch(/marked\s+as yours/);
  });
});

describe('draft hints (Discord options)', () => {
  it.each<[Record<string, string>, Command]>([
    [{}, { name: 'draft' }],
    [{ brand: ' Starter ', product_type: 'duffel  bag' }, { name: 'draft', brand: 'Starter', productType: 'duffel bag' }],
    [{ product_type: 'water bottle' }, { name: 'draft', productType: 'water bottle' }],
    [{ brand: '   ' }, { name: 'draft' }],
  ])('%j', (options, command) => {
    expect(commandFromOptions('draft', options)).toStrictEqual({ ok: true, value: command });
  });

  it('a hint over 80 characters (the Slack form’s limit too) is refused', () => {
    expect(refused(commandFromOptions('draft', { product_type: 'y'.repeat(81) })).message).toMatch(/product type is at most 80 characters; that one is 81/);
    expect(commandFromOptions('draft', { brand: 'b'.repeat(80) }).ok).toBe(true);
  });
});
