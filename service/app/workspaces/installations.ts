import type { Db } from '../../db/client.ts';
import { findActiveInstallation, revokeInstallation, upsertInstallation } from '../../db/repos/installations.ts';
import { ensureWorkspace, findWorkspace } from '../../db/repos/workspaces.ts';
import type { Clock } from '../../providers/provider.ts';
import { openSecret, sealSecret } from '../../support/secret-box.ts';

/**
 * Chat app installations (Slack OAuth installs): the platform's installation object, tokens
 * included, is sealed with ENCRYPTION_KEY before it reaches the database and opened only when a
 * token is needed. Nothing here logs, and errors never carry a token.
 */

export type InstallPlatform = 'slack' | 'discord';

export interface InstallationRecord {
  /** The workspace it belongs to: a Slack team id (an enterprise id for an org-wide install). */
  readonly externalId: string;
  readonly name?: string | undefined;
  readonly enterpriseId: string | null;
  readonly botUserId: string | null;
  readonly scopes: string | null;
  readonly installedBy: string | null;
  /** The platform's installation object (JSON). Holds the tokens: sealed at rest. */
  readonly secret: string;
}

export interface Installations {
  save(record: InstallationRecord): Promise<void>;
  /** The opened installation object; undefined when never installed or revoked. */
  find(externalId: string): Promise<string | undefined>;
  /** Uninstall / tokens revoked: true when a live installation was revoked. */
  revoke(externalId: string): Promise<boolean>;
}

export function createInstallations(deps: { db: Db; key: Buffer; platform: InstallPlatform; clock: Clock }): Installations {
  const { db, key, platform } = deps;
  // Bound as authenticated data: a sealed secret copied onto another workspace's row will not open.
  const context = (externalId: string) => `installation:${platform}:${externalId}`;
  return {
    async save(r) {
      await db.transaction(async (tx) => {
        // No free credits here: the workspace's first command grants them (idempotently).
        const ws = await ensureWorkspace(tx, { platform, externalId: r.externalId, name: r.name }, 0);
        await upsertInstallation(tx, {
          workspaceId: ws.id,
          platform,
          enterpriseId: r.enterpriseId,
          botUserId: r.botUserId,
          scopes: r.scopes,
          installedBy: r.installedBy,
          secretEnc: sealSecret(key, r.secret, context(r.externalId)),
        });
      });
    },
    async find(externalId) {
      const row = await findActiveInstallation(db, platform, externalId);
      return row ? openSecret(key, row.secretEnc, context(externalId)) : undefined;
    },
    async revoke(externalId) {
      const ws = await findWorkspace(db, { platform, externalId });
      return ws ? revokeInstallation(db, platform, ws.id, new Date(deps.clock.now())) : false;
    },
  };
}
