import { UserError } from '../domain/errors.ts';
import type { Listing } from '../domain/listing.ts';
import { comparisonStagePrices, totalCredits, type Pricing } from '../domain/pricing.ts';
import type { Db } from '../db/client.ts';
import { applyLedgerEntry } from '../db/repos/ledger.ts';
import { findByRequestKey, findRecentDuplicate, insertRun, transitionStages, type Run } from '../db/repos/runs.ts';
import { ensureWorkspace, lockWorkspace, type WorkspaceRef } from '../db/repos/workspaces.ts';
import { enqueue } from '../jobs/enqueue.ts';
import type { RunOrigin } from './delivery.ts';
import { scheduleDelivery } from './run-engine.ts';
import type { Clock } from '../providers/provider.ts';
import type { PromptRegistry } from '../stages/prompts.ts';
import { createHash } from 'node:crypto';

/** One side of a comparison: an ASIN to fetch, or a listing given by hand (images stored as blobs). */
export type ListingInputRef =
  | { readonly kind: 'asin'; readonly asin: string }
  | { readonly kind: 'manual'; readonly label: string; readonly listing: Listing };

export interface StartComparisonInput {
  readonly workspace: WorkspaceRef;
  readonly a: ListingInputRef;
  readonly b: ListingInputRef;
  readonly fresh: boolean;
  /** The platform's command or interaction id: a redelivery returns the same run. */
  readonly requestKey?: string;
  readonly requestedBy?: string;
  readonly origin?: RunOrigin;
}

export type StartComparisonResult =
  | { readonly kind: 'created'; readonly run: Run; readonly balance: number }
  | { readonly kind: 'existing'; readonly run: Run; readonly reason: 'same_request' | 'recent_pair' };

export interface ComparisonDeps {
  readonly db: Db;
  readonly prompts: PromptRegistry;
  readonly pricing: Pricing;
  readonly clock: Clock;
  readonly freeCredits: number;
  /** Which platforms pay credits (the operator's own terminal does not). */
  readonly metered: (platform: WorkspaceRef['platform']) => boolean;
}

const DEDUP_WINDOW_MS = 24 * 3_600_000;

/** The same pair, as content: an ASIN by itself, a manual listing by the hash of its content. */
export function sideKey(ref: ListingInputRef): string {
  return ref.kind === 'asin' ? ref.asin : `manual:${createHash('sha256').update(JSON.stringify(ref.listing)).digest('hex').slice(0, 16)}`;
}

/**
 * Creates a comparison in one transaction: the workspace (with its free credits on first sight),
 * the run and its stage rows, the credit reservation, and the first job. Nothing is half-written:
 * a refusal (not enough credits, over the per-run maximum) rolls all of it back.
 */
export async function startComparison(deps: ComparisonDeps, input: StartComparisonInput): Promise<StartComparisonResult> {
  const keyA = sideKey(input.a);
  const keyB = sideKey(input.b);
  if (keyA === keyB) throw new UserError('same_listing');
  const dedupKey = `compare:${keyA}:${keyB}`;
  const prices = comparisonStagePrices(deps.pricing, deps.metered(input.workspace.platform));
  const cost = totalCredits(prices);
  if (cost > deps.pricing.perRunMax) throw new UserError('run_over_maximum', `A comparison costs ${cost} credits, over this workspace's per-run maximum of ${deps.pricing.perRunMax}.`);
  const now = new Date(deps.clock.now());

  try {
    return await deps.db.transaction(async (tx) => {
      const ws = await ensureWorkspace(tx, input.workspace, deps.metered(input.workspace.platform) ? deps.freeCredits : 0);
      await lockWorkspace(tx, ws.id);
      if (input.requestKey) {
        const same = await findByRequestKey(tx, ws.id, input.requestKey);
        if (same) return { kind: 'existing', run: same, reason: 'same_request' } as const;
      }
      if (!input.fresh) {
        const recent = await findRecentDuplicate(tx, ws.id, dedupKey, new Date(now.getTime() - DEDUP_WINDOW_MS));
        if (recent) return { kind: 'existing', run: recent, reason: 'recent_pair' } as const;
      }
      const run = await insertRun(
        tx,
        {
          workspaceId: ws.id,
          kind: 'compare',
          status: 'queued',
          inputs: { a: input.a, b: input.b },
          dedupKey,
          fresh: input.fresh,
          requestKey: input.requestKey ?? null,
          requestedBy: input.requestedBy ?? null,
          origin: input.origin ?? { platform: 'cli' },
          pinnedPrompts: deps.prompts.pinAll(),
          reservedCredits: cost,
          createdAt: now,
        },
        prices.map((p) => ({ stage: p.stage, credits: p.credits })),
      );
      let balance = ws.balance;
      if (cost > 0) {
        const r = await applyLedgerEntry(tx, {
          workspaceId: ws.id,
          amount: -cost,
          kind: 'reserve',
          idempotencyKey: `reserve:${run.id}:${run.generation}`,
          runId: run.id,
          note: `comparison ${keyA} vs ${keyB}`,
        });
        balance = r.balance;
      }
      await transitionStages(tx, run.id, ['acquire'], ['pending'], 'queued');
      await enqueue(tx, 'acquire_listings', { runId: run.id }, { maxAttempts: 3 });
      // The root message goes out at once, before any stage has finished.
      await scheduleDelivery(tx, run, 0);
      return { kind: 'created', run, balance } as const;
    });
  } catch (e) {
    // Two deliveries of one request raced past the lookup: the unique key let one through.
    if (input.requestKey && isUniqueViolation(e)) {
      const ws = await ensureWorkspace(deps.db, input.workspace, 0);
      const same = await findByRequestKey(deps.db, ws.id, input.requestKey);
      if (same) return { kind: 'existing', run: same, reason: 'same_request' };
    }
    throw e;
  }
}

function isUniqueViolation(e: unknown): boolean {
  const cause = (e as { cause?: { code?: string } } | undefined)?.cause;
  return (e as { code?: string } | undefined)?.code === '23505' || cause?.code === '23505';
}
