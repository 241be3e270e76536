import { insertRun, updateStage } from '../../service/db/repos/runs.ts';
import { ensureWorkspace } from '../../service/db/repos/workspaces.ts';
import type { DbOrTx } from '../../service/db/client.ts';
import type { WorkspaceRef } from '../../service/domain/workspace.ts';

/**
 * Finished comparisons written straight into a test database: what an outcome is recorded
 * against, without running the pipeline. Only the verdict fields outcomes read are real
 * (winner, clickWinner, confidence, rulesOnly); the rest is the shape a verdict has.
 */

export interface SeededVerdict {
  readonly winner: 'A' | 'B' | 'tie';
  readonly clickWinner?: 'A' | 'B' | 'tie';
  readonly confidence: number;
  readonly rulesOnly?: boolean;
}

export async function seedRun(
  db: DbOrTx,
  ref: WorkspaceRef,
  opts: { verdict?: SeededVerdict; status?: 'succeeded' | 'partial' | 'failed' | 'running'; kind?: 'compare' | 'draft'; a?: string; b?: string } = {},
): Promise<string> {
  const ws = await ensureWorkspace(db, ref, 0);
  const run = await insertRun(
    db,
    {
      workspaceId: ws.id,
      kind: opts.kind ?? 'compare',
      status: opts.status ?? 'succeeded',
      inputs: { a: { kind: 'asin', asin: opts.a ?? 'B0799CK52K' }, b: { kind: 'asin', asin: opts.b ?? 'B07PGL2ZSL' } },
      finishedAt: new Date(),
    },
    [{ stage: 'verdict', credits: 0 }],
  );
  if (opts.verdict) {
    const v = opts.verdict;
    await updateStage(db, run.id, 'verdict', {
      status: 'succeeded',
      output: {
        winner: v.winner,
        clickWinner: v.clickWinner ?? v.winner,
        saleWinner: v.winner,
        confidence: v.confidence,
        rulesOnly: v.rulesOnly ?? true,
        score: { A: 6, B: 5 },
        stages: {},
        fixes: [],
        missing: [],
        hash: '0'.repeat(64),
      },
    });
  }
  return run.id;
}
