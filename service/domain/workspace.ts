/** Who owns credits and runs: a Slack team, a Discord guild (or DM user), or this machine's CLI. */
export type Platform = 'slack' | 'discord' | 'cli';

export interface WorkspaceRef {
  readonly platform: Platform;
  /** Slack team_id, Discord guild id (or `dm:<user id>`), or `local` for the CLI. */
  readonly externalId: string;
  readonly name?: string | undefined;
}
