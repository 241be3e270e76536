import { and, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../client.ts';
import { asValues, columnValue, definedKeys, hot, placeholders, shapes, value } from '../hot.ts';
import { chatMessages, runs, runStages } from '../schema.ts';
import type { Run, StageRow } from './runs.ts';

export type ChatMessageRow = typeof chatMessages.$inferSelect;

/** What a delivery needs of a recorded message. */
export type DeliveredMessage = Pick<ChatMessageRow, 'key' | 'channelId' | 'messageRef' | 'threadRef' | 'lastRenderedHash'>;

export async function getMessages(db: DbOrTx, runId: string): Promise<Map<string, ChatMessageRow>> {
  const rows = await db.select().from(chatMessages).where(eq(chatMessages.runId, runId));
  return new Map(rows.map((r) => [r.key, r]));
}

const deliveryRead = hot('read_for_delivery', (db) =>
  db
    .select({
      run: runs,
      stage: runStages,
      // Uncorrelated subqueries: evaluated once for the statement, not once per stage row.
      running: sql<number>`(select count(*)::int from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
        where t.identifier = ${value('task')} and j.locked_at is not null and j.payload->>'runId' = ${value('runId')})`,
      messages: sql<DeliveredMessage[]>`(select coalesce(json_agg(json_build_object('key', m.key, 'channelId', m.channel_id, 'messageRef', m.message_ref,
        'threadRef', m.thread_ref, 'lastRenderedHash', m.last_rendered_hash)), '[]'::json) from chat_messages m where m.run_id = ${value('runId')})`,
      rerun: sql<boolean>`(select exists (select 1 from experiment_runs e where e.run_id = ${value('runId')}))`,
      balance: sql<number | null>`(select w.balance from workspaces w where w.id = ${runs.workspaceId})`,
    })
    .from(runs)
    .leftJoin(runStages, eq(runStages.runId, runs.id))
    .where(eq(runs.id, value('runId'))),
);

/**
 * Everything a delivery reads, in one statement: the run, its stages, its recorded messages, and
 * how many jobs of `task` for this run a worker holds right now (the caller's own included) —
 * graphile-worker locks a job when it fetches it and deletes it when it completes, so a delivery
 * that counts one (itself) is the only one running, and one that counts more steps aside. Two
 * deliveries that overlap cannot both count one: each was locked before it counted. The messages
 * are read in the same snapshot as that count, so a delivery that finished before it holds none
 * of its jobs any more and everything it recorded is seen. `rerun`: the run is an experiment's
 * re-run (it gets a card of its own). `balance`: its workspace's (a finished run's root offers "Buy
 * credits" when it is low), read here rather than by the sink in statements of its own. Undefined
 * when the run does not exist.
 */
export async function readForDelivery(
  db: DbOrTx,
  runId: string,
  task: string,
): Promise<{ run: Run; stages: StageRow[]; messages: Map<string, DeliveredMessage>; running: number; rerun: boolean; balance: number | undefined } | undefined> {
  const rows = await deliveryRead(db, { runId, task });
  const first = rows[0];
  if (!first) return undefined;
  return {
    run: first.run,
    stages: rows.flatMap((r) => (r.stage ? [r.stage] : [])),
    messages: new Map(first.messages.map((m) => [m.key, m])),
    running: first.running,
    rerun: first.rerun,
    balance: first.balance ?? undefined,
  };
}

/** Records a posted message once per (run, key); a second record for the same key changes nothing. */
export async function recordMessage(db: DbOrTx, row: typeof chatMessages.$inferInsert): Promise<void> {
  const keys = definedKeys(row);
  await insertMessage(keys)(db, asValues('m_', row, keys));
}

const insertMessage = shapes(
  (keys: readonly string[]) => keys.join(),
  (keys) => hot('record_message', (db) => db.insert(chatMessages).values(placeholders('m_', keys)).onConflictDoNothing()),
);

export async function setRenderedHash(db: DbOrTx, runId: string, key: string, hash: string, messageRef?: string): Promise<void> {
  await (messageRef ? setHashAndRef : setHash)(db, { runId, key, hash, at: new Date(), messageRef });
}

const setHash = hot('set_rendered_hash', (db) =>
  db
    .update(chatMessages)
    .set({ lastRenderedHash: columnValue('hash'), updatedAt: columnValue('at') })
    .where(and(eq(chatMessages.runId, value('runId')), eq(chatMessages.key, value('key')))),
);
const setHashAndRef = hot('set_rendered_hash_ref', (db) =>
  db
    .update(chatMessages)
    .set({ lastRenderedHash: columnValue('hash'), updatedAt: columnValue('at'), messageRef: columnValue('messageRef') })
    .where(and(eq(chatMessages.runId, value('runId')), eq(chatMessages.key, value('key')))),
);

/** Records several messages at once (one statement): the stage cards one post carried, each under its own key. */
export async function recordMessages(db: DbOrTx, rows: readonly (typeof chatMessages.$inferInsert)[]): Promise<void> {
  if (rows.length === 0) return;
  const keys = rows.map(definedKeys);
  const values: Record<string, unknown> = {};
  rows.forEach((row, i) => asValues(`m${i}_`, row, keys[i]!, values));
  await insertMessages(keys)(db, values);
}

/** recordMessages, per shape: the columns each row gives (`m<i>_` placeholders). */
const insertMessages = shapes(
  (keys: readonly (readonly string[])[]) => keys.map((k) => k.join()).join('|'),
  (keys) =>
    hot('record_messages', (db) =>
      db
        .insert(chatMessages)
        .values(keys.map((k, i) => placeholders(`m${i}_`, k)))
        .onConflictDoNothing(),
    ),
);
