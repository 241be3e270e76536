import type * as DiscordRest from '@discordjs/rest';
import type { RawFile, REST } from '@discordjs/rest';
import { Routes } from 'discord-api-types/v10';
import type { APIApplicationCommand, APIMessage, RESTPostAPIApplicationCommandsJSONBody } from 'discord-api-types/v10';
import { DeliveryRefused } from '../../service/app/delivery/index.ts';
import { metrics } from '../../service/support/metrics.ts';

/**
 * The Discord REST calls ListingLab makes, on discord.js's REST client (which queues per bucket
 * and honours 429 `retry_after` / `X-RateLimit-*` by itself). Interaction-webhook calls carry the
 * interaction token in the path and no Authorization; channel calls use the bot token.
 *
 * Errors never carry a token: a failed call becomes a `DiscordCallFailed` naming the operation,
 * status and Discord's error code (the client's own error holds the full URL), or a
 * `DeliveryRefused` when Discord says the bot may not post there.
 *
 * `@discordjs/rest` (~4.5 MB of heap once loaded) is imported when a client is created — only
 * when Discord is configured — and the calls wait for it; nothing imports it statically.
 *
 * @see https://discord.com/developers/docs/interactions/receiving-and-responding#followup-messages
 * @see https://discord.com/developers/docs/topics/rate-limits
 * @see https://discord.com/developers/docs/topics/opcodes-and-status-codes#json-json-error-codes
 */

/** Discord JSON error codes we act on. */
export const DISCORD_CODES = {
  unknownChannel: 10003,
  unknownMessage: 10008,
  unknownWebhook: 10015,
  missingAccess: 50001,
  missingPermissions: 50013,
  invalidWebhookToken: 50027,
  threadAlreadyCreated: 160004,
} as const;

export class DiscordCallFailed extends Error {
  readonly status: number | undefined;
  readonly code: number | undefined;
  constructor(operation: string, status: number | undefined, code: number | undefined, detail: string) {
    super(`Discord ${operation} failed${status ? ` (${status}${code ? `, code ${code}` : ''})` : ''}: ${detail}`);
    this.name = 'DiscordCallFailed';
    this.status = status;
    this.code = code;
  }
}

/** A message payload (create or edit); see the message resource for the fields. */
export interface MessageBody {
  content?: string | undefined;
  embeds?: readonly unknown[] | undefined;
  components?: readonly unknown[] | undefined;
  flags?: number | undefined;
  allowed_mentions?: unknown;
  message_reference?: { message_id: string; fail_if_not_exists?: boolean } | undefined;
  /** Files to keep, and descriptions of the new ones (`id` = the index of `files[n]`); present, it replaces the message's attachments. */
  attachments?: readonly { id: number | string; filename?: string | undefined; description?: string | undefined }[] | undefined;
}

/** A file sent with a message (multipart `files[n]`, described in `attachments`). */
export interface MessageFile {
  readonly name: string;
  readonly data: Buffer;
  readonly contentType: string;
}

export interface DiscordApi {
  /** Edits `@original`; with `files`, as multipart (`payload_json` + `files[n]`). */
  editOriginal(applicationId: string, token: string, body: MessageBody, files?: readonly MessageFile[]): Promise<APIMessage>;
  deleteOriginal(applicationId: string, token: string): Promise<void>;
  followUp(applicationId: string, token: string, body: MessageBody): Promise<APIMessage>;
  postMessage(channelId: string, body: MessageBody): Promise<APIMessage>;
  editMessage(channelId: string, messageId: string, body: MessageBody, files?: readonly MessageFile[]): Promise<APIMessage>;
  /** A public thread on a message; its id is the message's id. */
  startThread(channelId: string, messageId: string, name: string): Promise<{ id: string }>;
  /** Bulk-overwrites the application's commands (global, or one guild's). */
  putCommands(applicationId: string, guildId: string | undefined, commands: readonly RESTPostAPIApplicationCommandsJSONBody[]): Promise<APIApplicationCommand[]>;
  /** Stops the client's sweeper timers. */
  close(): void;
}

export interface DiscordApiOptions {
  /** `DISCORD_API_URL`, ending in `/api` (default `https://discord.com/api`). */
  readonly apiUrl: string;
  readonly botToken: string;
  /** Per-request timeout (default 15 000 ms, the client's default). */
  readonly timeoutMs?: number;
}

