import { EXPERIMENT_TAGS, SUBCOMMANDS } from './command.ts';
import type { Subcommand } from './command.ts';
import { quoteInput } from './quote-input.ts';
import { describePacks, type PriceSheet } from '../../service/app/credits/index.ts';

/**
 * Help text for every subcommand: plain text, the same on every platform, `/listing` as the
 * prefix. The first lines of each entry are its usage lines, which the grammar also quotes in
 * "missing/extra argument" replies.
 */

export const PREFIX = '/listing';

/** Usage lines per subcommand (what `missing_argument` / `extra_argument` replies quote). */
export const USAGE: Record<Subcommand, readonly string[]> = {
  compare: [`${PREFIX} compare <A> <B> [fresh] [mine:A|mine:B]`],
  draft: [`${PREFIX} draft   (with 1–8 photos attached)`],
  credits: [`${PREFIX} credits`],
  buy: [`${PREFIX} buy [pack]`],
  history: [`${PREFIX} history`],
  status: [`${PREFIX} status <job>`],
  experiment: [
    `${PREFIX} experiment save <job> [name…]`,
    `${PREFIX} experiment list`,
    `${PREFIX} experiment show <id>`,
    `${PREFIX} experiment pin <id>`,
    `${PREFIX} experiment unpin <id>`,
    `${PREFIX} experiment rerun <id> <tag…>`,
  ],
  brand: [`${PREFIX} brand add <brand or ASIN>`, `${PREFIX} brand remove <brand or ASIN>`, `${PREFIX} brand list`],
  outcome: [`${PREFIX} outcome <job> A|B|tie [click:A|B|tie] [note…]`],
  calibration: [`${PREFIX} calibration`],
  data: [`${PREFIX} data export`, `${PREFIX} data delete`],
  help: [`${PREFIX} help [topic]`],
};

/** What each subcommand does, in a sentence or three. */
const DETAILS: Record<Subcommand, readonly string[]> = {
  compare: [
    'Compare two listings: which one wins, why, and what to fix on each.',
    'A and B are ASINs (10 letters and digits) or amazon.com product URLs (/dp/…, /gp/product/…).',
    'Only amazon.com is supported; short links (a.co, amzn.to) cannot be followed.',
    '"fresh" re-fetches both listings and skips the 24-hour de-duplication.',
    '"mine:A" (or mine:B) says which listing is yours, so the reply speaks of yours and the competitor\'s;',
    'without it, the brand list decides (see brand). It never changes the verdict.',
  ],
  draft: [
    '1–8 photos of a product → listing drafts for Amazon, eBay, Etsy and Shopify, each checked and',
    "scored against that marketplace's rules, plus which photo to use as the main image and what to reshoot.",
    'Slack: a form opens to upload the photos. Discord: attach them as photo1…photo8.',
  ],
  credits: ['Your workspace balance, credits used today, the daily cap and recent ledger lines.'],
  buy: ['A checkout link for a credit pack, shown only to you. Without a pack, lists the packs.'],
  history: ["The workspace's recent runs with their verdicts."],
  status: ["Show a run's current state again (its job id is on the run's message; 8 characters are enough)."],
  experiment: [
    'Keep a finished run as a baseline, re-run it after changing the listing, and see per-stage',
    'score changes against the baseline. Pin the experiments that matter.',
    `Tags say what changed: ${EXPERIMENT_TAGS.join(', ')}.`,
  ],
  brand: [
    "Your workspace's own brands and ASINs: a comparison where exactly one side is one of them is",
    'marked as yours (by its ASIN at once, by its brand once the listings are fetched). Case and',
    'spacing do not matter; an ASIN (B0…) matches that listing only. At most 50 entries.',
    'Free, and only you see the replies.',
  ],
  outcome: [
    'What really happened after a change went live or a real A/B test ended: which listing won',
    '(A, B or tie) and, if you know it, which won the click (click:A). Only a finished comparison;',
    'recording again for the same job replaces the earlier answer. These real results are how',
    'ListingLab checks its verdicts (see calibration). Free, and only you see the reply.',
  ],
  calibration: [
    'How often verdicts matched the real results recorded with outcome, by how sure they were',
    '(close call below 50%, likely 50–70%, clear 70% and above), with a 95% range, overall and',
    'for the click, and whether clear verdicts are right at least 80% of the time.',
    'A band needs 10 results before its rate means much. Free, and only you see it.',
  ],
  data: [
    "For the workspace's admins (Slack: admins and owners; Discord: Administrator or Manage Server).",
    'export: a private link, valid 24 hours, to one .tar.gz of everything this workspace stored — its',
    'comparisons and drafts with every stage and verdict, experiments, real results, credit ledger,',
    'purchases, brand list and images.',
    'delete: removes all of that after you confirm (the button works for 10 minutes). Running jobs are',
    'cancelled and refunded first; the credit ledger and purchases are kept for accounting, without user ids.',
  ],
  help: ['Usage and examples; give a subcommand as the topic for details.'],
};

