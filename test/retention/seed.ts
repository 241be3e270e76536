import { createHash, randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '../../service/db/client.ts';
import { putImage } from '../../service/db/repos/blobs.ts';
import { experimentRuns, experiments, imageBlobs, runs, runStages, workspaces } from '../../service/db/schema.ts';

/** Rows with the timestamps a retention test controls: created_at, last_used_at, expires_at set explicitly. */

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
export const after = (t: Date, ms: number): Date => new Date(t.getTime() + ms);

export async function seedWorkspace(db: Db): Promise<string> {
  const [ws] = await db.insert(workspaces).values({ platform: 'cli', externalId: `retention-${randomUUID()}` }).returning({ id: workspaces.id });
  return ws!.id;
}

/** An image stored the way acquisition stores it (content-addressed), then its last use set to `lastUsedAt`. */
export async function seedImage(db: Db, content: string, lastUsedAt: Date): Promise<string> {
  const bytes = Buffer.from(`retention test image: ${content}`);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  await putImage(db, { sha256, mediaType: 'image/png', width: 1, height: 1, bytes });
  await db.update(imageBlobs).set({ lastUsedAt }).where(eq(imageBlobs.sha256, sha256));
  return sha256;
}

export interface SeedRun {
  readonly createdAt: Date;
  /** Images named in the acquire stage's output (a comparison's listings). */
  readonly acquired?: readonly string[];
  /** Images named in the run's inputs (a draft's uploaded photos). */
  readonly inputImages?: readonly string[];
}

/** A comparison run created at `createdAt`, with a succeeded acquire stage naming `acquired`. */
export async function seedRun(db: Db, workspaceId: string, r: SeedRun): Promise<string> {
  const [run] = await db
    .insert(runs)
    .values({
      workspaceId,
      kind: 'compare',
      status: 'succeeded',
      inputs: {
        a: { kind: 'asin', asin: 'B0RETAINA1' },
        b: { kind: 'asin', asin: 'B0RETAINB1' },
        ...(r.inputImages ? { photos: r.inputImages.map((sha256) => ({ sha256, name: 'photo.jpg' })) } : {}),
      },
      createdAt: r.createdAt,
    })
    .returning({ id: runs.id });
  const runId = run!.id;
  if (r.acquired) {
    const [first, ...rest] = r.acquired;
    await db.insert(runStages).values({
      runId,
      stage: 'acquire',
      status: 'succeeded',
      output: { A: { images: first ? [{ sha256: first, role: 'main' }] : [] }, B: { images: rest.map((sha256) => ({ sha256 })) } },
    });
  }
  return runId;
}

/** A ctr stage answered in both presentation orders (or one, when `second` is null), as both-orders.ts stores it. */
export async function seedPairwiseStage(db: Db, runId: string, orders: { consistent: boolean; second: 'B' | null }): Promise<void> {
  const answer = (winner: 'A' | 'B') => ({ winner, summary: `raw answer preferring ${winner}`, listings: { A: { scores: { hook: 7 } }, B: { scores: { hook: 6 } } } });
  await db.insert(runStages).values({
    runId,
    stage: 'ctr',
    status: 'succeeded',
    provider: 'openai',
    model: 'gpt-test',
    output: answer('A'),
    orders: { consistent: orders.consistent, first: answer('A'), second: orders.second ? answer(orders.second) : null, ...(orders.second ? {} : { secondError: 'timeout' }) },
  });
}

/** An experiment with `baseline` as its baseline run and `reruns` as its tagged re-runs. */
export async function seedExperiment(db: Db, workspaceId: string, e: { baseline: string; reruns?: readonly string[]; pinned: boolean }): Promise<string> {
  const [exp] = await db
    .insert(experiments)
    .values({ workspaceId, name: `exp-${randomUUID().slice(0, 8)}`, pair: { a: 'B0RETAINA1', b: 'B0RETAINB1' }, baselineSnapshot: {}, baselineRunId: e.baseline, pinned: e.pinned })
    .returning({ id: experiments.id });
  for (const runId of e.reruns ?? []) await db.insert(experimentRuns).values({ experimentId: exp!.id, runId, tags: ['retention'] });
  return exp!.id;
}

export async function setPinned(db: Db, experimentId: string, pinned: boolean): Promise<void> {
  await db.update(experiments).set({ pinned }).where(eq(experiments.id, experimentId));
}
