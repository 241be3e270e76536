import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Command } from './command-grammar.ts';
import { commandFromOptions, EXPERIMENT_TAGS, parseCommand, SUBCOMMANDS, tokenize, usage } from './command-grammar.ts';
import { asinArb, listingUrlArb, typedAsinArb } from './listing-ref-arbitraries.ts';
import { listingUrl } from './listing-ref.ts';

const A = 'B0799CK52K';
const B = 'B07PGL2ZSL';
const JOB = '3f2a9c1e-5b7d-4c1e-9a2b-0123456789ab';

function accepted(text: string): Command {
  const result = parseCommand(text);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(text)} to parse, got ${result.error.code}: ${result.error.message}`);
  return result.value;
}

function refused(result: ReturnType<typeof parseCommand>) {
  if (result.ok) throw new Error(`expected a refusal, got ${JSON.stringify(result.value)}`);
  return result.error;
}

describe('parseCommand: compare', () => {
  it.each([
    [`compare ${A} ${B}`, false],
    [`  COMPARE   ${A.toLowerCase()}\t${B}  `, false],
    [`compare ${A} ${B} fresh`, true],
    [`compare ${A} ${B} FRESH`, true],
    [`compare ${A} ${B} --fresh`, true],
    [`compare <https://www.amazon.com/dp/${A}> <https://www.amazon.com/gp/product/${B}|the other one>`, false],
    [`compare amazon.com/dp/${A} https://www.amazon.com/Some-Title/dp/${B}/ref=sr_1_1?th=1 fresh`, true],
  ])('%j', (text, fresh) => {
    expect(accepted(text)).toEqual({ name: 'compare', a: A, b: B, fresh });
  });

  it.each([`compare`, `compare ${A}`, `compare fresh`, `compare ${A} --fresh`])('missing listings: %j', (text) => {
    const error = refused(parseCommand(text));
    expect(error.code).toBe('missing_argument');
    expect(error.message).toContain('Usage: /listing compare <A> <B> [fresh]');
  });

  it.each([`compare ${A} ${B} ${A}`, `compare ${A} ${B} C0799CK52K fresh`, `compare ${A} ${B} fresh fresh`])('extra arguments: %j', (text) => {
    const error = refused(parseCommand(text));
    expect(error.code).toBe('extra_argument');
    expect(error.message).toContain('Usage: /listing compare <A> <B> [fresh]');
  });

  it.each([
    [`compare ${A} ${A}`],
    [`compare ${A} ${A.toLowerCase()}`],
    [`compare ${A} https://www.amazon.com/dp/${A}`],
    [`compare https://smile.amazon.com/gp/product/${A} <https://www.amazon.com/dp/${A}?th=1>`],
  ])('the same listing twice: %j', (text) => {
    const error = refused(parseCommand(text));
    expect(error.code).toBe('same_listing');
    expect(error.message).toContain(A);
  });

  it.each([
    [`compare ${A} https://www.amazon.de/dp/${B}`, 'non_us_marketplace', 'Listing B: ', 'only amazon.com listings are supported'],
    [`compare https://amzn.to/3xyz ${B}`, 'short_link', 'Listing A: ', 'paste the full amazon.com URL'],
    [`compare ${A} https://example.com/dp/${B}`, 'not_amazon', 'Listing B: ', 'amazon.com product URL'],
    [`compare B0799 ${B}`, 'invalid_asin', 'Listing A: ', '"B0799" is not a valid ASIN'],
    [`compare ${A} https://www.amazon.com/s?k=hub`, 'invalid_listing_ref', 'Listing B: ', 'No ASIN'],
  ])('a bad listing says which side: %j', (text, code, side, words) => {
    const error = refused(parseCommand(text));
    expect(error.code).toBe(code);
    expect(error.message.startsWith(side)).toBe(true);
    expect(error.message).toContain(words);
  });
});

