import type { Block } from './blocks.ts';

/**
 * What every Slack renderer shares (the run's root, its draft variant, stage and experiment
 * cards): the message shape, the root's options and the action ids its buttons carry.
 */

export interface SlackMessage {
  /** The notification fallback (and what screen readers read). */
  readonly text: string;
  readonly blocks: Block[];
}

export interface RootOptions {
  /** Show "Buy credits": the workspace cannot afford another comparison (default false). */
  readonly lowBalance?: boolean;
  /** Show the buttons (default true; a private `status` reply has none). */
  readonly buttons?: boolean;
}

/** Action ids: what the buttons send back (bots/slack/actions.ts handles them). */
export const ACTION = {
  rerunFresh: 'listing_rerun_fresh',
  saveExperiment: 'listing_save_experiment',
  buyCredits: 'listing_buy_credits',
  manualFallback: 'listing_manual_fallback',
} as const;
