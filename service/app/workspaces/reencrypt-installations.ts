import type { Db } from '../../db/client.ts';
import { replaceSealedSecret, sealedInstallationsAfter } from '../../db/repos/installations.ts';
import { sealSecret } from '../../support/secret-box.ts';
import { installationContext, openWithKeys } from './installations.ts';

/**
 * `listinglab keys rotate`: every live installation secret sealed with the previous key
 * (ENCRYPTION_KEY_PREVIOUS) is sealed again with the current one (ENCRYPTION_KEY), so the previous
 * key can be removed.
 *
 * Safe on a live service: the table is read in pages and each row is replaced in its own
 * statement, compare-and-set on the sealed bytes, so nothing is held locked and an install or
 * uninstall that lands meanwhile wins. Idempotent: a row already sealed with the current key is
 * counted and left alone, so a second run re-encrypts nothing. A row neither key opens is reported
 * by workspace and never changed. Nothing here logs; the result holds no key and no token.
 */

export interface UnreadableInstallation {
  readonly platform: 'slack' | 'discord';
  readonly externalId: string;
  readonly workspaceName: string | null;
}

export interface ReencryptResult {
  /** Sealed with the previous key, now sealed with the current one. */
  readonly reencrypted: number;
  /** Already sealed with the current key (or rewritten by an install while the rotation ran). */
  readonly alreadyCurrent: number;
  /** Opened with neither key: left as they are; the workspace must install the app again. */
  readonly unreadable: readonly UnreadableInstallation[];
}

/** Rows read per page (each page one short query). */
const PAGE = 200;

export async function reencryptInstallations(deps: { db: Db; key: Buffer; previousKey: Buffer | undefined }): Promise<ReencryptResult> {
  let reencrypted = 0;
  let alreadyCurrent = 0;
  const unreadable: UnreadableInstallation[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await sealedInstallationsAfter(deps.db, after, PAGE);
    for (const row of page) {
      const context = installationContext(row.platform, row.externalId);
      const opened = openWithKeys(deps, row.secretEnc, context);
      if (!opened) {
        unreadable.push({ platform: row.platform, externalId: row.externalId, workspaceName: row.workspaceName });
      } else if (opened.sealedWith === 'current') {
        alreadyCurrent++;
      } else if (await replaceSealedSecret(deps.db, row.id, row.secretEnc, sealSecret(deps.key, opened.secret, context))) {
        reencrypted++;
      } else {
        // Written since it was read: by an install (sealed with the current key) or a revoke.
        alreadyCurrent++;
      }
    }
    const last = page.at(-1);
    if (page.length < PAGE || !last) break;
    after = last.id;
  }
  // Listed in a stable order (by platform, then workspace), whatever order the ids fell in.
  unreadable.sort((a, b) => a.platform.localeCompare(b.platform) || a.externalId.localeCompare(b.externalId));
  return { reencrypted, alreadyCurrent, unreadable };
}