/** Examples per subcommand; the overview shows the first one that says more than the usage line. */
const EXAMPLES: Record<Subcommand, readonly string[]> = {
  compare: [
    `${PREFIX} compare B0799CK52K https://www.amazon.com/dp/B07PGL2ZSL`,
    `${PREFIX} compare B0799CK52K B07PGL2ZSL fresh`,
    `${PREFIX} compare B0799CK52K B07PGL2ZSL mine:A`,
  ],
  draft: [`${PREFIX} draft`],
  credits: [`${PREFIX} credits`],
  buy: [`${PREFIX} buy`, `${PREFIX} buy starter`],
  history: [`${PREFIX} history`],
  status: [`${PREFIX} status 3f2a9c1e`],
  experiment: [
    `${PREFIX} experiment save 3f2a9c1e new main image`,
    `${PREFIX} experiment rerun 7b41d0aa main-image title`,
    `${PREFIX} experiment pin 7b41d0aa`,
    `${PREFIX} experiment list`,
  ],
  brand: [`${PREFIX} brand add Starter`, `${PREFIX} brand add B0799CK52K`, `${PREFIX} brand list`],
  outcome: [`${PREFIX} outcome 3f2a9c1e B`, `${PREFIX} outcome 3f2a9c1e B click:A the new main image won the CTR test`],
  calibration: [`${PREFIX} calibration`],
  data: [`${PREFIX} data export`, `${PREFIX} data delete`],
  help: [`${PREFIX} help compare`],
};

/** The usage lines of one subcommand, one per line. */
export function usageLines(subcommand: Subcommand): string {
  return USAGE[subcommand].join('\n');
}

/** Find the help topic a person meant (`compare`, `EXPERIMENT`, `experiment save` → experiment). */
export function helpTopic(text: string): Subcommand | undefined {
  const first = text.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
  return SUBCOMMANDS.find((s) => s === first);
}

/**
 * Help text with examples. Without a topic: every subcommand's usage. With a known topic: that
 * subcommand in detail. With an unknown topic: says so, then the overview.
 */
export function usage(topic?: string, prices?: PriceSheet): string {
  const known = topic === undefined ? undefined : helpTopic(topic);
  if (known !== undefined) {
    return [...USAGE[known], '', ...DETAILS[known], ...priceLines(known, prices), '', ...EXAMPLES[known].map((e) => `Example: ${e}`)].join('\n');
  }
  const lines = [
    'ListingLab compares two amazon.com listings: which one wins, why, and what to fix.',
    '',
    ...SUBCOMMANDS.flatMap((s) => {
      const example = EXAMPLES[s].find((e) => !USAGE[s].some((u) => u.startsWith(e)));
      return example === undefined ? USAGE[s] : [...USAGE[s], `    e.g. ${example}`];
    }),
    '',
    `Details: ${PREFIX} help <topic>, where the topic is one of ${SUBCOMMANDS.join(', ')}.`,
    ...(prices ? [costLine(prices)] : []),
  ];
  if (topic !== undefined && topic.trim() !== '') {
    lines.unshift(`No help topic ${quoteInput(topic, 30)}.`, '');
  }
  return lines.join('\n');
}

/** What things cost, from the configured prices (none quoted without them); other topics quote none. */
const PRICE_LINES: Partial<Record<Subcommand, (p: PriceSheet) => string>> = {
  compare: (p) => `Costs ${p.comparison} credits.`,
  draft: (p) => `Costs ${p.draft} credits.`,
  credits: (p) => costLine(p),
  buy: (p) => (p.packs.length ? `Packs: ${describePacks(p.packs)}.` : 'Buying credits is not configured on this server.'),
};

function priceLines(topic: Subcommand, prices: PriceSheet | undefined): string[] {
  const line = prices ? PRICE_LINES[topic]?.(prices) : undefined;
  return line === undefined ? [] : [line];
}

export function costLine(prices: PriceSheet): string {
  return `A comparison costs ${prices.comparison} credits, a draft ${prices.draft}; a workspace spends at most ${prices.dailyCap} a day.`;
}
