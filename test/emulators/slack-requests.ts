import { randomBytes } from 'node:crypto';
import { slackSignature } from '../../bots/slack/verify.ts';

/**
 * What Slack sends to `POST /slack/events`, signed as Slack signs it (v0 HMAC over
 * `v0:<timestamp>:<raw body>`): slash commands (form fields), interactivity (a form field
 * `payload` holding JSON) and Events API callbacks (JSON).
 *
 * @see https://docs.slack.dev/authentication/verifying-requests-from-slack
 */

export interface SignedRequest {
  readonly method: 'POST';
  readonly url: '/slack/events';
  readonly headers: Record<string, string>;
  readonly payload: string;
}

export interface SignOptions {
  /** Unix seconds (default now). */
  readonly timestamp?: number;
  /** Sign with this secret instead (a wrong one makes a bad signature). */
  readonly secret?: string;
  /** Adds X-Slack-Retry-Num (and a reason), as Slack does on a redelivery. */
  readonly retryNum?: number;
}

export function signed(secret: string, body: string, contentType: string, opts: SignOptions = {}): SignedRequest {
  const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': contentType,
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': slackSignature(opts.secret ?? secret, timestamp, body),
  };
  if (opts.retryNum !== undefined) {
    headers['x-slack-retry-num'] = String(opts.retryNum);
    headers['x-slack-retry-reason'] = 'http_timeout';
  }
  return { method: 'POST', url: '/slack/events', headers, payload: body };
}

export interface SlashCommandFields {
  readonly text: string;
  readonly teamId?: string;
  readonly channelId?: string;
  readonly userId?: string;
  readonly responseUrl?: string;
  readonly triggerId?: string;
}

export function slashCommandBody(f: SlashCommandFields): string {
  return new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: f.teamId ?? 'T_TEAM',
    team_domain: 'sellers',
    channel_id: f.channelId ?? 'C_GENERAL',
    channel_name: 'general',
    user_id: f.userId ?? 'U_SELLER',
    user_name: 'seller',
    command: '/listing',
    text: f.text,
    api_app_id: 'A_LISTINGLAB',
    is_enterprise_install: 'false',
    response_url: f.responseUrl ?? 'https://hooks.slack.invalid/commands/1/2/3',
    trigger_id: f.triggerId ?? `${Date.now()}.${randomBytes(4).toString('hex')}`,
  }).toString();
}

export interface ButtonPress {
  readonly actionId: string;
  readonly value: string;
  readonly teamId?: string;
  readonly channelId?: string;
  readonly userId?: string;
  readonly messageTs?: string;
  readonly responseUrl?: string;
  readonly triggerId?: string;
}

export function buttonBody(p: ButtonPress): string {
  const payload = {
    type: 'block_actions',
    team: { id: p.teamId ?? 'T_TEAM', domain: 'sellers' },
    user: { id: p.userId ?? 'U_SELLER', username: 'seller', team_id: p.teamId ?? 'T_TEAM' },
    api_app_id: 'A_LISTINGLAB',
    token: 'deprecated-verification-token',
    container: { type: 'message', message_ts: p.messageTs ?? '1.000001', channel_id: p.channelId ?? 'C_GENERAL' },
    trigger_id: p.triggerId ?? `${Date.now()}.${randomBytes(4).toString('hex')}`,
    channel: { id: p.channelId ?? 'C_GENERAL', name: 'general' },
    message: { type: 'message', ts: p.messageTs ?? '1.000001', text: '' },
    response_url: p.responseUrl ?? 'https://hooks.slack.invalid/actions/1/2/3',
    actions: [{ type: 'button', action_id: p.actionId, block_id: 'run', value: p.value, action_ts: `${Date.now() / 1000}`, text: { type: 'plain_text', text: 'x' } }],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** `viewId`: the modal's id (default V1); Slack gives each opened modal its own. */
export function viewSubmissionBody(v: { callbackId: string; privateMetadata: string; values: Record<string, unknown>; teamId?: string; userId?: string; viewId?: string }): string {
  const payload = {
    type: 'view_submission',
    team: { id: v.teamId ?? 'T_TEAM', domain: 'sellers' },
    user: { id: v.userId ?? 'U_SELLER', username: 'seller', team_id: v.teamId ?? 'T_TEAM' },
    api_app_id: 'A_LISTINGLAB',
    token: 'deprecated-verification-token',
    trigger_id: `${Date.now()}.${randomBytes(4).toString('hex')}`,
    view: { id: v.viewId ?? 'V1', type: 'modal', callback_id: v.callbackId, private_metadata: v.privateMetadata, state: { values: v.values }, hash: 'h', title: { type: 'plain_text', text: 't' }, blocks: [] },
    response_urls: [],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export function eventBody(teamId: string, event: Record<string, unknown>): string {
  return JSON.stringify({
    token: 'deprecated-verification-token',
    team_id: teamId,
    api_app_id: 'A_LISTINGLAB',
    event,
    type: 'event_callback',
    event_id: `Ev${randomBytes(5).toString('hex')}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ enterprise_id: null, team_id: teamId, user_id: 'U_BOT', is_bot: true, is_enterprise_install: false }],
  });
}

export const FORM = 'application/x-www-form-urlencoded';
export const JSON_TYPE = 'application/json';
