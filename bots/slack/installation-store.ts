import type { Installation, InstallationQuery, InstallationStore } from '@slack/oauth';
import type { Installations } from '../../service/app/workspaces/index.ts';
import type { InstalledBot, SlackTokens } from './clients.ts';

/**
 * Bolt's InstallationStore over the use-case that seals installations with ENCRYPTION_KEY. The
 * whole installation object is stored (as the OAuth library advises), keyed by its team — or by
 * its enterprise for an org-wide install.
 */

const keyOf = (i: { isEnterpriseInstall?: boolean | undefined; teamId?: string | undefined; enterpriseId?: string | undefined }) =>
  i.isEnterpriseInstall && i.enterpriseId ? i.enterpriseId : i.teamId;

export function slackInstallationStore(installations: Installations): InstallationStore {
  return {
    async storeInstallation(inst) {
      const externalId = keyOf({ isEnterpriseInstall: inst.isEnterpriseInstall, teamId: inst.team?.id, enterpriseId: inst.enterprise?.id });
      if (!externalId) throw new Error('installation without a team or enterprise id');
      await installations.save({
        externalId,
        name: inst.team?.name ?? inst.enterprise?.name,
        enterpriseId: inst.enterprise?.id ?? null,
        botUserId: inst.bot?.userId ?? null,
        scopes: inst.bot?.scopes.join(',') ?? null,
        installedBy: inst.user.id,
        secret: JSON.stringify(inst),
      });
    },
    async fetchInstallation(query) {
      const inst = await find(installations, query);
      if (!inst) throw new Error('no installation for this workspace');
      return inst;
    },
    async deleteInstallation(query) {
      const externalId = keyOf(query);
      if (externalId) await installations.revoke(externalId);
    },
  };
}

async function find(installations: Installations, q: InstallationQuery<boolean>): Promise<Installation | undefined> {
  // A workspace's own install first, then its organisation's org-wide install.
  for (const externalId of [q.teamId, q.enterpriseId]) {
    if (!externalId) continue;
    const secret = await installations.find(externalId);
    if (secret) return JSON.parse(secret) as Installation;
  }
  return undefined;
}

/** Bot tokens from the installation store (OAuth mode). */
export function installedTokens(installations: Installations): SlackTokens {
  return {
    async bot(teamId, enterpriseId): Promise<InstalledBot | undefined> {
      const inst = await find(installations, { teamId, enterpriseId, isEnterpriseInstall: false });
      return inst?.bot ? { token: inst.bot.token, userId: inst.bot.userId, id: inst.bot.id } : undefined;
    },
  };
}
