import { PermissionFlagsBits } from 'discord-api-types/v10';
import type { Command } from '../shared/command.ts';
import { workspaceAdminOnly } from '../shared/permissions.ts';
import type { Interaction } from './interaction.ts';

/**
 * Who may do what in a Discord workspace. Discord sends the member's computed permissions with
 * every guild interaction, so no API call is needed. In a DM the user is the whole workspace.
 *
 * @see https://discord.com/developers/docs/topics/permissions#permissions-bitwise-permission-flags
 */

const ADMIN_BITS = PermissionFlagsBits.Administrator | PermissionFlagsBits.ManageGuild;

/** A server admin: ADMINISTRATOR or MANAGE_GUILD. A DM's user administers their own workspace. */
export function isAdmin(i: Pick<Interaction, 'guild_id' | 'member'>): boolean {
  if (!i.guild_id) return true;
  const raw = i.member?.permissions;
  if (!raw) return false;
  try {
    return (BigInt(raw) & ADMIN_BITS) !== 0n;
  } catch {
    return false;
  }
}

/**
 * Commands reserved to server admins. Spending and buying credits is open to every member (the
 * server shares its credits on purpose); pinning decides which experiments the whole server sees.
 */
export function adminOnly(cmd: Command): boolean {
  return workspaceAdminOnly(cmd) || (cmd.name === 'experiment' && (cmd.action === 'pin' || cmd.action === 'unpin'));
}
