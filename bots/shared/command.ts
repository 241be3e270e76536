/**
 * What a person asked for, whichever front end they used (PRODUCT.md, Commands). Slack text,
 * Discord's typed options and the CLI all become a `Command` through `command-grammar.ts`, so
 * every validation rule lives in one place. Values are already normalised: ASINs upper-case,
 * ids lower-case, tags from `EXPERIMENT_TAGS`.
 */

export const SUBCOMMANDS = [
  'compare',
  'draft',
  'credits',
  'buy',
  'history',
  'status',
  'experiment',
  'brand',
  'outcome',
  'calibration',
  'data',
  'help',
] as const;
export type Subcommand = (typeof SUBCOMMANDS)[number];

export const EXPERIMENT_ACTIONS = ['save', 'list', 'show', 'pin', 'unpin', 'rerun'] as const;
export type ExperimentAction = (typeof EXPERIMENT_ACTIONS)[number];

/** `brand add|remove|list`: the workspace's own brands and ASINs (their comparisons are marked as theirs). */
export const BRAND_ACTIONS = ['add', 'remove', 'list'] as const;
export type BrandAction = (typeof BRAND_ACTIONS)[number];

/** `data export|delete`: the workspace's own data, for its admins only. */
export const DATA_ACTIONS = ['export', 'delete'] as const;
export type DataAction = (typeof DATA_ACTIONS)[number];

/** Longest draft hint (brand, product type), in characters: what the Slack draft form allows too. */
export const DRAFT_HINT_MAX = 80;

/** Which side of a comparison is the asker's own listing. */
export type MineSide = 'A' | 'B';

/** What really happened to a compared pair: which listing won (or a tie). */
export type OutcomeSide = 'A' | 'B' | 'tie';

/** What changed between a baseline and its re-run (PRODUCT.md, Experiments). */
export const EXPERIMENT_TAGS = [
  'main-image',
  'gallery',
  'title',
  'bullets',
  'description',
  'price',
  'aplus',
  'other',
] as const;
export type ExperimentTag = (typeof EXPERIMENT_TAGS)[number];

/** What each change tag means, for pickers (Slack multi-select, Discord select menu). */
export const TAG_LABELS: Readonly<Record<ExperimentTag, string>> = {
  'main-image': 'Main image',
  gallery: 'Gallery images',
  title: 'Title',
  bullets: 'Bullet points',
  description: 'Description',
  price: 'Price',
  aplus: 'A+ content',
  other: 'Something else',
};

export type ExperimentCommand =
  /** `job`: the run to keep as a baseline; `label`: the experiment's optional name. */
  | { name: 'experiment'; action: 'save'; job: string; label?: string }
  | { name: 'experiment'; action: 'list' }
  | { name: 'experiment'; action: 'show' | 'pin' | 'unpin'; id: string }
  /** `tags`: at least one, de-duplicated, in the order given. */
  | { name: 'experiment'; action: 'rerun'; id: string; tags: ExperimentTag[] };

export type BrandCommand =
  /** `value`: one line, at most 100 characters, as typed (a pasted amazon.com URL becomes its ASIN). */
  | { name: 'brand'; action: 'add' | 'remove'; value: string }
  | { name: 'brand'; action: 'list' };

/**
 * `outcome <job> A|B|tie [click:A|B|tie] [note…]`: the real result of a finished comparison.
 * `job`: as `status`'s; `click`: who really won the click, when known; `note`: one line, ≤ 500
 * characters, absent when not given.
 */
export type OutcomeCommand = { name: 'outcome'; job: string; result: OutcomeSide; click?: OutcomeSide; note?: string };

/**
 * `data export` (a private link to the workspace's archive) and `data delete` (asks for a
 * confirmation); `confirm_delete` comes only from that confirmation's button, never from text.
 * Admins only, on every platform (bots/shared/permissions.ts).
 */
export type DataCommand = { name: 'data'; action: DataAction } | { name: 'data'; action: 'confirm_delete'; id: string };

export type Command =
  /**
   * `a`, `b`: distinct upper-case ASINs; `fresh`: bypass de-duplication and the listing cache;
   * `mine`: the side the asker said is theirs (absent: the workspace's brand list decides).
   */
  | { name: 'compare'; a: string; b: string; fresh: boolean; mine?: MineSide }
  /**
   * Photos arrive as attachments, outside the grammar. `brand`, `productType`: what the seller
   * told us (Discord's options), one line each; absent when not given.
   */
  | { name: 'draft'; brand?: string; productType?: string }
  | { name: 'credits' }
  /** `pack`: a lower-case pack name; absent means "show the packs". Whether it exists is the use-case's call. */
  | { name: 'buy'; pack?: string }
  | { name: 'history' }
  /** `job`: a lower-case UUID or a prefix of one (8+ characters). */
  | { name: 'status'; job: string }
  | { name: 'help'; topic?: Subcommand }
  | ExperimentCommand
  | BrandCommand
  | OutcomeCommand
  | DataCommand
  /** How often verdicts matched the recorded outcomes, per confidence band. */
  | { name: 'calibration' };
