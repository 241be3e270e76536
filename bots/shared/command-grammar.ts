import { err, ok, UserError } from '../../service/domain/errors.ts';
import type { Result } from '../../service/domain/errors.ts';
import { BRAND_ACTIONS, EXPERIMENT_ACTIONS, EXPERIMENT_TAGS } from './command.ts';
import type { Command, ExperimentTag } from './command.ts';
import { extra, missing, onSide, topicList, unknownSubcommand } from './command-errors.ts';
import { calibrationFromWords, outcome, outcomeFromWords } from './command-grammar-outcome.ts';
import { data } from './command-grammar-data.ts';
import { helpTopic, usageLines } from './help.ts';
import { parseListingRef } from './listing-ref.ts';
import { isBrandAction, isExperimentAction, mineWord, parseBrandValue, parseHint, parseId, parseLabel, parseMine, parseTag, tokenize } from './command-words.ts';
import { quoteInput, stripInvisible } from './quote-input.ts';

/**
 * The one command grammar (PRODUCT.md, Commands). `parseCommand` reads Slack-style text
 * (`compare <A> <B> [fresh] [mine:A]`); `commandFromOptions` reads Discord's typed options. Both end in the
 * same builders below, so a rule (two distinct listings, id shapes, known tags) is written once.
 * Never throws: bad input is a `UserError` whose message says what to type instead.
 */

export type { BrandCommand, Command, DataCommand, ExperimentCommand, ExperimentTag, MineSide, OutcomeCommand, OutcomeSide, Subcommand } from './command.ts';
export { BRAND_ACTIONS, EXPERIMENT_ACTIONS, EXPERIMENT_TAGS, SUBCOMMANDS } from './command.ts';
export { usage } from './help.ts';
export { tokenize } from './command-words.ts';

type Parsed = Result<Command, UserError>;
type OptionValue = string | number | boolean | undefined;

/** Parse the text after `/listing`. Empty text asks for help. */
export function parseCommand(text: string): Parsed {
  const [head, ...args] = tokenize(stripInvisible(text));
  if (head === undefined) return ok({ name: 'help' });
  const sub = head.toLowerCase();
  switch (sub) {
    case 'compare':
      return compareFromWords(args);
    case 'draft':
    case 'credits':
    case 'history':
      if (args.length > 0) return err(extra(sub, `${sub} takes no arguments`, args));
      return ok({ name: sub });
    case 'buy':
      if (args.length > 1) return err(extra('buy', 'buy takes at most one pack name', args.slice(1)));
      return buy(args[0]);
    case 'status':
      if (args.length > 1) return err(extra('status', 'status takes one job id', args.slice(1)));
      return status(args[0]);
    case 'help':
      return help(args.length > 0 ? args.join(' ') : undefined);
    case 'experiment':
      return experimentFromWords(args);
    case 'brand': {
      const [action, ...rest] = args;
      return brand(action?.toLowerCase(), rest.join(' '), rest.length > 0);
    }
    case 'outcome':
      return outcomeFromWords(args);
    case 'calibration':
      return calibrationFromWords(args);
    case 'data':
      return data(args[0]?.toLowerCase(), args.slice(1));
    default:
      return err(unknownSubcommand(head));
  }
}

/**
 * Build a command from Discord's typed options. `subcommand` is the subcommand path with any
 * separator (`compare`, `experiment save`, `experiment/save`). Options: compare `a`, `b`,
 * `fresh`, `mine` (A or B); draft `brand`, `product_type`; buy `pack`; status `job`; help
 * `topic`; experiment `job` (save; `id` also accepted), `id`, `name`, `tags` (comma- or
 * space-separated); brand (add, remove) `brand`; outcome `job`, `result`, `click`, `note`.
 * Options a subcommand does not take are ignored.
 *
 * @see https://discord.com/developers/docs/interactions/application-commands#subcommands-and-subcommand-groups
 */
