import type { ListingSource } from '../../acquire/listing-source.ts';
import { AppError, PermanentError, UserError } from '../../domain/errors.ts';
import { ListingSchema, type Listing, type Side, type ListingInputRef } from '../../domain/listing.ts';
import type { Db } from '../../db/client.ts';
import { getImages } from '../../db/repos/blobs.ts';
import { putCachedListings } from '../../db/repos/caches.ts';
import type { Clock } from '../../providers/provider.ts';
import type { AcquiredSide, AcquireOutput, SideFacts } from '../../stages/acquired.ts';
import { beginAcquisition, completeStage } from './run-engine.ts';
import { runStage, type StageRunnerDeps } from './run-stage.ts';
import { storeListingImages } from './acquire-images.ts';

export interface AcquireDeps {
  readonly db: Db;
  /** Undefined when no listing source is configured (no APIFY_TOKEN): only manual listings work. */
  readonly source: ListingSource | undefined;
  readonly allowedHosts: readonly string[];
  readonly clock: Clock;
  /** The rules engine's measurement of one acquired listing. */
  readonly analyze: (side: Side, listing: Listing, images: readonly { sha256: string; bytes: Buffer; index: number }[], at: Date) => Promise<SideFacts>;
  readonly listingTtlMs: number;
  /** Main image + up to 8 gallery images are used. */
  readonly maxImages?: number;
  /**
   * When given, the stages acquisition queues (1–3, then avatars and the verdict) run in this same
   * job (run-stage.ts) instead of a run_stage job of their own: no second pickup, and the run, the
   * acquired listings and the queued stages are not read again. A retry of the job after
   * acquisition settled runs the stages not settled yet.
   */
  readonly stages?: StageRunnerDeps;
}

/**
 * Stage 0. Both listings (cache, source or manual), their images downloaded at once within the
 * host allow-list and stored by content hash, then measured. A listing that cannot be had fails
 * the run with a full refund (the user is offered the manual fallback).
 */
export async function acquireListings(deps: AcquireDeps, runId: string, ctx: { signal: AbortSignal; lastAttempt: boolean }): Promise<void> {
  const now = new Date(deps.clock.now());
  // The run's inputs and its cached listings are read with the stage's start (one statement).
  const run = await beginAcquisition(deps.db, runId, now);
  if (!run) {
    // Settled already: a retry of this job, whose stages may be queued or running still.
    if (deps.stages) await runStage(deps.stages, runId, undefined, ctx);
    return;
  }
  const inline = deps.stages ? { inline: { rulesModel: deps.stages.rulesModel } } : {};
  let queued: { output: AcquireOutput; stages: string[] } | undefined;
  const inputs = run.inputs as { a: ListingInputRef; b: ListingInputRef };
  try {
    const listings = await resolveListings(deps, { A: inputs.a, B: inputs.b }, run.cached, now, ctx.signal);
    // Both listings' images in one batch; bytes in hand (downloaded or loaded) are measured as they are, not read back.
    const max = deps.maxImages ?? 9;
    const stored = await storeListingImages(deps, runId, [listings.A.listing.images.slice(0, max), listings.B.listing.images.slice(0, max)], ctx.signal);
    // The workspace's data was deleted while the listings were fetched (app/data): the job ends quietly.
    if (!stored) return;
    const { sides, bytes } = stored;
    const A: AcquiredSide = { ...listings.A, images: sides[0]! };
    const B: AcquiredSide = { ...listings.B, images: sides[1]! };
    const [factsA, factsB] = await Promise.all([analyzeSide(deps, 'A', A, now, bytes), analyzeSide(deps, 'B', B, now, bytes)]);
    const output: AcquireOutput = { A, B, facts: { A: factsA, B: factsB } };
    queued = { output, stages: (await completeStage(deps.db, runId, 'acquire', { ok: true, output, provider: 'acquire', model: `${A.source}+${B.source}` }, inline)).queued };
  } catch (e) {
    const expected = e instanceof UserError || e instanceof PermanentError;
    if (!expected && !ctx.lastAttempt) throw e; // transient: graphile retries the task
    const code = e instanceof AppError ? e.code : 'acquisition_failed';
    const message = e instanceof Error ? e.message : String(e);
    await completeStage(deps.db, runId, 'acquire', { ok: false, code, message });
    return;
  }
  // Outside the try: a stage's error is the stages' to handle (run-stage.ts), not acquisition's.
  // Begun by the completion (inline): this job runs them now.
  if (deps.stages && queued?.stages.length) await runStage(deps.stages, runId, undefined, ctx, { pinnedPrompts: run.pinnedPrompts, acquired: queued.output, wave: queued.stages });
}

