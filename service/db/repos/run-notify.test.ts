import { describe, expect, test } from 'vitest';
import { useTestDatabase } from '../../../test/db.ts';
import { runs, runStages, workspaces } from '../schema.ts';
import { beginStageRows, lockRunForChange, notifyRunChanged } from './runs.ts';

/**
 * A run's changes notify `listinglab_run` only for the runs a terminal may follow (the CLI's own,
 * origin `cli`: main/watch-run.ts): a notifying commit takes Postgres's database-wide notification
 * lock, and no one listens for a chat run's changes.
 */

const tdb = await useTestDatabase();

async function runFrom(origin: Record<string, unknown>, external: string): Promise<string> {
  const [ws] = await tdb.db.insert(workspaces).values({ platform: 'slack', externalId: external }).returning();
  const [run] = await tdb.db
    .insert(runs)
    .values({ workspaceId: ws!.id, kind: 'compare', inputs: {}, origin, admittedAt: new Date() })
    .returning();
  await tdb.db.insert(runStages).values({ runId: run!.id, stage: 'acquire', credits: 0, status: 'queued' });
  return run!.id;
}

describe('run change notifications', () => {
  test("a CLI run's lock, stage start and explicit notice notify; a Slack run's do not", async () => {
    const heard: string[] = [];
    const listener = await tdb.sql.listen('listinglab_run', (payload) => heard.push(payload));
    try {
      const cli = await runFrom({ platform: 'cli' }, 'T_NOTIFY_CLI');
      const slack = await runFrom({ platform: 'slack', teamId: 'T_NOTIFY_SLACK', channelId: 'C1' }, 'T_NOTIFY_SLACK');
      for (const id of [slack, cli]) {
        await tdb.db.transaction((tx) => lockRunForChange(tx, id));
        await beginStageRows(tdb.db, id, ['acquire']);
        await tdb.db.transaction((tx) => notifyRunChanged(tx, id));
      }
      // Notifications arrive in commit order: the CLI run's three come after the Slack run's changes.
      const deadline = Date.now() + 5_000;
      while (heard.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 100));
      expect(heard).toEqual([cli, cli, cli]);
    } finally {
      await listener.unlisten();
    }
  });
});
