/** Who owns credits and runs: a Slack team, a Discord guild (or DM user), or this machine's CLI. */
export type Platform = 'slack' | 'discord' | 'cli';

export interface WorkspaceRef {
  readonly platform: Platform;
  /** Slack team_id, Discord guild id (or `dm:<user id>`, see `directMessageId`), or `local` for the CLI. */
  readonly externalId: string;
  readonly name?: string | undefined;
}

const DM_PREFIX = 'dm:';

/** The external id of a Discord user's direct messages with the app: their own workspace. */
export function directMessageId(userId: string): string {
  return `${DM_PREFIX}${userId}`;
}

/** A Discord DM: one person's own workspace, not a server. */
export function isDirectMessage(ref: Pick<WorkspaceRef, 'platform' | 'externalId'>): boolean {
  return ref.platform === 'discord' && ref.externalId.startsWith(DM_PREFIX);
}

/**
 * Whether a workspace draws the free credits of a new workspace. They go once to a team — a
 * Slack team or a Discord server. Not to a DM: anyone has as many of those as they have accounts,
 * so free credits there could be farmed with second accounts, and a member could step around their
 * server's daily cap. A DM starts at 0 and pays for what it runs (`buy`).
 */
export function drawsFreeCredits(ref: Pick<WorkspaceRef, 'platform' | 'externalId'>): boolean {
  return !isDirectMessage(ref);
}
