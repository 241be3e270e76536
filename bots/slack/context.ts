import type { CommandContext } from '../shared/command-context.ts';
import type { AppServices } from '../../service/app/services.ts';
import type { Installations } from '../../service/app/workspaces/index.ts';
import type { WorkspaceRef } from '../../service/domain/workspace.ts';
import type { Logger } from '../../service/logger.ts';
import type { SlackClients } from './clients.ts';
import type { PrivateTarget } from './private.ts';
import type { SlackOrigin } from './sink.ts';

/** What every Slack listener is given (built once by service/main/slack.ts). */
export interface SlackBotDeps {
  readonly services: AppServices;
  readonly clients: SlackClients;
  readonly logger: Logger;
  /** OAuth mode only: uninstall and token revocation revoke the stored installation. */
  readonly installations?: Installations | undefined;
}

/** Where a request came from, as the listeners see it (a slash command or a button press). */
export interface SlackRequest {
  readonly teamId: string;
  readonly teamName?: string | undefined;
  readonly enterpriseId?: string | undefined;
  readonly channelId: string;
  readonly userId: string;
  readonly responseUrl?: string | undefined;
}

/** The workspace is the payload's team_id (PRODUCT.md, Slack contract). */
export function workspaceOf(r: Pick<SlackRequest, 'teamId' | 'teamName'>): WorkspaceRef {
  return { platform: 'slack', externalId: r.teamId, ...(r.teamName ? { name: r.teamName } : {}) };
}

export function originOf(r: SlackRequest): SlackOrigin {
  return {
    platform: 'slack',
    teamId: r.teamId,
    channelId: r.channelId,
    userId: r.userId,
    ...(r.responseUrl ? { responseUrl: r.responseUrl } : {}),
    ...(r.enterpriseId ? { enterpriseId: r.enterpriseId } : {}),
  };
}

export function targetOf(r: SlackRequest): PrivateTarget {
  return { channelId: r.channelId, userId: r.userId, responseUrl: r.responseUrl };
}

export function commandContext(r: SlackRequest, requestKey: string): CommandContext {
  return { workspace: workspaceOf(r), origin: originOf(r), requestKey, userId: r.userId };
}
