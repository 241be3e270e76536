import { ensureWorkspace, type WorkspaceRef } from '../db/repos/workspaces.ts';
import type { Clock } from '../providers/provider.ts';
import { DEFAULTS } from '../config/defaults.ts';
import { admitFreeCommand, createCheckout, priceSheet, type CheckoutConfig, type CheckoutLink, type CreditsSummary, type PriceSheet } from './credits/index.ts';
import { createExperimentServices, type ExperimentServices } from './experiments/index.ts';
import { createOutcomeServices, type OutcomeServices } from './outcomes/index.ts';
import { resumeWithManualListings, startComparison, type ComparisonDeps, type StartComparisonInput, type StartComparisonResult } from './comparisons/index.ts';
import type { RunView } from './views/index.ts';
import { startDraft, type StartDraftInput, type StartDraftResult } from './drafts/index.ts';
import { withReportUrl, type ReportLinks } from './reports/index.ts';
import { createBrandList, creditsSummary, runHistory, runStatus, type BrandListServices, type HistoryLine, type QueryDeps } from './workspaces/index.ts';
import type { ListingInput, Side } from '../domain/listing.ts';
import { UserError } from '../domain/errors.ts';
import { createDataServices, type DataServices } from './data/index.ts';

/**
 * What the front ends (Slack, Discord, terminal) may ask of the service: use-cases only, no
 * database, no rules. Built once by service/main and injected into each front end.
 */
export interface AppServices {
  startComparison(input: StartComparisonInput): Promise<StartComparisonResult>;
  /** Photos → listing drafts for Amazon, eBay, Etsy and Shopify (`prices.draft` credits). */
  startDraft(input: StartDraftInput): Promise<StartDraftResult>;
  credits(ref: WorkspaceRef): Promise<CreditsSummary>;
  history(ref: WorkspaceRef, limit?: number): Promise<HistoryLine[]>;
  /** A run of this workspace (full id or unique prefix); UserError('not_found') otherwise. */
  status(ref: WorkspaceRef, idOrPrefix: string): Promise<RunView>;
  /** Completes a run whose acquisition failed from listings given by hand (the manual fallback). */
  completeManually(ref: WorkspaceRef, runId: string, listings: Partial<Record<Side, ListingInput>>): Promise<void>;
  /**
   * A Stripe Checkout link for a credit pack (undefined pack → the default pack). `channelId`
   * is where the purchase confirmation will be posted.
   */
  buy(ref: WorkspaceRef, packId: string | undefined, ctx: { userId: string; channelId: string | null; requestKey: string }): Promise<CheckoutLink>;
  /**
   * Counts a free command (credits, history, status, experiment list/show/save/pin) against the
   * user's and the workspace's allowance; UserError('rate_limited') with the wait when exceeded.
   */
  admitFreeCommand(ref: WorkspaceRef, userId: string): Promise<void>;
  /** The configured prices as `help` and `credits` quote them (comparison, draft, daily cap, packs). */
  readonly prices: PriceSheet;
  /** Baselines, tagged re-runs, deltas and pins (service/app/experiments/). */
  readonly experiments: ExperimentServices;
  /**
   * The workspace's brand list (its own brands and ASINs): `add(ref, raw, addedBy?)`,
   * `remove(ref, raw)`, `list(ref)`. Free commands: the caller counts them (admitFreeCommand).
   */
  readonly brands: BrandListServices;
  /**
   * Real results of finished comparisons and the calibration they give (service/app/outcomes/):
   * `record(ref, input)`, `target(ref, job)`, `calibration(ref)`, and
   * `calibrationAcrossWorkspaces()` for an operator's terminal only. Free commands: the caller
   * counts them (admitFreeCommand).
   */
  readonly outcomes: OutcomeServices;
  /**
   * The workspace's data for its admins (service/app/data/): `requestExport`, `requestDelete`,
   * `confirmDelete`. The front end checks that the asker is an admin before calling.
   */
  readonly data: DataServices;
}

/**
 * `checkout`: Stripe and the packs for sale; undefined when billing is not configured (no Stripe keys).
 * `reportLinks`: a finished run's `status` carries its report page URL; undefined when links are off.
 */
export function createAppServices(deps: ComparisonDeps & QueryDeps & { clock: Clock; checkout?: CheckoutConfig | undefined; reportLinks?: ReportLinks | undefined }): AppServices {
  const checkout = deps.checkout;
  const workspaceId = async (ref: WorkspaceRef) => (await ensureWorkspace(deps.db, ref, deps.metered(ref.platform) ? deps.freeCredits : 0)).id;
  return {
    startComparison: (input) => startComparison(deps, input),
    startDraft: (input) => startDraft(deps, input),
    credits: (ref) => creditsSummary(deps, ref, new Date(deps.clock.now())),
    history: (ref, limit) => runHistory(deps, ref, limit),
    status: async (ref, id) => withReportUrl(await runStatus(deps, ref, id), deps.reportLinks),
    experiments: createExperimentServices(deps),
    brands: createBrandList(deps),
    outcomes: createOutcomeServices(deps),
    data: createDataServices({ db: deps.db, clock: deps.clock, links: deps.reportLinks }),
    completeManually: async (ref, runId, listings) => resumeWithManualListings(deps, { workspaceId: await workspaceId(ref), runId, listings }),
    prices: priceSheet(deps.pricing, deps.dailyCap, checkout?.packs ?? []),
    admitFreeCommand: (ref, userId) => admitFreeCommand(deps.db, ref, userId, deps.clock.now(), DEFAULTS.billing.freeCommandLimit),
    buy: (ref, packId, ctx) =>
      checkout
        ? createCheckout({ ...checkout, db: deps.db, clock: deps.clock, freeCredits: deps.freeCredits, metered: deps.metered }, ref, packId, ctx)
        : Promise.reject(new UserError('bad_command', 'Buying credits is not configured on this server (no Stripe keys).')),
  };
}
