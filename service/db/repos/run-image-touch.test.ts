import { describe, expect, test } from 'vitest';
import { useTestDatabase } from '../../../test/db.ts';
import { imageBlobs, runs, workspaces } from '../schema.ts';
import { touchImagesOfLiveRun } from './run-image-touch.ts';

const tdb = await useTestDatabase();

const sha = (c: string) => c.repeat(64);
const blob = (c: string) => ({ sha256: sha(c), mediaType: 'image/jpeg', width: 4, height: 3, byteSize: 1, bytes: Buffer.from([1]) });

async function liveRun(external: string): Promise<string> {
  const [ws] = await tdb.db.insert(workspaces).values({ platform: 'slack', externalId: external }).returning();
  const [run] = await tdb.db.insert(runs).values({ workspaceId: ws!.id, kind: 'compare', inputs: {}, origin: {}, admittedAt: new Date() }).returning();
  return run!.id;
}

describe('touching the images a run downloaded', () => {
  test('returns what is stored of the hashes asked, and nothing for a run that is gone', async () => {
    await tdb.db.insert(imageBlobs).values([blob('1')]).onConflictDoNothing();
    const run = await liveRun('T_TOUCH_META');
    const known = await touchImagesOfLiveRun(tdb.db, run, [sha('1'), sha('0')]);
    expect([...known!.entries()]).toEqual([[sha('1'), { mediaType: 'image/jpeg', width: 4, height: 3 }]]);
    expect(await touchImagesOfLiveRun(tdb.db, '00000000-0000-4000-8000-000000000000', [sha('1')])).toBeUndefined();
  });

  test('locks rows in hash order: a transaction holding one image and then taking another does not deadlock with it', async () => {
    // Stored "b" before "a", so a scan in the order rows lie on disk meets "b" first.
    await tdb.db.insert(imageBlobs).values([blob('b')]).onConflictDoNothing();
    await tdb.db.insert(imageBlobs).values([blob('a')]).onConflictDoNothing();
    const run = await liveRun('T_TOUCH_ORDER');
    let touch: ReturnType<typeof touchImagesOfLiveRun> | undefined;
    await tdb.sql.begin(async (tx) => {
      await tx`select 1 from image_blobs where sha256 = ${sha('a')} for no key update`;
      touch = touchImagesOfLiveRun(tdb.db, run, [sha('b'), sha('a')]);
      // Wait until the touch waits for "a" (held here): it must hold nothing else by then.
      for (let waited = 0; ; waited += 20) {
        const [row] = await tdb.sql<{ n: number }[]>`select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and query like '%update image_blobs%'`;
        if ((row?.n ?? 0) > 0) break;
        if (waited > 5_000) throw new Error('the touch never waited for the row held');
        await new Promise((r) => setTimeout(r, 20));
      }
      // Taking "b" now: a touch that had locked it first would deadlock with this transaction.
      await tx`select 1 from image_blobs where sha256 = ${sha('b')} for no key update`;
    });
    const known = await touch;
    expect([...known!.keys()].sort()).toEqual([sha('a'), sha('b')]);
  });
});
