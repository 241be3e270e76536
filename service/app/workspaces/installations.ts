import type { Db } from '../../db/client.ts';
import { findActiveInstallation, revokeInstallation, upsertInstallation } from '../../db/repos/installations.ts';
import { ensureWorkspace, findWorkspace } from '../../db/repos/workspaces.ts';
import type { Clock } from '../../providers/provider.ts';
import { openSecret, SecretBoxError, sealSecret } from '../../support/secret-box.ts';

/**
 * Chat app installations (Slack OAuth installs): the platform's installation object, tokens
 * included, is sealed with ENCRYPTION_KEY before it reaches the database and opened only when a
 * token is needed. Nothing here logs, and errors never carry a token.
 *
 * During a key rotation (ENCRYPTION_KEY_PREVIOUS set) a secret that does not open with the current
 * key is tried with the previous one: GCM's authentication tells the two keys apart, so the stored
 * format needs no key id. New secrets are always sealed with the current key.
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

/**
 * The authenticated data a workspace's installation secret is sealed with: a sealed secret copied
 * onto another workspace's row will not open.
 */
export const installationContext = (platform: InstallPlatform, externalId: string): string => `installation:${platform}:${externalId}`;

/** Opens with `key`, then with `previousKey` (a rotation under way); undefined when neither opens it. */
export function openWithKeys(keys: { key: Buffer; previousKey?: Buffer | undefined }, sealed: Uint8Array, context: string): { secret: string; sealedWith: 'current' | 'previous' } | undefined {
  for (const [which, k] of [['current', keys.key], ['previous', keys.previousKey]] as const) {
    if (!k) continue;
    try {
      return { secret: openSecret(k, sealed, context), sealedWith: which };
    } catch (e) {
      if (!(e instanceof SecretBoxError)) throw e;
    }
  }
  return undefined;
}

/** `previousKey`: ENCRYPTION_KEY_PREVIOUS, read (never written) while a rotation is under way. */
export function createInstallations(deps: { db: Db; key: Buffer; previousKey?: Buffer | undefined; platform: InstallPlatform; clock: Clock }): Installations {
  const { db, key, platform } = deps;
  const context = (externalId: string) => installationContext(platform, externalId);
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
      if (!row) return undefined;
      const opened = openWithKeys(deps, row.secretEnc, context(externalId));
      // The same error a single key gave: the secret is not readable with the keys configured.
      if (!opened) throw new SecretBoxError('the secret failed authentication (tampered, moved to another row, or another key)');
      return opened.secret;
    },
    async revoke(externalId) {
      const ws = await findWorkspace(db, { platform, externalId });
      return ws ? revokeInstallation(db, platform, ws.id, new Date(deps.clock.now())) : false;
    },
  };
}
