import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../client.ts';
import { chatMessages } from '../schema.ts';

export type ChatMessageRow = typeof chatMessages.$inferSelect;

export async function getMessages(db: DbOrTx, runId: string): Promise<Map<string, ChatMessageRow>> {
  const rows = await db.select().from(chatMessages).where(eq(chatMessages.runId, runId));
  return new Map(rows.map((r) => [r.key, r]));
}

/** Records a posted message once per (run, key); a second record for the same key changes nothing. */
export async function recordMessage(db: DbOrTx, row: typeof chatMessages.$inferInsert): Promise<void> {
  await db.insert(chatMessages).values(row).onConflictDoNothing();
}

export async function setRenderedHash(db: DbOrTx, runId: string, key: string, hash: string, messageRef?: string): Promise<void> {
  await db
    .update(chatMessages)
    .set({ lastRenderedHash: hash, updatedAt: new Date(), ...(messageRef ? { messageRef } : {}) })
    .where(and(eq(chatMessages.runId, runId), eq(chatMessages.key, key)));
}

/** Records several messages at once (one statement): the stage cards one post carried, each under its own key. */
export async function recordMessages(db: DbOrTx, rows: readonly (typeof chatMessages.$inferInsert)[]): Promise<void> {
  if (rows.length) await db.insert(chatMessages).values([...rows]).onConflictDoNothing();
}