export function commandFromOptions(subcommand: string, options: Record<string, OptionValue>): Parsed {
  const [head = '', action, ...rest] = subcommand.trim().toLowerCase().split(/[\s./]+/);
  const opt = (key: string): string | undefined => {
    const value = options[key];
    if (value === undefined || typeof value === 'boolean') return undefined;
    const text = String(value).trim();
    return text === '' ? undefined : text;
  };
  if (head !== 'experiment' && head !== 'brand' && head !== 'data' && action !== undefined) return err(unknownSubcommand(subcommand));
  switch (head) {
    case 'compare': {
      const fresh = options['fresh'] === true || String(options['fresh']).toLowerCase() === 'true';
      const mine = options['mine'] === undefined ? undefined : parseMine(String(options['mine']));
      if (mine && !mine.ok) return mine;
      return compare(opt('a'), opt('b'), fresh, mine?.value);
    }
    case 'draft':
      return draft(opt('brand'), opt('product_type'));
    case 'credits':
    case 'history':
      return ok({ name: head });
    case 'buy':
      return buy(opt('pack'));
    case 'status':
      return status(opt('job'));
    case 'help':
      return help(opt('topic'));
    case 'experiment': {
      if (rest.length > 0) return err(unknownSubcommand(subcommand));
      const tags = opt('tags')?.split(/[\s,]+/).filter((t) => t !== '') ?? [];
      const id = action === 'save' ? (opt('job') ?? opt('id')) : opt('id');
      return experiment(action, id, opt('name'), tags);
    }
    case 'brand':
      if (rest.length > 0) return err(unknownSubcommand(subcommand));
      return brand(action, opt('brand') ?? '', opt('brand') !== undefined);
    case 'outcome':
      return outcome(opt('job'), opt('result'), opt('click'), opt('note'));
    case 'calibration':
      return ok({ name: head });
    case 'data':
      return data(action, rest);
    default:
      return err(unknownSubcommand(subcommand));
  }
}

// ---- builders shared by both front doors -------------------------------------------------

/**
 * `compare <A> <B> [fresh] [mine:A|mine:B]`: the options may come in any order after the two
 * listings; a `mine` word before them is refused with where it goes.
 */
function compareFromWords(words: readonly string[]): Parsed {
  const refs: string[] = [];
  const repeated: string[] = [];
  let fresh = false;
  let mine: string | undefined;
  let mineSeen = false;
  for (const word of words) {
    const lower = word.toLowerCase();
    const m = mineWord(word);
    if (lower === 'fresh' || lower === '--fresh') {
      if (fresh) repeated.push(word);
      fresh = true;
    } else if (m) {
      if (refs.length < 2) return err(new UserError('bad_command', `${quoteInput(word, 20)} goes after the two listings. Usage: ${usageLines('compare')}`));
      if (mineSeen) repeated.push(word);
      mineSeen = true;
      mine = m.value;
    } else {
      refs.push(word);
    }
  }
  if (refs.length < 2) return compare(refs[0], refs[1], fresh, undefined);
  if (refs.length > 2 || repeated.length > 0) return err(extra('compare', 'compare takes exactly two listings', [...refs.slice(2), ...repeated]));
  if (!mineSeen) return compare(refs[0], refs[1], fresh, undefined);
  const side = parseMine(mine);
  return side.ok ? compare(refs[0], refs[1], fresh, side.value) : side;
}

function compare(rawA: string | undefined, rawB: string | undefined, fresh: boolean, mine: 'A' | 'B' | undefined): Parsed {
  if (rawA === undefined || rawB === undefined) {
    const got = rawA === undefined ? 'none' : 'only one';
    return err(missing('compare', `compare needs two listings (ASINs or amazon.com URLs), got ${got}`));
  }
  const a = parseListingRef(rawA);
  if (!a.ok) return err(onSide('A', a.error));
  const b = parseListingRef(rawB);
  if (!b.ok) return err(onSide('B', b.error));
  if (a.value === b.value) {
    return err(new UserError('same_listing', `A and B are the same listing (${a.value}): compare two different listings.`));
  }
  return ok(mine === undefined ? { name: 'compare', a: a.value, b: b.value, fresh } : { name: 'compare', a: a.value, b: b.value, fresh, mine });
}

function draft(rawBrand: string | undefined, rawType: string | undefined): Parsed {
  const brandHint = parseHint('brand', rawBrand);
  if (!brandHint.ok) return brandHint;
  const productType = parseHint('product type', rawType);
  if (!productType.ok) return productType;
  return ok({
    name: 'draft',
    ...(brandHint.value === undefined ? {} : { brand: brandHint.value }),
    ...(productType.value === undefined ? {} : { productType: productType.value }),
  });
}