describe('parseCommand: other subcommands', () => {
  it.each<[string, Command]>([
    ['', { name: 'help' }],
    ['   \n ', { name: 'help' }],
    ['help', { name: 'help' }],
    ['help compare', { name: 'help', topic: 'compare' }],
    ['Help EXPERIMENT save', { name: 'help', topic: 'experiment' }],
    ['credits', { name: 'credits' }],
    ['Credits', { name: 'credits' }],
    ['history', { name: 'history' }],
    ['draft', { name: 'draft' }],
    ['buy', { name: 'buy' }],
    ['buy Starter', { name: 'buy', pack: 'starter' }],
    ['buy pack_500', { name: 'buy', pack: 'pack_500' }],
    [`status ${JOB}`, { name: 'status', job: JOB }],
    [`status ${JOB.toUpperCase()}`, { name: 'status', job: JOB }],
    ['status 3f2a9c1e', { name: 'status', job: '3f2a9c1e' }],
    ['status `3f2a9c1e5b`', { name: 'status', job: '3f2a9c1e-5b' }],
    [`status ${JOB.replace(/-/g, '')}`, { name: 'status', job: JOB }],
    ['status #3F2A9C1E', { name: 'status', job: '3f2a9c1e' }],
    ['status 3f2a9c1e-5b7d', { name: 'status', job: '3f2a9c1e-5b7d' }],
    ['experiment list', { name: 'experiment', action: 'list' }],
    ['experiment save 3f2a9c1e', { name: 'experiment', action: 'save', job: '3f2a9c1e' }],
    ['experiment save 3f2a9c1e new main image', { name: 'experiment', action: 'save', job: '3f2a9c1e', label: 'new main image' }],
    ['experiment save 3f2a9c1e “Brighter photo”', { name: 'experiment', action: 'save', job: '3f2a9c1e', label: 'Brighter photo' }],
    ['experiment save 3f2a9c1e Tom &amp; Jerry', { name: 'experiment', action: 'save', job: '3f2a9c1e', label: 'Tom & Jerry' }],
    [`experiment show ${JOB}`, { name: 'experiment', action: 'show', id: JOB }],
    ['Experiment PIN 7b41d0aa', { name: 'experiment', action: 'pin', id: '7b41d0aa' }],
    ['experiment unpin 7b41d0aa', { name: 'experiment', action: 'unpin', id: '7b41d0aa' }],
    ['experiment rerun 7b41d0aa title', { name: 'experiment', action: 'rerun', id: '7b41d0aa', tags: ['title'] }],
    [
      'experiment rerun 7b41d0aa Main-Image,gallery bullets, A+ main_image',
      { name: 'experiment', action: 'rerun', id: '7b41d0aa', tags: ['main-image', 'gallery', 'bullets', 'aplus'] },
    ],
  ])('%j', (text, command) => {
    expect(parseCommand(text)).toEqual({ ok: true, value: command });
  });

  it('accepts every change tag', () => {
    expect(accepted(`experiment rerun 7b41d0aa ${EXPERIMENT_TAGS.join(' ').toUpperCase()}`)).toEqual({
      name: 'experiment',
      action: 'rerun',
      id: '7b41d0aa',
      tags: [...EXPERIMENT_TAGS],
    });
  });

  it.each([
    ['credits now', 'extra_argument', 'Usage: /listing credits'],
    ['history 5', 'extra_argument', 'Usage: /listing history'],
    ['draft my photos', 'extra_argument', 'Usage: /listing draft'],
    ['buy small large', 'extra_argument', 'Usage: /listing buy [pack]'],
    ['buy <script>', 'bad_command', 'not a credit pack name'],
    ['status', 'missing_argument', 'Usage: /listing status <job>'],
    [`status ${JOB} again`, 'extra_argument', 'Usage: /listing status <job>'],
    ['status 3f2a9c1', 'invalid_id', '"3f2a9c1" is not a valid id'],
    ['status 3f2a9c1z', 'invalid_id', 'is not a valid id'],
    [`status ${JOB}0`, 'invalid_id', 'is not a valid id'],
    ['status 3f2a9c1e5b7d4c1e9a2b0123456789ab0', 'invalid_id', 'is not a valid id'],
    ['status 3f2a9c1e-5b7d4c1e', 'invalid_id', 'is not a valid id'],
    ['experiment', 'missing_argument', '/listing experiment rerun <id> <tag…>'],
    ['experiment delete 7b41d0aa', 'unknown_subcommand', 'Unknown experiment action "delete"'],
    ['experiment list all', 'extra_argument', 'Usage:'],
    ['experiment save', 'missing_argument', 'job id'],
    ['experiment save nope', 'invalid_id', '"nope" is not a valid id'],
    [`experiment save 3f2a9c1e ${'x'.repeat(101)}`, 'bad_command', 'at most 100 characters'],
    ['experiment show', 'missing_argument', 'experiment id'],
    ['experiment pin 7b41d0aa 8c52e1bb', 'extra_argument', 'Usage:'],
    ['experiment rerun 7b41d0aa', 'missing_argument', 'at least one tag'],
    ['experiment rerun 7b41d0aa title colour', 'invalid_tag', '"colour" is not a change tag'],
    ['experiment rerun', 'missing_argument', 'experiment id'],
    ['help nonsense', 'unknown_subcommand', 'No help topic "nonsense"'],
    ['compared', 'unknown_subcommand', 'Unknown subcommand "compared"'],
    [`${A} ${B}`, 'unknown_subcommand', 'start with "compare"'],
  ])('%j is refused (%s)', (text, code, words) => {
    const error = refused(parseCommand(text));
    expect(error.code).toBe(code);
    expect(error.message).toContain(words);
  });
});

