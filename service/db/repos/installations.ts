import { and, asc, eq, gt, isNull } from 'drizzle-orm';
import type { DbOrTx } from '../client.ts';
import { installations, workspaces } from '../schema.ts';

export type InstallationRow = typeof installations.$inferSelect;
type ChatPlatform = InstallationRow['platform'];

/**
 * A workspace's app installation (one per workspace and platform). `secretEnc` is already sealed
 * by the caller (service/app/workspaces/installations.ts): this layer never sees a token in clear.
 */
export async function upsertInstallation(
  db: DbOrTx,
  row: Pick<InstallationRow, 'workspaceId' | 'platform' | 'enterpriseId' | 'botUserId' | 'scopes' | 'installedBy' | 'secretEnc'>,
): Promise<void> {
  const now = new Date();
  await db
    .insert(installations)
    .values({ ...row, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({
      target: [installations.workspaceId, installations.platform],
      set: {
        enterpriseId: row.enterpriseId,
        botUserId: row.botUserId,
        scopes: row.scopes,
        installedBy: row.installedBy,
        secretEnc: row.secretEnc,
        updatedAt: now,
        revokedAt: null,
      },
    });
}

/** The live (not revoked) installation of a workspace, with the workspace's external id. */
export async function findActiveInstallation(
  db: DbOrTx,
  platform: ChatPlatform,
  externalId: string,
): Promise<(InstallationRow & { externalId: string }) | undefined> {
  const [row] = await db
    .select({ installation: installations, externalId: workspaces.externalId })
    .from(installations)
    .innerJoin(workspaces, eq(workspaces.id, installations.workspaceId))
    .where(and(eq(workspaces.platform, platform), eq(workspaces.externalId, externalId), eq(installations.platform, platform), isNull(installations.revokedAt)));
  return row ? { ...row.installation, externalId: row.externalId } : undefined;
}

/**
 * Marks a workspace's installation revoked and overwrites its sealed secret: a dead token is not
 * kept around. Returns whether a live installation was revoked.
 */
export async function revokeInstallation(db: DbOrTx, platform: ChatPlatform, workspaceId: string, at: Date): Promise<boolean> {
  const rows = await db
    .update(installations)
    .set({ revokedAt: at, updatedAt: at, secretEnc: Buffer.alloc(0) })
    .where(and(eq(installations.workspaceId, workspaceId), eq(installations.platform, platform), isNull(installations.revokedAt)))
    .returning({ id: installations.id });
  return rows.length > 0;
}

/** One live installation as a key rotation sees it: where it belongs (its sealing context) and its sealed secret. */
export interface SealedInstallation {
  readonly id: string;
  readonly platform: ChatPlatform;
  readonly externalId: string;
  readonly workspaceName: string | null;
  readonly secretEnc: Buffer;
}

/**
 * Live installations in id order, `limit` at a time after `afterId` (keyset paging: a rotation
 * reads the table in short statements, never one long transaction). Revoked rows hold no secret.
 */
export async function sealedInstallationsAfter(db: DbOrTx, afterId: string | undefined, limit: number): Promise<SealedInstallation[]> {
  return db
    .select({ id: installations.id, platform: installations.platform, externalId: workspaces.externalId, workspaceName: workspaces.name, secretEnc: installations.secretEnc })
    .from(installations)
    .innerJoin(workspaces, eq(workspaces.id, installations.workspaceId))
    .where(and(isNull(installations.revokedAt), afterId === undefined ? undefined : gt(installations.id, afterId)))
    .orderBy(asc(installations.id))
    .limit(limit);
}

/**
 * Replaces a sealed secret only if it is still `expected` (compare-and-set): an install or a
 * revoke that wrote the row since it was read wins, and the rotation leaves it alone. `updated_at`
 * is left as it is: the installation itself did not change. Returns whether the row was replaced.
 */
export async function replaceSealedSecret(db: DbOrTx, id: string, expected: Buffer, next: Buffer): Promise<boolean> {
  const rows = await db
    .update(installations)
    .set({ secretEnc: next })
    .where(and(eq(installations.id, id), eq(installations.secretEnc, expected), isNull(installations.revokedAt)))
    .returning({ id: installations.id });
  return rows.length > 0;
}
