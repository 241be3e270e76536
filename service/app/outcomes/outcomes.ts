import { z } from 'zod';
import type { Db } from '../../db/client.ts';
import { findOutcome, listOutcomes, upsertOutcome, type OutcomeRow } from '../../db/repos/outcomes.ts';
import { findRunForWorkspace, getStage, lockRun, type Run } from '../../db/repos/runs.ts';
import { findWorkspace, type WorkspaceRef } from '../../db/repos/workspaces.ts';
import { calibrate, type CalibrationReport, type OutcomeSample, type OutcomeSide } from '../../domain/calibration.ts';
import { UserError } from '../../domain/errors.ts';
import type { ListingInputRef } from '../../domain/listing.ts';
import type { DbOrTx } from '../../db/client.ts';

/**
 * Outcomes (issue 19): what really happened to a compared pair after a change went live or a
 * real A/B test ended, recorded by the workspace against one of its finished comparisons, and
 * the calibration of the verdict's confidence they give. One outcome per run; recording again
 * replaces it (the latest answer counts). The verdict it judged is copied in, so the outcome
 * outlives the run. Every lookup is scoped to the asking workspace: another workspace's run is
 * "not found", and its outcomes are never counted or shown.
 */

/** Longest note, in characters. */
export const OUTCOME_NOTE_MAX = 500;

/** The part of the run's verdict an outcome keeps (what calibration needs). */
export const OutcomeVerdictSchema = z.object({
  winner: z.enum(['A', 'B', 'tie']),
  clickWinner: z.enum(['A', 'B', 'tie']),
  confidence: z.number().min(0).max(1),
  rulesOnly: z.boolean(),
});
export type OutcomeVerdict = z.infer<typeof OutcomeVerdictSchema>;

export interface OutcomeRecord {
  readonly result: OutcomeSide;
  readonly clickResult: OutcomeSide | null;
  readonly note: string | null;
  /** The platform's user id of who recorded it (`terminal` from the CLI). */
  readonly recordedBy: string | null;
  readonly recordedAt: Date;
}

/** A finished comparison as the outcome form shows it, with the outcome recorded so far. */
export interface OutcomeTarget {
  readonly runId: string;
  readonly shortId: string;
  /** The listings' names: ASINs, or the labels of listings given by hand. */
  readonly pair: { readonly A: string; readonly B: string };
  readonly verdict: OutcomeVerdict;
  readonly current: OutcomeRecord | null;
}

export interface RecordOutcomeInput {
  /** The run: full id or an 8+ character prefix, in this workspace. */
  readonly job: string;
  readonly result: OutcomeSide;
  readonly clickResult?: OutcomeSide | null | undefined;
  readonly note?: string | null | undefined;
  readonly recordedBy: string;
}

export interface RecordedOutcome {
  readonly runId: string;
  readonly shortId: string;
  readonly pair: { readonly A: string; readonly B: string };
  readonly verdict: OutcomeVerdict;
  readonly outcome: OutcomeRecord;
  /** The answer this one replaced; null for the run's first outcome. */
  readonly replaced: OutcomeRecord | null;
}

export interface OutcomeServices {
  /** Records (or replaces) a finished comparison's outcome. UserError 'not_found' for an unknown run, 'bad_command' for one without a verdict. */
  record(ref: WorkspaceRef, input: RecordOutcomeInput): Promise<RecordedOutcome>;
  /** The run an outcome would be recorded against (the button's form); the same refusals as `record`. */
  target(ref: WorkspaceRef, job: string): Promise<OutcomeTarget>;
  /** Calibration over this workspace's outcomes (empty for a workspace never seen). */
  calibration(ref: WorkspaceRef): Promise<CalibrationReport>;
  /** Calibration over every workspace's outcomes: for an operator (`listinglab calibration --all`), never a chat front end. */
  calibrationAcrossWorkspaces(): Promise<CalibrationReport>;
}

const ID = /^[0-9a-f-]{4,36}$/;
const noRun = (job: string) => new UserError('not_found', `No run \`${job.slice(0, 40)}\` in this workspace.`);

export function recordOf(row: OutcomeRow): OutcomeRecord {
  return { result: row.result, clickResult: row.clickResult, note: row.note, recordedBy: row.recordedBy, recordedAt: row.updatedAt };
}