/** `given`: whether anything followed the action (Slack words, Discord's option). */
function brand(action: string | undefined, raw: string, given: boolean): Parsed {
  if (action === undefined || action === '') return err(missing('brand', `brand needs an action: ${BRAND_ACTIONS.join(', ')}`));
  if (!isBrandAction(action)) {
    return err(new UserError('unknown_subcommand', `Unknown brand action ${quoteInput(action, 30)}. Usage:\n${usageLines('brand')}`));
  }
  if (action === 'list') {
    return given ? err(extra('brand', 'brand list takes no arguments', [raw])) : ok({ name: 'brand', action });
  }
  const value = parseBrandValue(raw);
  if (!value.ok) return value;
  if (value.value === undefined) return err(missing('brand', `brand ${action} needs a brand name (as Amazon shows it) or an ASIN`));
  return ok({ name: 'brand', action, value: value.value });
}

function buy(raw: string | undefined): Parsed {
  if (raw === undefined) return ok({ name: 'buy' });
  const pack = raw.toLowerCase();
  if (!/^[a-z0-9][a-z0-9_-]{0,31}$/.test(pack)) {
    return err(new UserError('bad_command', `${quoteInput(raw)} is not a credit pack name. Usage: ${usageLines('buy')}`));
  }
  return ok({ name: 'buy', pack });
}

function status(raw: string | undefined): Parsed {
  if (raw === undefined) return err(missing('status', 'status needs the job id of a run'));
  const job = parseId(raw);
  return job.ok ? ok({ name: 'status', job: job.value }) : job;
}

function help(raw: string | undefined): Parsed {
  if (raw === undefined) return ok({ name: 'help' });
  const topic = helpTopic(raw);
  if (topic === undefined) {
    return err(
      new UserError('unknown_subcommand', `No help topic ${quoteInput(raw, 30)}. Topics: ${topicList()}. Usage: ${usageLines('help')}`),
    );
  }
  return ok({ name: 'help', topic });
}

function experimentFromWords(words: readonly string[]): Parsed {
  const [action, first, ...rest] = words;
  const verb = action?.toLowerCase();
  switch (verb) {
    case 'save':
      return experiment(verb, first, rest.length > 0 ? rest.join(' ') : undefined, []);
    case 'list':
      if (first !== undefined) return err(extra('experiment', 'experiment list takes no arguments', [first, ...rest]));
      return experiment(verb, undefined, undefined, []);
    case 'show':
    case 'pin':
    case 'unpin':
      if (rest.length > 0) return err(extra('experiment', `experiment ${verb} takes one experiment id`, rest));
      return experiment(verb, first, undefined, []);
    case 'rerun':
      return experiment(verb, first, undefined, rest.flatMap((w) => w.split(',')).filter((t) => t !== ''));
    case undefined:
    default:
      return experiment(verb, undefined, undefined, []);
  }
}

function experiment(action: string | undefined, rawId: string | undefined, rawLabel: string | undefined, rawTags: readonly string[]): Parsed {
  if (action === undefined) {
    return err(missing('experiment', `experiment needs an action: ${EXPERIMENT_ACTIONS.join(', ')}`));
  }
  if (!isExperimentAction(action)) {
    return err(new UserError('unknown_subcommand', `Unknown experiment action ${quoteInput(action, 30)}. Usage:\n${usageLines('experiment')}`));
  }
  if (action === 'list') return ok({ name: 'experiment', action });
  if (rawId === undefined) {
    const what = action === 'save' ? 'the job id of the run to keep as a baseline' : 'an experiment id';
    return err(missing('experiment', `experiment ${action} needs ${what}`));
  }
  const id = parseId(rawId);
  if (!id.ok) return id;
  switch (action) {
    case 'save': {
      const label = parseLabel(rawLabel ?? '');
      if (!label.ok) return label;
      return ok(
        label.value === undefined
          ? { name: 'experiment', action, job: id.value }
          : { name: 'experiment', action, job: id.value, label: label.value },
      );
    }
    case 'show':
    case 'pin':
    case 'unpin':
      return ok({ name: 'experiment', action, id: id.value });
    case 'rerun': {
      if (rawTags.length === 0) return err(missing('experiment', `experiment rerun needs at least one tag (${EXPERIMENT_TAGS.join(', ')})`));
      const tags: ExperimentTag[] = [];
      for (const raw of rawTags) {
        const tag = parseTag(raw);
        if (tag === undefined) {
          return err(new UserError('invalid_tag', `${quoteInput(raw, 30)} is not a change tag. Tags: ${EXPERIMENT_TAGS.join(', ')}.`));
        }
        if (!tags.includes(tag)) tags.push(tag);
      }
      return ok({ name: 'experiment', action, id: id.value, tags });
    }
  }
}
