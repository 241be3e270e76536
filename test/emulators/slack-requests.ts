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

/**
 * A slash command's form body: the fields of bolt-python's recorded slash command
 * (test/fixtures/slack/bolt-python_slash_command_body.parsed.json) and java-slack-sdk's
 * SlashCommandPayload sample (`api_app_id`, `is_enterprise_install`); no enterprise fields, as
 * for a workspace outside an Enterprise Grid.
 */
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

/**
 * A button press on one of the bot's messages (`block_actions`): the fields of bolt-python's
 * recorded payload (test/fixtures/slack/bolt-python_block_actions_payload.json), plus what a
 * press in a channel message carries and that one (an ephemeral message) lacks — the `message`
 * pressed and the `state` of its inputs (java-slack-sdk's BlockActionPayload sample).
 */
export function buttonBody(p: ButtonPress): string {
  const teamId = p.teamId ?? 'T_TEAM';
  const ts = p.messageTs ?? '1.000001';
  const payload = {
    type: 'block_actions',
    user: { id: p.userId ?? 'U_SELLER', username: 'seller', name: 'seller', team_id: teamId },
    api_app_id: 'A_LISTINGLAB',
    token: 'deprecated-verification-token',
    container: { type: 'message', message_ts: ts, channel_id: p.channelId ?? 'C_GENERAL', is_ephemeral: false },
    trigger_id: p.triggerId ?? `${Date.now()}.${randomBytes(4).toString('hex')}`,
    team: { id: teamId, domain: 'sellers' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: p.channelId ?? 'C_GENERAL', name: 'general' },
    message: { type: 'message', text: '', user: 'U_BOT', bot_id: 'B_BOT', app_id: 'A_LISTINGLAB', team: teamId, blocks: [], ts },
    state: { values: {} },
    response_url: p.responseUrl ?? 'https://hooks.slack.invalid/actions/1/2/3',
    actions: [{ action_id: p.actionId, block_id: 'run', text: { type: 'plain_text', text: 'x', emoji: true }, value: p.value, type: 'button', action_ts: `${Date.now() / 1000}` }],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/**
 * A modal submitted (`view_submission`), with the fields of bolt-python's recorded payload
 * (test/fixtures/slack/bolt-python_view_submission_payload.json), view object included.
 * `viewId`: the modal's id (default V1); Slack gives each opened modal its own.
 */
export function viewSubmissionBody(v: { callbackId: string; privateMetadata: string; values: Record<string, unknown>; teamId?: string; userId?: string; viewId?: string }): string {
  const teamId = v.teamId ?? 'T_TEAM';
  const viewId = v.viewId ?? 'V1';
  const payload = {
    type: 'view_submission',
    team: { id: teamId, domain: 'sellers' },
    user: { id: v.userId ?? 'U_SELLER', username: 'seller', name: 'seller', team_id: teamId },
    api_app_id: 'A_LISTINGLAB',
    token: 'deprecated-verification-token',
    trigger_id: `${Date.now()}.${randomBytes(4).toString('hex')}`,
    view: {
      id: viewId,
      team_id: teamId,
      type: 'modal',
      blocks: [],
      private_metadata: v.privateMetadata,
      callback_id: v.callbackId,
      state: { values: v.values },
      hash: `${Math.floor(Date.now() / 1000)}.${randomBytes(4).toString('hex')}`,
      title: { type: 'plain_text', text: 'ListingLab' },
      clear_on_close: false,
      notify_on_close: false,
      close: { type: 'plain_text', text: 'Cancel' },
      submit: { type: 'plain_text', text: 'Submit' },
      previous_view_id: null,
      root_view_id: viewId,
      app_id: 'A_LISTINGLAB',
      external_id: '',
      app_installed_team_id: teamId,
      bot_id: 'B_BOT',
    },
    response_urls: [],
    enterprise: null,
    is_enterprise_install: false,
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/**
 * An Events API delivery: the `event_callback` envelope as the Events API documents it (token,
 * team_id, api_app_id, event, type, event_id, event_time, authorizations, is_ext_shared_channel,
 * event_context).
 *
 * @see https://docs.slack.dev/apis/events-api/#callback-field
 */
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
    is_ext_shared_channel: false,
    event_context: `4-${randomBytes(12).toString('base64url')}`,
  });
}

export const FORM = 'application/x-www-form-urlencoded';
export const JSON_TYPE = 'application/json';
