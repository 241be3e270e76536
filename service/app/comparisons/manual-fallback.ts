import { UserError } from '../../domain/errors.ts';
import { ListingSchema, type ListingInput, type Side, type ListingInputRef } from '../../domain/listing.ts';
import { describeIssues } from '../../acquire/folder-source.ts';
import { applyLedgerEntry } from '../../db/repos/ledger.ts';
import { getStages, lockRun, requeueRun, updateStage, notifyRunChanged } from '../../db/repos/runs.ts';
import { lockWorkspace } from '../../db/repos/workspaces.ts';
import { checkSpend } from '../credits/index.ts';
import { fillSlots } from './run-slots.ts';
import type { ComparisonDeps } from './start-comparison.ts';

/** Codes of an acquisition failure that pasting the listing by hand can get past. */
const RESUMABLE = new Set(['listing_not_found', 'acquisition_failed', 'timeout']);

/** What a person may give as an image, said wherever one is refused. */
export const USER_IMAGES_ACCEPTED = 'Give each image as an http(s) link, one per line, main image first (e.g. https://m.media-amazon.com/images/I/….jpg).';

/**
 * Why an image a chat user gave cannot be used, or undefined when it can: only http(s) links
 * (downloaded later within IMAGE_HOSTS). A `sha256:<hex>` reference names a blob in the image
 * store, which all workspaces share — taking one from a user would let a run load another
 * workspace's photo — so those references are ListingLab's own (listing folders on the CLI) and
 * are refused here, whichever front end the listing came through.
 */
export function userImageProblem(ref: string): string | undefined {
  const shown = ref.length > 80 ? `${ref.slice(0, 79)}…` : ref;
  if (/^sha256:/i.test(ref.trim())) return `\`${shown}\` is a stored-image reference, which only ListingLab itself can use`;
  let url: URL;
  try {
    url = new URL(ref);
  } catch {
    return `\`${shown}\` is not an image link`;
  }
  return url.protocol === 'https:' || url.protocol === 'http:' ? undefined : `\`${shown}\` is not an http(s) link`;
}

/**
 * The manual fallback (PRODUCT.md "Failures"): a run whose listings could not be fetched is
 * completed from listings given by hand (title, bullets, description, image links — the
 * listing.json model). The run starts again from stage 0 with a new reservation;
 * its ledger keys carry the run's new generation, so nothing collides with the first attempt's
 * reservation and refunds. It goes to the back of the workspace's queue and starts when a
 * running slot is free.
 *
 * The listings come from a chat user: images are http(s) links only (`userImageProblem`). The new
 * reservation is held to the same limits as any other (`checkSpend`: today's cap, the balance);
 * a refusal writes nothing.
 */
export async function resumeWithManualListings(
  deps: Pick<ComparisonDeps, 'db' | 'maxRunning' | 'metered' | 'dailyCap' | 'clock'>,
  input: { workspaceId: string; runId: string; listings: Partial<Record<Side, ListingInput>> },
): Promise<void> {
  const sides = (Object.keys(input.listings) as Side[]).filter((s) => input.listings[s]);
  if (sides.length === 0) throw new UserError('missing_argument', 'Give at least one listing by hand.');
  const manual: Partial<Record<Side, ListingInputRef>> = {};
  for (const side of sides) {
    const parsed = ListingSchema.safeParse(input.listings[side]);
    if (!parsed.success) throw new UserError('bad_listing_folder', `Listing ${side}: ${describeIssues(parsed.error.issues)}`);
    const l = parsed.data;
    for (const ref of l.images) {
      const problem = userImageProblem(ref);
      if (problem) throw new UserError('image_refused', `Listing ${side}: ${problem}. ${USER_IMAGES_ACCEPTED}`);
    }
    manual[side] = { kind: 'manual', label: l.asin ?? (l.title.length > 32 ? `${l.title.slice(0, 31)}…` : l.title), listing: l };
  }

  await deps.db.transaction(async (tx) => {
    const run = await lockRun(tx, input.runId);
    if (!run || run.workspaceId !== input.workspaceId) throw new UserError('not_found', 'No such run in this workspace.');
    if (run.kind !== 'compare' || run.status !== 'failed' || !RESUMABLE.has(run.errorCode ?? '')) {
      throw new UserError('bad_command', 'Only a run whose listings could not be fetched can be completed by hand.');
    }
    const ws = await lockWorkspace(tx, run.workspaceId);
    // Read after the lock, as start-comparison does: the day is the lock holder's.
    const now = new Date(deps.clock.now());
    if (run.reservedCredits > 0) await checkSpend(tx, ws, run.reservedCredits, deps.dailyCap, now, 'finishing this comparison by hand');
    const inputs = run.inputs as { a: ListingInputRef; b: ListingInputRef };
    const generation = run.generation + 1;
    const stages = await getStages(tx, run.id);
    if (run.reservedCredits > 0) {
      await applyLedgerEntry(tx, {
        workspaceId: run.workspaceId,
        amount: -run.reservedCredits,
        kind: 'reserve',
        idempotencyKey: `reserve:${run.id}:${generation}`,
        runId: run.id,
        note: 'comparison resumed with a listing given by hand',
      });
    }
    for (const s of stages) {
      await updateStage(tx, run.id, s.stage, {
        status: 'pending', output: null, provider: null, model: null, errorCode: null, errorMessage: null, attempts: 0, startedAt: null, finishedAt: null,
      });
    }
    await requeueRun(tx, run.id, {
      inputs: { a: manual.A ?? inputs.a, b: manual.B ?? inputs.b },
      generation,
      errorCode: null,
      finishedAt: null,
      settledAt: null,
      startedAt: null,
      verdictHash: null,
    });
    await fillSlots(tx, ws.id, deps.metered(ws.platform) ? deps.maxRunning : Infinity, now);
    await notifyRunChanged(tx, run.id);
  });
}