/** The side's name as people know it: its ASIN, or the label of a listing given by hand. */
function pairOf(run: Run): { A: string; B: string } {
  const inputs = run.inputs as { a: ListingInputRef; b: ListingInputRef };
  const name = (ref: ListingInputRef) => (ref.kind === 'asin' ? ref.asin : (ref.listing.asin ?? ref.label));
  return { A: name(inputs.a), B: name(inputs.b) };
}

/** The run's verdict, or a refusal saying why it cannot get an outcome. */
async function verdictOf(db: DbOrTx, run: Run): Promise<OutcomeVerdict> {
  const short = run.id.slice(0, 8);
  if (run.kind !== 'compare') throw new UserError('bad_command', `Run \`${short}\` made listing drafts: only a finished comparison can get a real result.`);
  const stage = run.status === 'succeeded' || run.status === 'partial' ? await getStage(db, run.id, 'verdict') : undefined;
  const verdict = stage?.status === 'succeeded' ? OutcomeVerdictSchema.safeParse(stage.output) : undefined;
  if (!verdict?.success) {
    const why = run.status === 'queued' || run.status === 'running' ? 'is not finished yet' : 'has no verdict';
    throw new UserError('bad_command', `Run \`${short}\` ${why}: only a finished comparison with a verdict can get a real result.`);
  }
  return verdict.data;
}

function cleanNote(raw: string | null | undefined): string | null {
  const note = raw?.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+/gu, ' ').replace(/\s+/gu, ' ').trim() ?? '';
  if (note === '') return null;
  const length = Array.from(note).length;
  if (length > OUTCOME_NOTE_MAX) throw new UserError('bad_command', `A note is at most ${OUTCOME_NOTE_MAX} characters; that one is ${length}.`);
  return note;
}

export function samplesOf(rows: readonly OutcomeRow[]): OutcomeSample[] {
  return rows.flatMap((row) => {
    const verdict = OutcomeVerdictSchema.safeParse(row.verdict);
    return verdict.success ? [{ verdict: verdict.data, result: row.result, clickResult: row.clickResult }] : [];
  });
}

export function createOutcomeServices(deps: { readonly db: Db }): OutcomeServices {
  const { db } = deps;

  async function find(ref: WorkspaceRef, job: string): Promise<{ workspaceId: string; run: Run }> {
    const clean = job.trim().toLowerCase();
    if (!ID.test(clean)) throw noRun(job);
    const ws = await findWorkspace(db, ref);
    const run = ws ? await findRunForWorkspace(db, ws.id, clean) : undefined;
    if (!ws || !run) throw noRun(job);
    return { workspaceId: ws.id, run };
  }

  return {
    async record(ref, input) {
      const note = cleanNote(input.note);
      const { workspaceId, run: found } = await find(ref, input.job);
      return db.transaction(async (tx) => {
        // Two answers for one run at once serialise on the run row: each replaces the one before.
        const run = await lockRun(tx, found.id);
        if (!run) throw noRun(input.job);
        const verdict = await verdictOf(tx, run);
        const before = await findOutcome(tx, workspaceId, run.id);
        const row = await upsertOutcome(tx, {
          workspaceId,
          runId: run.id,
          result: input.result,
          clickResult: input.clickResult ?? null,
          note,
          verdict,
          recordedBy: input.recordedBy,
        });
        return { runId: run.id, shortId: run.id.slice(0, 8), pair: pairOf(run), verdict, outcome: recordOf(row), replaced: before ? recordOf(before) : null };
      });
    },

    async target(ref, job) {
      const { workspaceId, run } = await find(ref, job);
      const verdict = await verdictOf(db, run);
      const current = await findOutcome(db, workspaceId, run.id);
      return { runId: run.id, shortId: run.id.slice(0, 8), pair: pairOf(run), verdict, current: current ? recordOf(current) : null };
    },

    async calibration(ref) {
      const ws = await findWorkspace(db, ref);
      return calibrate(ws ? samplesOf(await listOutcomes(db, ws.id)) : []);
    },

    async calibrationAcrossWorkspaces() {
      return calibrate(samplesOf(await listOutcomes(db, null)));
    },
  };
}
