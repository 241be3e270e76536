import type { WebClient } from '@slack/web-api';
import type { Logger } from '../../service/logger.ts';
import { errorCode } from './private.ts';

/**
 * Whether a Slack user administers the workspace: `users.info` says admin, owner or primary owner
 * (a slash command's payload does not). Needs the `users:read` scope; an installation made before
 * it was asked for gets `missing_scope`, which is told to the asker rather than read as "no".
 *
 * @see https://docs.slack.dev/reference/methods/users.info
 */
export type AdminCheck = { readonly admin: boolean } | { readonly unknown: string };

export async function checkWorkspaceAdmin(client: WebClient | undefined, userId: string, logger: Logger): Promise<AdminCheck> {
  if (!client) return { unknown: 'no bot token' };
  try {
    const { user } = await client.users.info({ user: userId });
    return { admin: user?.is_admin === true || user?.is_owner === true || user?.is_primary_owner === true };
  } catch (e) {
    const code = errorCode(e);
    logger.warn({ err: code, userId }, 'slack users.info failed: cannot tell whether the user is an admin');
    return { unknown: code };
  }
}

/** What the asker reads when Slack would not say whether they are an admin. */
export function unknownAdminText(code: string): string {
  const fix = code === 'missing_scope' ? ' A workspace admin needs to reinstall ListingLab so it may read user roles (scope users:read).' : ' Please try again in a minute.';
  return `ListingLab could not check that you administer this workspace (Slack said: ${code}), so nothing was done.${fix}`;
}
