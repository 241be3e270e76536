import type { DbOrTx } from '../../db/client.ts';
import { findRerunByRun, setRerunSnapshot } from '../../db/repos/experiments.ts';
import { getStage, type Run } from '../../db/repos/runs.ts';
import { snapshotOf } from '../../domain/experiment-snapshot.ts';
import { VerdictSchema } from '../../domain/stage-outputs.ts';

/**
 * Keeps a re-run's scores on its experiment when the run ends, in the transaction that ends it,
 * so the experiment's history outlives the run (retention may delete it later). A run resumed
 * after a failure (manual fallback) ends again and its snapshot is replaced by the new outcome.
 */
export async function recordRerunSnapshot(tx: DbOrTx, run: Run & { rerun?: boolean }): Promise<void> {
  // `rerun` known (finishRun reads it with the finish): no look-up for a run that is not one.
  if (run.rerun === false || !(await findRerunByRun(tx, run.id))) return;
  const row = await getStage(tx, run.id, 'verdict');
  const verdict = row?.status === 'succeeded' ? VerdictSchema.safeParse(row.output) : undefined;
  const snapshot = snapshotOf(run, verdict?.success ? verdict.data : null);
  if (snapshot) await setRerunSnapshot(tx, run.id, snapshot);
}
