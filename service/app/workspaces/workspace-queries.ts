import { UserError } from '../../domain/errors.ts';
import type { Db } from '../../db/client.ts';
import { findRunForWorkspace, getStages, queuePosition, runsWithVerdicts } from '../../db/repos/runs.ts';
import { ensureWorkspace, type WorkspaceRef } from '../../db/repos/workspaces.ts';
import type { Verdict } from '../../domain/stage-outputs.ts';
import { toRunView, type RunView } from '../views/index.ts';
import { summarizeCredits, type CreditsSummary } from '../credits/index.ts';

/**
 * Read-only use-cases behind `credits`, `history` and `status`. Every lookup is scoped to the
 * asking workspace: another workspace's run is "not found", never shown.
 */

export interface QueryDeps {
  readonly db: Db;
  readonly freeCredits: number;
  readonly dailyCap: number;
  readonly metered: (platform: WorkspaceRef['platform']) => boolean;
}

export async function creditsSummary(deps: QueryDeps, ref: WorkspaceRef, now: Date): Promise<CreditsSummary> {
  const ws = await ensureWorkspace(deps.db, ref, deps.metered(ref.platform) ? deps.freeCredits : 0);
  return summarizeCredits(deps.db, ws, deps.dailyCap, now);
}

export interface HistoryLine {
  readonly id: string;
  readonly shortId: string;
  readonly createdAt: Date;
  readonly status: string;
  /** A draft's pair names its photos ("3 photos" twice). */
  readonly kind?: 'compare' | 'draft';
  readonly pair: { readonly A: string; readonly B: string };
  readonly winner: Verdict['winner'] | null;
  readonly score: Verdict['score'] | null;
}

export async function runHistory(deps: QueryDeps, ref: WorkspaceRef, limit = 10, before?: Date): Promise<HistoryLine[]> {
  const ws = await ensureWorkspace(deps.db, ref, deps.metered(ref.platform) ? deps.freeCredits : 0);
  const rows = await runsWithVerdicts(deps.db, ws.id, limit, before);
  return rows.map(({ run, verdict }) => {
    const v = verdict as Verdict | null;
    if (run.kind === 'draft') {
      const n = ((run.inputs as { photos?: unknown[] }).photos ?? []).length;
      const photos = `${n} photo${n === 1 ? '' : 's'}`;
      return { id: run.id, shortId: run.id.slice(0, 8), createdAt: run.createdAt, status: run.status, kind: 'draft' as const, pair: { A: photos, B: photos }, winner: null, score: null };
    }
    const inputs = run.inputs as { a: { kind: string; asin?: string; label?: string }; b: { kind: string; asin?: string; label?: string } };
    return {
      id: run.id,
      shortId: run.id.slice(0, 8),
      createdAt: run.createdAt,
      status: run.status,
      pair: { A: inputs.a.asin ?? inputs.a.label ?? '?', B: inputs.b.asin ?? inputs.b.label ?? '?' },
      winner: v?.winner ?? null,
      score: v?.score ?? null,
    };
  });
}

/** `status <job>`: the run's current RunView, by full id or a unique prefix, in this workspace only. */
export async function runStatus(deps: QueryDeps, ref: WorkspaceRef, idOrPrefix: string): Promise<RunView> {
  const ws = await ensureWorkspace(deps.db, ref, deps.metered(ref.platform) ? deps.freeCredits : 0);
  const clean = idOrPrefix.trim().toLowerCase();
  if (!/^[0-9a-f-]{4,36}$/.test(clean)) throw new UserError('not_found', `No run \`${idOrPrefix.slice(0, 40)}\` in this workspace.`);
  const run = await findRunForWorkspace(deps.db, ws.id, clean);
  if (!run) throw new UserError('not_found', `No run \`${idOrPrefix.slice(0, 40)}\` in this workspace.`);
  return toRunView(run, await getStages(deps.db, run.id), await queuePosition(deps.db, run));
}