describe('commandFromOptions (Discord)', () => {
  it.each<[string, Record<string, string | number | boolean | undefined>, Command]>([
    ['compare', { a: A, b: `https://www.amazon.com/dp/${B}` }, { name: 'compare', a: A, b: B, fresh: false }],
    ['compare', { a: A.toLowerCase(), b: B, fresh: true }, { name: 'compare', a: A, b: B, fresh: true }],
    ['compare', { a: A, b: B, fresh: false }, { name: 'compare', a: A, b: B, fresh: false }],
    ['credits', {}, { name: 'credits' }],
    ['history', {}, { name: 'history' }],
    ['draft', {}, { name: 'draft' }],
    ['buy', {}, { name: 'buy' }],
    ['buy', { pack: 'Starter' }, { name: 'buy', pack: 'starter' }],
    ['status', { job: '3F2A9C1E' }, { name: 'status', job: '3f2a9c1e' }],
    ['help', {}, { name: 'help' }],
    ['help', { topic: 'buy' }, { name: 'help', topic: 'buy' }],
    ['experiment list', {}, { name: 'experiment', action: 'list' }],
    ['experiment save', { job: '3f2a9c1e', name: 'new photo' }, { name: 'experiment', action: 'save', job: '3f2a9c1e', label: 'new photo' }],
    ['experiment save', { id: '3f2a9c1e', name: '  ' }, { name: 'experiment', action: 'save', job: '3f2a9c1e' }],
    ['experiment/show', { id: '7b41d0aa' }, { name: 'experiment', action: 'show', id: '7b41d0aa' }],
    ['Experiment Pin', { id: '7b41d0aa' }, { name: 'experiment', action: 'pin', id: '7b41d0aa' }],
    ['experiment unpin', { id: '7b41d0aa' }, { name: 'experiment', action: 'unpin', id: '7b41d0aa' }],
    ['experiment rerun', { id: '7b41d0aa', tags: 'title, aplus price' }, { name: 'experiment', action: 'rerun', id: '7b41d0aa', tags: ['title', 'aplus', 'price'] }],
  ])('%s %j', (subcommand, options, command) => {
    expect(commandFromOptions(subcommand, options)).toEqual({ ok: true, value: command });
  });

  it.each([
    ['compare', { a: A }, 'missing_argument'],
    ['compare', { a: '', b: B }, 'missing_argument'],
    ['compare', { a: A, b: `amazon.com/dp/${A}` }, 'same_listing'],
    ['compare', { a: A, b: `https://www.amazon.co.jp/dp/${B}` }, 'non_us_marketplace'],
    ['compare', { a: 'https://a.co/d/xyz', b: B }, 'short_link'],
    ['compare', { a: 12345, b: B }, 'invalid_asin'],
    ['status', {}, 'missing_argument'],
    ['status', { job: 'latest' }, 'invalid_id'],
    ['experiment', {}, 'missing_argument'],
    ['experiment rerun', { id: '7b41d0aa' }, 'missing_argument'],
    ['experiment rerun', { id: '7b41d0aa', tags: 'title,sparkle' }, 'invalid_tag'],
    ['experiment delete', { id: '7b41d0aa' }, 'unknown_subcommand'],
    ['experiment save extra', { id: '7b41d0aa' }, 'unknown_subcommand'],
    ['credits now', {}, 'unknown_subcommand'],
    ['launch', {}, 'unknown_subcommand'],
    ['', {}, 'unknown_subcommand'],
  ])('%s %j is refused (%s)', (subcommand, options, code) => {
    const error = refused(commandFromOptions(subcommand, options));
    expect(error.code).toBe(code);
  });

  it('agrees with the text grammar', () => {
    const pairs: [string, string, Record<string, string | boolean>][] = [
      [`compare ${A} https://www.amazon.com/dp/${B} fresh`, 'compare', { a: A, b: `https://www.amazon.com/dp/${B}`, fresh: true }],
      ['buy starter', 'buy', { pack: 'starter' }],
      ['status 3f2a9c1e', 'status', { job: '3f2a9c1e' }],
      ['experiment save 3f2a9c1e a name', 'experiment save', { job: '3f2a9c1e', name: 'a name' }],
      ['experiment rerun 7b41d0aa title gallery', 'experiment rerun', { id: '7b41d0aa', tags: 'title gallery' }],
      ['experiment rerun 7b41d0aa shine', 'experiment rerun', { id: '7b41d0aa', tags: 'shine' }],
      [`compare ${A} ${A}`, 'compare', { a: A, b: A }],
    ];
    for (const [text, subcommand, options] of pairs) {
      const fromText = parseCommand(text);
      const fromOptions = commandFromOptions(subcommand, options);
      expect(fromOptions.ok).toBe(fromText.ok);
      if (fromText.ok && fromOptions.ok) expect(fromOptions.value).toEqual(fromText.value);
      if (!fromText.ok && !fromOptions.ok) expect(fromOptions.error.code).toBe(fromText.error.code);
    }
  });
});

