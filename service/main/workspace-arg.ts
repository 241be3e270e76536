import type { Platform, WorkspaceRef } from '../domain/workspace.ts';
import { CLI_WORKSPACE } from './experiment-cli.ts';

const PLATFORMS: readonly Platform[] = ['slack', 'discord', 'cli'];

/**
 * The workspace an operator's command names: `<platform> <id>` (Slack team id, Discord server id;
 * for `cli` the id may be left out — this machine's workspace). `verb` ("data export") names the
 * command in the refusals; `extraHint` says where a stray word might belong.
 */
export function workspaceArg(verb: string, positionals: readonly string[], extraHint = ''): { ok: true; ref: WorkspaceRef } | { ok: false; error: string } {
  const [platform, externalId, ...extra] = positionals;
  if (!platform) return { ok: false, error: `${verb} needs the workspace: its platform (slack, discord or cli) and id` };
  if (!PLATFORMS.includes(platform as Platform)) return { ok: false, error: `"${platform}" is not a platform: give slack, discord or cli` };
  const id = externalId ?? (platform === 'cli' ? CLI_WORKSPACE.externalId : undefined);
  if (!id) return { ok: false, error: `${verb} needs the ${platform === 'slack' ? 'Slack team id (T…)' : 'Discord server id'} after "${platform}"` };
  if (extra.length) return { ok: false, error: `${verb} takes one workspace; "${extra.join(' ')}" is extra${extraHint}` };
  return { ok: true, ref: { platform: platform as Platform, externalId: id } };
}
