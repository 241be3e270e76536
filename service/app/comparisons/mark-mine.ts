import type { DbOrTx } from '../../db/client.ts';
import { brandKeys } from '../../db/repos/brands.ts';
import { markRunMine, type BrandKey, type Run } from '../../db/repos/runs.ts';
import type { ListingInputRef, Side } from '../../domain/listing.ts';
import type { AcquireOutput } from '../../stages/acquired.ts';
import { brandKey } from '../workspaces/index.ts';

/**
 * "Whose listing" (runs.mine): which side of a comparison is the workspace's own. Said in the
 * command (`mine:A`, source 'asked'), or found on the workspace's brand list: at creation by the
 * sides' ASINs, after acquisition by their ASINs and brands. Exactly one side must match; both
 * or neither leave the run unmarked. Presentation only: the verdict never depends on it.
 */

export type MineSource = 'asked' | 'asin' | 'brand';

/** What identifies one side: its ASIN and, once acquired, its brand. */
export interface SideIdentity {
  readonly asin?: string | undefined;
  readonly brand?: string | undefined;
}

type Keys = Awaited<ReturnType<typeof brandKeys>>;

/** The one side on the list (by ASIN, else by brand), or null when neither or both are. */
export function mineBySides(keys: Keys, sides: Record<Side, SideIdentity>): { side: Side; source: 'asin' | 'brand' } | null {
  const match = (s: SideIdentity): 'asin' | 'brand' | null => {
    if (s.asin !== undefined && keys.asin.has(s.asin.toUpperCase())) return 'asin';
    if (s.brand !== undefined && keys.brand.has(brandKey(s.brand))) return 'brand';
    return null;
  };
  const a = match(sides.A);
  const b = match(sides.B);
  if (a && !b) return { side: 'A', source: a };
  if (b && !a) return { side: 'B', source: b };
  return null;
}

/** A side's ASIN before acquisition: the one asked for, or a listing folder's own. */
function requestedIdentity(ref: ListingInputRef): SideIdentity {
  return { asin: ref.kind === 'asin' ? ref.asin : ref.listing.asin };
}

/**
 * The mark a new run is created with (inside its creating transaction): asked in the command,
 * else exactly one side's ASIN on the workspace's brand list (`asinKeys`, its normalised ASINs,
 * read with the rest of the creation's facts: db/repos/run-create.ts); null otherwise.
 */
export function mineAtCreation(
  asinKeys: readonly string[],
  refs: { a: ListingInputRef; b: ListingInputRef },
  asked: Side | undefined,
): { mine: Side | null; mineSource: MineSource | null } {
  if (asked) return { mine: asked, mineSource: 'asked' };
  if (asinKeys.length === 0) return { mine: null, mineSource: null };
  const found = mineBySides({ asin: new Set(asinKeys), brand: new Set() }, { A: requestedIdentity(refs.a), B: requestedIdentity(refs.b) });
  return found ? { mine: found.side, mineSource: found.source } : { mine: null, mineSource: null };
}

/**
 * After acquisition succeeded (in the transaction that records it, under the run's lock): a run
 * not yet marked is marked when exactly one acquired side's ASIN or brand is on the list. Runs
 * once per acquisition (a settled stage is never recorded again) and the update is guarded, so a
 * mark already made is never changed.
 */
export async function markMineAfterAcquire(tx: DbOrTx, run: Run & { brands?: readonly BrandKey[] }, output: AcquireOutput): Promise<void> {
  if (run.kind !== 'compare' || run.mine !== null || run.mineSource !== null) return;
  // The brand list read with the run's lock (lockRunForChange `brands`), else read here.
  const keys = run.brands ? keysOf(run.brands) : await brandKeys(tx, run.workspaceId);
  if (keys.asin.size === 0 && keys.brand.size === 0) return;
  const side = (s: AcquireOutput['A']): SideIdentity => ({ asin: s.listing.asin ?? (s.source === 'manual' ? undefined : s.label), brand: s.listing.brand });
  const found = mineBySides(keys, { A: side(output.A), B: side(output.B) });
  if (found) await markRunMine(tx, run.id, found.side, found.source);
}

function keysOf(list: readonly BrandKey[]): Keys {
  const out: Keys = { brand: new Set(), asin: new Set() };
  for (const b of list) out[b.kind].add(b.key);
  return out;
}
