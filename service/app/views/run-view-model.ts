import type { Run, StageRow } from '../../db/repos/runs.ts';
import type { DraftAttributes, DraftPhotos, DraftScored } from '../../domain/draft-outputs.ts';
import type { AvatarsOutput, Verdict, Winner } from '../../domain/stage-outputs.ts';

/**
 * RunView: the platform-neutral read model of a run, built from the database only. Every front
 * end (Slack, Discord, terminal) renders this and nothing else, so a re-render after a crash or a
 * `status <job>` shows exactly what is stored.
 */

export type StageStatus = StageRow['status'];

export interface SideView {
  /** ASIN, or the manual listing's label. */
  readonly label: string;
  readonly asin: string | null;
  readonly title: string | null;
  readonly url: string | null;
}

export interface StageView {
  readonly name: string;
  readonly title: string;
  readonly status: StageStatus;
  readonly provider: string | null;
  readonly model: string | null;
  /** True when the offline rules engine made this output (no model). */
  readonly madeWithoutModel: boolean;
  readonly winner: Winner | null;
  readonly score: { readonly A: number; readonly B: number } | null;
  readonly summary: string | null;
  readonly error: { readonly code: string; readonly message: string } | null;
  readonly credits: number;
  readonly latencyMs: number | null;
  /** The validated stage output (for detail cards); null until it succeeded. */
  readonly output: unknown;
  /**
   * A pairwise model judgement asked in both presentation orders: whether they agreed
   * ('consistent'), disagreed ('order-sensitive'), or only one answered ('one-order'); null when
   * it was not asked twice (the rules engine is symmetric by construction).
   */
  readonly orders: 'consistent' | 'order-sensitive' | 'one-order' | null;
  /** What this stage's model calls used and cost (model-cost.ts); absent on views not built from stage rows. */
  readonly usage?: StageUsageView;
}

/** One stage's model usage: tokens as the providers reported them, cost at the configured prices. */
export interface StageUsageView {
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Estimated USD (six decimals), as recorded when the stage ran. */
  readonly usd: number;
  /** Answered from the vision cache: no model call, so 0 tokens and $0. */
  readonly cached: boolean;
}

/** A run's model usage, summed over its stages (model-cost.ts). */
export interface ModelCostView {
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Estimated USD: the sum of the stages' recorded costs. */
  readonly usd: number;
  /** Stages a model was asked for (the rules engine's are not counted). */
  readonly modelStages: number;
  /** Of those, the stages answered from the vision cache (no call, $0). */
  readonly cachedStages: number;
}

export interface RunView {
  readonly id: string;
  readonly shortId: string;
  readonly kind: Run['kind'];
  readonly status: Run['status'];
  readonly createdAt: Date;
  readonly finishedAt: Date | null;
  readonly pair: { readonly A: SideView; readonly B: SideView };
  /**
   * The workspace's own listing, when one side is marked (the command said so, or its brand or
   * ASIN is on the workspace's brand list); null when neither or both are.
   */
  readonly mine: 'A' | 'B' | null;
  /** How it was marked: asked in the command, or found by ASIN or brand on the brand list. */
  readonly mineSource: 'asked' | 'asin' | 'brand' | null;
  /** Credits reserved for the run (what the workspace pays us). */
  readonly cost: number;
  readonly refunded: number;
  /** What the run's model calls cost us (tokens, estimated USD); absent on views not built from stage rows. */
  readonly modelCost?: ModelCostView;
  readonly stages: readonly StageView[];
  readonly verdict: Verdict | null;
  readonly avatars: AvatarsOutput | null;
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
  /**
   * Waiting for one of the workspace's running slots (status 'queued'): 1 = next to start.
   * Null once the run holds a slot (or has finished).
   */
  readonly queuePosition: number | null;
  /**
   * Where the run's full report page is (`PUBLIC_URL/r/<token>`): set by whoever has the link key
   * (app/reports `withReportUrl`) on a finished comparison; absent when report links are off.
   */
  readonly reportUrl?: string;
  /** A draft run (kind 'draft'): photos, attributes and scored drafts. Absent for a comparison. */
  readonly draft?: DraftView;
}

/** The draft part of a RunView (kind 'draft'), as stored; built by draft-view.ts. */
export interface DraftView {
  readonly photoCount: number;
  readonly photos: DraftPhotos | null;
  readonly attributes: DraftAttributes | null;
  readonly drafts: DraftScored['drafts'] | null;
  /** The marketplace rule table version (with Amazon's rule set) the drafts were checked against. */
  readonly ruleSet: string | null;
  /** Attributes or drafts made by the offline rules engine (no model configured). */
  readonly madeWithoutModel: boolean;
}
