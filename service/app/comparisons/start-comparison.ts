import { UserError } from '../../domain/errors.ts';
import { refuseSpend } from '../credits/index.ts';
import type { ListingInputRef } from '../../domain/listing.ts';
import { comparisonStagePrices, totalCredits, type Pricing } from '../../domain/pricing.ts';
import type { Db } from '../../db/client.ts';
import { linkRerun } from '../../db/repos/experiments.ts';
import type { Run } from '../../db/repos/runs.ts';
import type { WorkspaceRef } from '../../db/repos/workspaces.ts';
import type { RunOrigin } from '../delivery/index.ts';
import { createRun, existingAfterRace, openRunCreation } from './run-creation.ts';
import { mineAtCreation } from './mark-mine.ts';
import type { Clock } from '../../providers/provider.ts';
import type { PromptRegistry } from '../../stages/prompts.ts';
import { createHash } from 'node:crypto';

export interface StartComparisonInput {
  readonly workspace: WorkspaceRef;
  readonly a: ListingInputRef;
  readonly b: ListingInputRef;
  readonly fresh: boolean;
  /**
   * Which side is the asker's own listing, when the command said so (`mine:A`, `--mine B`).
   * Absent: the workspace's brand list decides (an ASIN now, a brand once the listings are
   * fetched). Presentation only; part of the de-duplication key when given.
   */
  readonly mine?: 'A' | 'B' | undefined;
  /** The platform's command or interaction id: a redelivery returns the same run. */
  readonly requestKey?: string;
  readonly requestedBy?: string;
  readonly origin?: RunOrigin;
  /**
   * Makes the new run a re-run of this workspace's experiment `id` (an experiment_runs row with
   * `tags`, written in the run's own transaction). No such experiment → UserError('not_found')
   * and nothing is created. Absent: a plain comparison.
   */
  readonly experiment?: { readonly id: string; readonly tags: readonly string[] };
}

/** `queuePosition`: 1 = next to start when one of the workspace's running slots frees; null = it holds a slot. */
export type StartComparisonResult =
  | { readonly kind: 'created'; readonly run: Run; readonly balance: number; readonly queuePosition: number | null }
  | { readonly kind: 'existing'; readonly run: Run; readonly reason: 'same_request' | 'recent_pair'; readonly queuePosition: number | null };

export interface ComparisonDeps {
  readonly db: Db;
  readonly prompts: PromptRegistry;
  readonly pricing: Pricing;
  readonly clock: Clock;
  /** Free credits of a new workspace, granted once to a Slack team or Discord server (a DM draws none: domain/workspace.ts). */
  readonly freeCredits: number;
  /** Which platforms pay credits and are limited (the operator's own terminal is neither). */
  readonly metered: (platform: WorkspaceRef['platform']) => boolean;
  /** Credits a metered workspace may spend per UTC day (reservations less refunds). */
  readonly dailyCap: number;
  /** Runs of a metered workspace holding a running slot at once; the rest wait in FIFO order. */
  readonly maxRunning: number;
}

const DEDUP_WINDOW_MS = 24 * 3_600_000;

/** The same pair, as content: an ASIN by itself, a manual listing by the hash of its content. */
export function sideKey(ref: ListingInputRef): string {
  return ref.kind === 'asin' ? ref.asin : `manual:${createHash('sha256').update(JSON.stringify(ref.listing)).digest('hex').slice(0, 16)}`;
}

/**
 * Creates a comparison in one transaction: the workspace (free credits on first sight, if it draws any),
 * the run and its stage rows, the credit reservation, and — when one of the workspace's running
 * slots is free — the first job; otherwise the run waits in the workspace's queue (its root
 * message still goes out at once, saying where it stands). Nothing is half-written: a refusal
 * (not enough credits, the daily cap, the per-run maximum) rolls all of it back.
 *
 * Everything is decided under the workspace's row lock: concurrent commands of one workspace
 * are serialised, so N reservations on a balance that covers k of them create exactly k runs.
 */
export async function startComparison(deps: ComparisonDeps, input: StartComparisonInput): Promise<StartComparisonResult> {
  const keyA = sideKey(input.a);
  const keyB = sideKey(input.b);
  if (keyA === keyB) throw new UserError('same_listing');
  // A pair asked with `mine` is a different request from the same pair without it (or with the
  // other side): it never reuses a run marked otherwise.
  const dedupKey = `compare:${keyA}:${keyB}${input.mine ? `:mine=${input.mine}` : ''}`;
  const prices = comparisonStagePrices(deps.pricing, deps.metered(input.workspace.platform));
  const cost = totalCredits(prices);
  if (cost > deps.pricing.perRunMax) throw new UserError('run_over_maximum', `A comparison costs ${cost} credits, over this workspace's per-run maximum of ${deps.pricing.perRunMax} credits.`);
  const metered = deps.metered(input.workspace.platform);

  // A deadlock victim (Postgres aborts one of the transactions in a lock cycle — e.g. with a
  // workspace delete taking the workspace's and its runs' locks) rolled back whole: asked again.
  for (let attempt = 1; ; attempt++) {
    try {
      return await create(deps, input, { keyA, keyB, dedupKey, prices, cost, metered });
    } catch (e) {
      const code = (e as { code?: string; cause?: { code?: string } } | undefined);
      if (attempt < 3 && (code?.code === '40P01' || code?.cause?.code === '40P01')) continue;
      return existingAfterRace(deps.db, input.workspace, input.requestKey, e);
    }
  }
}

async function create(
  deps: ComparisonDeps,
  input: StartComparisonInput,
  k: { keyA: string; keyB: string; dedupKey: string; prices: ReturnType<typeof comparisonStagePrices>; cost: number; metered: boolean },
): Promise<StartComparisonResult> {
  const { keyA, keyB, dedupKey, prices, cost, metered } = k;
  return deps.db.transaction(async (tx) => {
      const { ws, now, facts, existing } = await openRunCreation(tx, {
        workspace: input.workspace,
        freeCredits: metered ? deps.freeCredits : 0,
        requestKey: input.requestKey,
        dedup: input.fresh ? undefined : { key: dedupKey, windowMs: DEDUP_WINDOW_MS },
        now: () => deps.clock.now(),
      });
      if (existing) return existing;
      if (cost > 0) refuseSpend(ws, cost, facts.usedToday, deps.dailyCap, 'a comparison');
      const mine = mineAtCreation(facts.asinKeys, { a: input.a, b: input.b }, input.mine);
      // Waiting runs first (FIFO), then this one, while the workspace has a free running slot.
      const created = await createRun(tx, {
        ws,
        facts,
        run: {
          kind: 'compare',
          status: 'queued',
          inputs: { a: input.a, b: input.b },
          dedupKey,
          fresh: input.fresh,
          ...mine,
          requestKey: input.requestKey ?? null,
          requestedBy: input.requestedBy ?? null,
          origin: input.origin ?? { platform: 'cli' },
          pinnedPrompts: deps.prompts.pinAll(),
          reservedCredits: cost,
          createdAt: now,
        },
        stages: prices.map((p) => ({ stage: p.stage, credits: p.credits })),
        cost,
        note: `comparison ${keyA} vs ${keyB}`,
        maxRunning: metered ? deps.maxRunning : Infinity,
        now,
      });
      // Written in the same transaction: an unknown experiment rolls the whole creation back.
      if (input.experiment && !(await linkRerun(tx, ws.id, { experimentId: input.experiment.id, runId: created.run.id, tags: input.experiment.tags }))) {
        throw new UserError('not_found', `No experiment \`${input.experiment.id.slice(0, 8)}\` in this workspace.`);
      }
      return created;
  });
}