describe('tokenize', () => {
  it.each([
    ['a  b\tc\n', ['a', 'b', 'c']],
    ['compare <https://x.y/dp/A|a label with spaces> B', ['compare', '<https://x.y/dp/A|a label with spaces>', 'B']],
    ['a<b c', ['a<b', 'c']],
    ['<<x> y', ['<<x>', 'y']],
    ['x> y', ['x>', 'y']],
    ['', []],
  ])('%j', (text, tokens) => {
    expect(tokenize(text)).toEqual(tokens);
  });
});

describe('usage', () => {
  it('lists every subcommand with /listing and an example', () => {
    const text = usage();
    for (const subcommand of SUBCOMMANDS) expect(text).toContain(`/listing ${subcommand}`);
    for (const action of ['save', 'list', 'show', 'pin', 'unpin', 'rerun']) expect(text).toContain(`/listing experiment ${action}`);
    expect(text).toContain('e.g. /listing compare B0799CK52K');
  });

  it.each(SUBCOMMANDS)('help %s has its usage and an example', (topic) => {
    const text = usage(topic);
    expect(text.startsWith(`/listing ${topic}`)).toBe(true);
    expect(text).toMatch(new RegExp(`^Example: /listing ${topic}`, 'm'));
    expect(usage(topic.toUpperCase())).toBe(text);
  });

  it('says when a topic is unknown, then gives the overview', () => {
    expect(usage('teleport')).toMatch(/^No help topic "teleport"\.\n\n/);
    expect(usage('teleport')).toContain(usage());
  });

  it('is plain text', () => {
    for (const topic of [undefined, ...SUBCOMMANDS]) expect(usage(topic)).not.toMatch(/[*`]|<@|:\w+:/);
  });
});

describe('properties', () => {
  it('parseCommand never throws, whatever the input', () => {
    const words = fc.constantFrom('compare', 'experiment', 'rerun', 'save', 'status', 'help', 'buy', 'fresh', '--fresh', A, `<https://www.amazon.com/dp/${B}|x y>`, '<', '>', '|', '3f2a9c1e', 'title', ',', ' ', '\n', '“', '&amp;', 'mine:A', 'mine=b', 'mine', 'brand', 'add', 'list');
    const noise = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.string({ unit: 'grapheme', maxLength: 300 }),
      fc.array(fc.oneof(words, fc.string({ unit: 'binary', maxLength: 12 })), { maxLength: 12 }).map((w) => w.join(' ')),
    );
    fc.assert(
      fc.property(noise, (text) => {
        const result = parseCommand(text);
        if (!result.ok) expect(result.error.message.length).toBeLessThan(1_000);
      }),
      { numRuns: 2000 },
    );
  });

  it('commandFromOptions never throws, whatever the options', () => {
    const value = fc.oneof(fc.string({ unit: 'binary', maxLength: 80 }), fc.integer(), fc.boolean(), fc.constant(undefined));
    const subcommand = fc.oneof(fc.constantFrom(...SUBCOMMANDS.map(String), 'experiment save', 'experiment rerun', 'experiment pin', 'brand add', 'brand list'), fc.string({ unit: 'binary', maxLength: 30 }));
    fc.assert(
      fc.property(subcommand, fc.dictionary(fc.constantFrom('a', 'b', 'fresh', 'mine', 'brand', 'product_type', 'pack', 'job', 'id', 'name', 'tags', 'topic', '__proto__', 'constructor'), value), (sub, options) => {
        expect(typeof commandFromOptions(sub, options).ok).toBe('boolean');
      }),
      { numRuns: 1000 },
    );
  });

  it('stays fast on very long input', () => {
    const started = performance.now();
    for (const text of [
      `compare ${'<'.repeat(200_000)}`,
      `compare ${'<a '.repeat(100_000)}`,
      `experiment save 3f2a9c1e ${'name '.repeat(50_000)}`,
      `experiment rerun 3f2a9c1e ${'title,'.repeat(50_000)}`,
      '𝒜 '.repeat(100_000),
    ]) {
      expect(typeof parseCommand(text).ok).toBe('boolean');
    }
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('two different ASINs, typed or pasted in any shape, compare', () => {
    fc.assert(
      fc.property(listingUrlArb, typedAsinArb, fc.boolean(), (first, second, fresh) => {
        fc.pre(first.asin !== second.asin);
        const text = `compare ${first.url.trim()} ${second.typed}${fresh ? ' fresh' : ''}`;
        expect(parseCommand(text)).toEqual({ ok: true, value: { name: 'compare', a: first.asin, b: second.asin, fresh } });
      }),
      { numRuns: 500 },
    );
  });

  it('an ASIN and its URL are the same listing', () => {
    fc.assert(
      fc.property(listingUrlArb, fc.boolean(), fc.boolean(), (ref, urlFirst, fresh) => {
        const pair = urlFirst ? [ref.url.trim(), ref.asin.toLowerCase()] : [ref.asin, ref.url.trim()];
        const text = `compare ${pair.join(' ')}${fresh ? ' --fresh' : ''}`;
        expect(refused(parseCommand(text)).code).toBe('same_listing');
        expect(refused(commandFromOptions('compare', { a: pair[0], b: pair[1], fresh })).code).toBe('same_listing');
      }),
      { numRuns: 500 },
    );
  });

  it('listingUrl and the bare ASIN are the same listing', () => {
    fc.assert(
      fc.property(asinArb, (asin) => {
        expect(refused(parseCommand(`compare ${listingUrl(asin)} ${asin}`)).code).toBe('same_listing');
      }),
    );
  });
});