export function createDiscordApi(opts: DiscordApiOptions): DiscordApi {
  const secrets = [opts.botToken];
  let client: { lib: typeof DiscordRest; rest: REST } | undefined;
  let closed = false;
  const loading = import('@discordjs/rest').then((lib) => {
    const rest = new lib.REST({ api: opts.apiUrl.replace(/\/+$/, ''), version: '10', timeout: opts.timeoutMs ?? 15_000 }).setToken(opts.botToken);
    rest.on(lib.RESTEvents.RateLimited, () => metrics.chatRateLimited('discord'));
    client = { lib, rest };
    if (closed) stopSweepers(rest);
    return client;
  });
  loading.catch(() => undefined); // a failed import is reported by the first call that waits for it
  const call = async <T>(operation: string, token: string | undefined, fn: (rest: REST) => Promise<unknown>): Promise<T> => {
    const { lib, rest } = client ?? (await loading);
    try {
      const result = (await fn(rest)) as T;
      metrics.chatCall('discord', 'ok');
      return result;
    } catch (e) {
      metrics.chatCall('discord', 'error');
      throw translate(lib, e, operation, token ? [...secrets, token] : secrets);
    }
  };
  return {
    editOriginal: (app, token, body, files) =>
      call('edit of the interaction response', token, (rest) => rest.patch(Routes.webhookMessage(app, token), { body, auth: false, ...withFiles(files) })),
    deleteOriginal: (app, token) => call('delete of the interaction response', token, (rest) => rest.delete(Routes.webhookMessage(app, token), { auth: false })),
    followUp: (app, token, body) => call('follow-up message', token, (rest) => rest.post(Routes.webhook(app, token), { body, auth: false })),
    postMessage: (channel, body) => call('message post', undefined, (rest) => rest.post(Routes.channelMessages(channel), { body })),
    editMessage: (channel, id, body, files) => call('message edit', undefined, (rest) => rest.patch(Routes.channelMessage(channel, id), { body, ...withFiles(files) })),
    startThread: (channel, id, name) =>
      call('thread creation', undefined, (rest) => rest.post(Routes.threads(channel, id), { body: { name, auto_archive_duration: 1440 } })),
    putCommands: (app, guild, commands) =>
      call('command registration', undefined, (rest) => rest.put(guild ? Routes.applicationGuildCommands(app, guild) : Routes.applicationCommands(app), { body: commands })),
    close: () => {
      closed = true;
      if (client) stopSweepers(client.rest);
    },
  };
}

function stopSweepers(rest: REST): void {
  rest.clearHashSweeper();
  rest.clearHandlerSweeper();
}

/**
 * The client sends a request with files as multipart/form-data: each file as `files[n]`, the body
 * as `payload_json` (Discord's "Uploading Files").
 *
 * @see https://discord.com/developers/docs/reference#uploading-files
 */
function withFiles(files: readonly MessageFile[] | undefined): { files?: RawFile[] } {
  return files?.length ? { files: files.map((f) => ({ name: f.name, data: f.data, contentType: f.contentType })) } : {};
}

/** Discord said no for a reason a person can fix (bot not in the channel, missing permission). */
export function refusalOf(status: number | undefined, code: number | undefined, detail: string): DeliveryRefused | undefined {
  if (code === DISCORD_CODES.missingAccess) return new DeliveryRefused('not_in_channel', `Missing Access: ${detail}`);
  if (code === DISCORD_CODES.missingPermissions) return new DeliveryRefused('missing_permissions', `Missing Permissions: ${detail}`);
  if (code === DISCORD_CODES.unknownChannel) return new DeliveryRefused('channel_not_found', detail);
  if (status === 403) return new DeliveryRefused('missing_permissions', detail);
  return undefined;
}

function scrub(text: string, secrets: readonly string[]): string {
  return secrets.reduce((t, s) => (s.length >= 8 ? t.split(s).join('[redacted]') : t), text);
}

function translate(lib: typeof DiscordRest, e: unknown, operation: string, secrets: readonly string[]): Error {
  const { DiscordAPIError, HTTPError } = lib;
  if (e instanceof DiscordAPIError) {
    const code = typeof e.code === 'number' ? e.code : undefined;
    const detail = scrub(e.message, secrets);
    // A webhook 401/403 is about the interaction token (expired), not the bot's permissions.
    const webhook = /^\/webhooks\//.test(new URL(e.url).pathname.replace(/^\/api(\/v\d+)?/, ''));
    return (webhook ? undefined : refusalOf(e.status, code, detail)) ?? new DiscordCallFailed(operation, e.status, code, detail);
  }
  if (e instanceof HTTPError) return new DiscordCallFailed(operation, e.status, undefined, scrub(e.message, secrets));
  const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return new DiscordCallFailed(operation, undefined, undefined, scrub(message, secrets));
}

/**
 * How an interaction-webhook call failed: `expired` — Discord no longer takes the token (401,
 * Invalid Webhook Token: after 15 minutes); `unknown` — 404 Unknown Webhook, which Discord also
 * answers in the first moments before it has processed our response to the interaction.
 */
export function webhookFailure(e: unknown): 'expired' | 'unknown' | undefined {
  if (!(e instanceof DiscordCallFailed)) return undefined;
  if (e.code === DISCORD_CODES.invalidWebhookToken || e.status === 401) return 'expired';
  if (e.code === DISCORD_CODES.unknownWebhook) return 'unknown';
  return undefined;
}