type Pending = { source: AcquiredSide['source']; label: string; listing: Listing };

/** `cachedListings`: the sides' listings cached and fresh, read when the acquisition began (none when asked `fresh`). */
async function resolveListings(deps: AcquireDeps, refs: Record<Side, ListingInputRef>, cachedListings: ReadonlyMap<string, unknown>, now: Date, signal: AbortSignal): Promise<Record<Side, Pending>> {
  const out: Partial<Record<Side, Pending>> = {};
  const toFetch: { side: Side; asin: string }[] = [];
  for (const side of ['A', 'B'] as const) {
    const ref = refs[side];
    if (ref.kind === 'manual') {
      out[side] = { source: 'manual', label: ref.label, listing: ListingSchema.parse(ref.listing) };
      continue;
    }
    const hit = cachedListings.get(ref.asin);
    const cached = hit === undefined ? undefined : ListingSchema.safeParse(hit);
    if (cached?.success) out[side] = { source: 'cache', label: ref.asin, listing: cached.data };
    else toFetch.push({ side, asin: ref.asin });
  }
  if (toFetch.length) {
    if (!deps.source) {
      throw new PermanentError(
        'acquisition_failed',
        `No listing source is configured, so ${toFetch.map((t) => t.asin).join(' and ')} cannot be fetched. Set APIFY_TOKEN, or compare listing folders (listing.json + images).`,
      );
    }
    const results = await deps.source.fetch(toFetch.map((t) => t.asin), { signal });
    const fetched: { asin: string; listing: Listing }[] = [];
    let failure: Error | undefined;
    for (const { side, asin } of toFetch) {
      const r = results.get(asin);
      if (!r) failure ??= new PermanentError('acquisition_failed', `The listing source returned nothing for ${asin}.`);
      else if (!r.ok) failure ??= r.error;
      else {
        const listing = { ...r.value, asin };
        fetched.push({ asin, listing });
        out[side] = { source: 'apify', label: asin, listing };
      }
    }
    // What was fetched is cached (one statement) even when the other side failed: a retry reuses it.
    await putCachedListings(deps.db, fetched, 'apify', now, deps.listingTtlMs);
    if (failure) throw failure;
  }
  return out as Record<Side, Pending>;
}

async function analyzeSide(deps: AcquireDeps, side: Side, acquired: AcquiredSide, now: Date, bytes: ReadonlyMap<string, Buffer>): Promise<SideFacts> {
  const usable = acquired.images.filter((i) => i.sha256 && !i.refused);
  const blobs = await getImages(deps.db, usable.map((i) => i.sha256!).filter((h) => !bytes.has(h)));
  const images = usable.flatMap((i) => {
    const b = bytes.get(i.sha256!) ?? blobs.get(i.sha256!)?.bytes;
    return b ? [{ sha256: i.sha256!, bytes: b, index: i.index }] : [];
  });
  const facts = await deps.analyze(side, acquired.listing, images, now);
  const refused = acquired.images.filter((i) => i.refused);
  return {
    ...facts,
    findings: [
      ...facts.findings,
      ...refused.map((i) => ({
        id: `${side}.images.refused_${i.index}`,
        kind: i.index === 0 ? 'main_image' : 'gallery',
        severity: i.index === 0 ? ('critical' as const) : ('minor' as const),
        message: `Image ${i.index + 1} was skipped (${i.refused}): ${truncate(i.ref)}`,
      })),
    ],
  };
}

function truncate(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}…` : s;
}
