import type { Command } from './command.ts';

/**
 * Commands only a workspace's admins may run, on every platform: exporting and deleting the
 * workspace's data. Who is an admin is each front end's call (Slack: `users.info` says admin or
 * owner; Discord: the member's Administrator or Manage Server permission; the terminal: the
 * operator) and arrives in `CommandContext.admin`; dispatch refuses without it.
 */
export function workspaceAdminOnly(cmd: Command): boolean {
  return cmd.name === 'data';
}
