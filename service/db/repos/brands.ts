import { and, asc, count, eq } from 'drizzle-orm';
import type { DbOrTx } from '../client.ts';
import { workspaceBrands } from '../schema.ts';

/**
 * A workspace's brand list (`workspace_brands`): its own brands and ASINs. Every query is scoped
 * to one workspace id; nothing here reads or writes another workspace's list.
 */

export type BrandRow = typeof workspaceBrands.$inferSelect;
export type BrandKind = BrandRow['kind'];

/** The workspace's entries, oldest first (the order they were added). */
export async function listBrands(db: DbOrTx, workspaceId: string): Promise<BrandRow[]> {
  return db.select().from(workspaceBrands).where(eq(workspaceBrands.workspaceId, workspaceId)).orderBy(asc(workspaceBrands.createdAt), asc(workspaceBrands.id));
}

export async function countBrands(db: DbOrTx, workspaceId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(workspaceBrands).where(eq(workspaceBrands.workspaceId, workspaceId));
  return row?.n ?? 0;
}

/** The entry with this normalised key, if the workspace has it. */
export async function findBrand(db: DbOrTx, workspaceId: string, kind: BrandKind, key: string): Promise<BrandRow | undefined> {
  const [row] = await db
    .select()
    .from(workspaceBrands)
    .where(and(eq(workspaceBrands.workspaceId, workspaceId), eq(workspaceBrands.kind, kind), eq(workspaceBrands.key, key)));
  return row;
}

/** Adds an entry; undefined when the workspace already has one with this kind and key (unique index). */
export async function insertBrand(
  tx: DbOrTx,
  entry: { workspaceId: string; kind: BrandKind; value: string; key: string; addedBy: string | null },
): Promise<BrandRow | undefined> {
  const [row] = await tx.insert(workspaceBrands).values(entry).onConflictDoNothing().returning();
  return row;
}

/** Removes an entry; the removed row, or undefined when the workspace had none with this key. */
export async function deleteBrand(tx: DbOrTx, workspaceId: string, kind: BrandKind, key: string): Promise<BrandRow | undefined> {
  const [row] = await tx
    .delete(workspaceBrands)
    .where(and(eq(workspaceBrands.workspaceId, workspaceId), eq(workspaceBrands.kind, kind), eq(workspaceBrands.key, key)))
    .returning();
  return row;
}

/** The normalised keys of the workspace's entries, by kind (what run marking matches against). */
export async function brandKeys(db: DbOrTx, workspaceId: string): Promise<{ brand: Set<string>; asin: Set<string> }> {
  const rows = await db
    .select({ kind: workspaceBrands.kind, key: workspaceBrands.key })
    .from(workspaceBrands)
    .where(eq(workspaceBrands.workspaceId, workspaceId));
  const out = { brand: new Set<string>(), asin: new Set<string>() };
  for (const r of rows) out[r.kind].add(r.key);
  return out;
}
