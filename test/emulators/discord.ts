import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sizeProblem } from './discord-limits.ts';

/**
 * A local emulator of the Discord REST API (v10), enough for the real `@discordjs/rest` client:
 * `new REST({ api: emulator.url })` (the URL ends in `/api`; the client adds `/v10`).
 *
 * Routes:
 * - `POST /interactions/:id/:token/callback` — an interaction response (as `respond` below)
 * - `GET|PATCH|DELETE /webhooks/:app/:token/messages/@original` — the interaction's response
 * - `POST /webhooks/:app/:token` — follow-ups (flags 64 = ephemeral); `PATCH …/messages/:id`
 * - `POST|GET /channels/:channel/messages`, `GET|PATCH /channels/:channel/messages/:id` (bot token)
 * - `POST /channels/:channel/messages/:id/threads` — a thread whose id is the message's (bot token)
 * - `PUT /applications/:app/commands`, `PUT /applications/:app/guilds/:guild/commands` (bot token)
 * - `GET /attachments/:channel/:id/:name` — an attachment added with `addAttachment`, or sent with a
 *   message (the CDN: no auth)
 *
 * Message posts and edits also take multipart/form-data, as Discord's "Uploading Files" describes:
 * the JSON body in `payload_json`, each file in a `files[n]` part, described by the body's
 * `attachments` (`{ id: n, filename, description }`; on an edit, present `attachments` replace the
 * message's, absent ones keep them). Sent files are kept with their bytes (`message.attachments`).
 *
 * Webhook routes need no Authorization but a token Discord knows (`respond` registers it, as
 * Discord does when it receives our HTTP answer); bot routes need `Bot <botToken>`. Messages are
 * checked against Discord's size limits (400, code 50035). Errors use Discord's JSON codes.
 *
 * @see https://discord.com/developers/docs/interactions/receiving-and-responding
 * @see https://discord.com/developers/docs/topics/rate-limits
 */

export interface DiscordCall {
  readonly method: string;
  /** Without the `/api/v10` prefix, tokens included (it is a test double). */
  readonly path: string;
  readonly body: unknown;
  readonly authorization: string | undefined;
  readonly status: number;
  /** The `files[n]` parts of a multipart request. */
  readonly files?: readonly { readonly name: string; readonly contentType: string; readonly size: number }[];
}

/** A file attached to a message, with the bytes that were sent. */
export interface EmulatedAttachment {
  readonly id: string;
  readonly filename: string;
  readonly description?: string;
  readonly contentType: string;
  readonly bytes: Buffer;
  readonly url: string;
}

/** A `files[n]` part of a multipart request. */
interface FilePart {
  readonly index: number;
  readonly filename: string;
  readonly contentType: string;
  readonly bytes: Buffer;
}

export interface EmulatedMessage {
  readonly id: string;
  readonly channel_id: string;
  content: string;
  embeds: unknown[];
  components: unknown[];
  flags: number;
  readonly message_reference?: unknown;
  /** Set for interaction responses and follow-ups. */
  readonly token?: string;
  /** ISO 8601, when posted; when last edited (null if never). */
  readonly timestamp: string;
  editedTimestamp: string | null;
  edits: number;
  deleted: boolean;
  attachments: EmulatedAttachment[];
}

export interface InteractionLike {
  readonly token: string;
  readonly application_id?: string;
  /** 2 APPLICATION_COMMAND, 3 MESSAGE_COMPONENT, 5 MODAL_SUBMIT. */
  readonly type?: number;
  readonly channel_id?: string;
  readonly channel?: { readonly id: string };
}

export interface DiscordEmulator {
  /** For DISCORD_API_URL, e.g. `http://127.0.0.1:40123/api`. */
  readonly url: string;
  readonly calls: readonly DiscordCall[];
  readonly messages: readonly EmulatedMessage[];
  readonly threads: ReadonlyMap<string, { readonly id: string; readonly parentId: string; readonly name: string }>;
  /** Last bulk overwrite per scope: `global` or the guild id. */
  readonly commands: ReadonlyMap<string, readonly unknown[]>;
  /** What Discord does with our HTTP answer: type 4/5 create the interaction's original message. */
  respond(interaction: InteractionLike, response: { type: number; data?: Record<string, unknown> }): void;
  original(token: string): EmulatedMessage | undefined;
  followUps(token: string): EmulatedMessage[];
  channelMessages(channelId: string): EmulatedMessage[];
  /** The next request matching `match` (default: any) answers 429 with `retry_after` seconds. */
  rateLimitOnce(match?: (method: string, path: string) => boolean, retryAfterSec?: number): void;
  /** Thread creation answers 403 with this code (default 50013 Missing Permissions); null allows it again. */
  refuseThreads(code?: number | null): void;
  /** Bot calls on this channel answer 403 with this code (default 50001 Missing Access). */
  denyChannel(channelId: string, code?: number): void;
  /** Webhook calls with this token answer 401 Invalid Webhook Token (50027), as after 15 minutes. */
  expireToken(token: string): void;
  /** A file as Discord's CDN serves an attachment (no Authorization): the attachment object to put in `resolved`. */
  addAttachment(filename: string, bytes: Buffer, contentType: string): { id: string; filename: string; size: number; url: string; proxy_url: string; content_type: string };
  close(): Promise<void>;
}

const MESSAGES: Record<number, string> = {
  0: '401: Unauthorized',
  10003: 'Unknown Channel',
  10008: 'Unknown Message',
  10015: 'Unknown Webhook',
  50001: 'Missing Access',
  50013: 'Missing Permissions',
  50027: 'Invalid Webhook Token',
  50035: 'Invalid Form Body',
  160004: 'A thread has already been created for this message',
};

/** The bot user's id; the application's id when no interaction or webhook call named it. */
const BOT_USER_ID = '1100000000000000001';
const APPLICATION_ID = BOT_USER_ID;

export async function startDiscordEmulator(options: { botToken?: string } = {}): Promise<DiscordEmulator> {
  const botToken = options.botToken ?? 'discord-bot-token-for-tests';
  const calls: DiscordCall[] = [];
  const messages: EmulatedMessage[] = [];
  const originals = new Map<string, EmulatedMessage>();
  /** Per interaction token: its channel, and its application (from the interaction, else the first webhook call). */
  const tokens = new Map<string, { channelId: string; applicationId?: string; interactionType?: number }>();
  const expired = new Set<string>();
  const threads = new Map<string, { id: string; parentId: string; name: string }>();
  const commands = new Map<string, unknown[]>();
  const denied = new Map<string, number>();
  const limits: { match: (m: string, p: string) => boolean; retryAfter: number }[] = [];
  let threadRefusal: number | undefined;
  const attachments = new Map<string, { bytes: Buffer; contentType: string }>();
  let nextId = 1_100_000_000_000_000_000n;
  let port = 0;
  const snowflake = () => String(nextId++);

  /** The request's `files[n]` parts (set per request by the server before routing). */
  let parts: readonly FilePart[] = [];
  const cdnUrl = (id: string, filename: string) => `http://127.0.0.1:${port}/attachments/${id}/${id}/${encodeURIComponent(filename)}`;
  /**
   * `attachments` in the body: entries naming a kept attachment's id stay, entries whose id is an
   * index `n` become the file of `files[n]`; absent, new files are added to what the message had.
   * @see https://discord.com/developers/docs/reference#editing-message-attachments
   */
  const attach = (m: EmulatedMessage, body: Record<string, unknown>) => {
    const described = Array.isArray(body['attachments']) ? (body['attachments'] as { id?: unknown; filename?: unknown; description?: unknown }[]) : undefined;
    const fresh = (part: FilePart, entry?: { filename?: unknown; description?: unknown }): EmulatedAttachment => {
      const id = snowflake();
      const filename = typeof entry?.filename === 'string' ? entry.filename : part.filename;
      const url = cdnUrl(id, filename);
      attachments.set(new URL(url).pathname, { bytes: part.bytes, contentType: part.contentType });
      return { id, filename, contentType: part.contentType, bytes: part.bytes, url, ...(typeof entry?.description === 'string' ? { description: entry.description } : {}) };
    };
    if (!described) {
      m.attachments = [...m.attachments, ...parts.map((p) => fresh(p))];
      return;
    }
    m.attachments = described.flatMap((entry) => {
      const kept = m.attachments.find((a) => a.id === String(entry.id));
      if (kept) return [kept];
      const part = parts.find((p) => p.index === Number(entry.id));
      return part ? [fresh(part, entry)] : [];
    });
  };

  const newMessage = (channelId: string, body: Record<string, unknown>, token?: string): EmulatedMessage => {
    const m: EmulatedMessage = {
      id: snowflake(),
      channel_id: channelId,
      content: typeof body['content'] === 'string' ? body['content'] : '',
      embeds: (body['embeds'] as unknown[] | undefined) ?? [],
      components: (body['components'] as unknown[] | undefined) ?? [],
      flags: typeof body['flags'] === 'number' ? body['flags'] : 0,
      ...(body['message_reference'] ? { message_reference: body['message_reference'] } : {}),
      ...(token ? { token } : {}),
      timestamp: new Date().toISOString(),
      editedTimestamp: null,
      edits: 0,
      deleted: false,
      attachments: [],
    };
    attach(m, body);
    messages.push(m);
    return m;
  };
  const edit = (m: EmulatedMessage, body: Record<string, unknown>) => {
    if (typeof body['content'] === 'string') m.content = body['content'];
    if (Array.isArray(body['embeds'])) m.embeds = body['embeds'];
    if (Array.isArray(body['components'])) m.components = body['components'];
    attach(m, body);
    m.editedTimestamp = new Date().toISOString();
    m.edits++;
    return m;
  };

  /**
   * A message as the API returns it: the message object's required fields (id, channel_id,
   * author, content, timestamp, edited_timestamp, tts, mention_everyone, mentions, mention_roles,
   * attachments, embeds, pinned, type) and, for a message an interaction token posted,
   * `webhook_id` and `application_id` (its author is then the application's bot user). The
   * original response to a slash command is type 20 (CHAT_INPUT_COMMAND); other messages here are
   * type 0 (DEFAULT).
   *
   * @see https://discord.com/developers/docs/resources/message#message-object
   */
  const view = (m: EmulatedMessage) => {
    const appId = m.token ? (tokens.get(m.token)?.applicationId ?? APPLICATION_ID) : undefined;
    return {
      id: m.id,
      type: m.token && originals.get(m.token) === m && (tokens.get(m.token)?.interactionType ?? 2) === 2 ? 20 : 0,
      content: m.content,
      channel_id: m.channel_id,
      author: { id: appId ?? BOT_USER_ID, username: 'ListingLab', avatar: null, discriminator: '0000', public_flags: 0, flags: 0, bot: true, global_name: null },
      // The attachment object's fields (id, filename, description, content_type, size, url, proxy_url).
      // @see https://discord.com/developers/docs/resources/message#attachment-object
      attachments: m.attachments.map((a) => ({
        id: a.id, filename: a.filename, ...(a.description ? { description: a.description } : {}), content_type: a.contentType, size: a.bytes.length, url: a.url, proxy_url: a.url,
      })),
      embeds: m.embeds,
      mentions: [],
      mention_roles: [],
      pinned: false,
      mention_everyone: false,
      tts: false,
      timestamp: m.timestamp,
      edited_timestamp: m.editedTimestamp,
      flags: m.flags,
      components: m.components,
      ...(m.message_reference ? { message_reference: m.message_reference } : {}),
      ...(appId ? { webhook_id: appId, application_id: appId } : {}),
    };
  };

  function respond(i: InteractionLike, response: { type: number; data?: Record<string, unknown> }) {
    const channelId = i.channel_id ?? i.channel?.id ?? 'unknown';
    const known = tokens.get(i.token);
    const applicationId = i.application_id ?? known?.applicationId;
    const interactionType = i.type ?? known?.interactionType;
    tokens.set(i.token, { channelId, ...(applicationId ? { applicationId } : {}), ...(interactionType ? { interactionType } : {}) });
    if (response.type === 4 || response.type === 5) {
      const data = response.data ?? {};
      // A deferred response shows "thinking…" until @original is edited.
      const m = newMessage(channelId, response.type === 5 ? { flags: ((data['flags'] as number | undefined) ?? 0) | 128 } : data, i.token);
      originals.set(i.token, m);
    }
  }

  type Out = [number, unknown?];
  /** Discord's JSON error body: `{ message, code }`. */
  const fail = (status: number, code: number): Out => [status, { message: MESSAGES[code], code }];
  /**
   * A 400 for a body over Discord's limits, as the docs' "Error Messages" example shows it:
   * `{ code: 50035, errors: { <field path>: { _errors: [{ code, message }] } }, message: "Invalid Form Body" }`.
   *
   * @see https://discord.com/developers/docs/topics/opcodes-and-status-codes#json-json-error-codes
   */
  const invalidBody = (problem: string): Out => {
    const at = problem.indexOf(':');
    const path = (at > 0 ? problem.slice(0, at) : 'body').split('.');
    const message = at > 0 ? problem.slice(at + 1).trim() : problem;
    let errors: Record<string, unknown> = { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message }] };
    for (const key of [...path].reverse()) errors = { [key]: errors };
    return [400, { code: 50035, errors, message: MESSAGES[50035] }];
  };

  function webhook(method: string, p: string[], body: Record<string, unknown>): Out {
    const [, , token, sub, id] = p; // webhooks/:app/:token[/messages/:id]
    const entry = token ? tokens.get(token) : undefined;
    if (!token || !entry) return fail(404, 10015);
    // A token belongs to one application: another application's id in the path is an unknown webhook.
    if (entry.applicationId === undefined && p[1]) entry.applicationId = p[1];
    else if (entry.applicationId !== p[1]) return fail(404, 10015);
    if (expired.has(token)) return fail(401, 50027);
    const channelId = tokens.get(token)!.channelId;
    if (!sub && method === 'POST') {
      const problem = sizeProblem(body);
      return problem ? invalidBody(problem) : [200, view(newMessage(channelId, body, token))];
    }
    if (sub !== 'messages' || !id) return fail(404, 10015);
    const m = id === '@original' ? originals.get(token) : messages.find((x) => x.id === id && x.token === token);
    if (!m || m.deleted) return fail(404, 10008);
    if (method === 'GET') return [200, view(m)];
    if (method === 'DELETE') {
      m.deleted = true;
      return [204];
    }
    if (method === 'PATCH') {
      const problem = sizeProblem(body);
      if (problem) return invalidBody(problem);
      m.flags &= ~128;
      return [200, view(edit(m, body))];
    }
    return fail(404, 10015);
  }

  function bot(method: string, p: string[], body: Record<string, unknown>): Out {
    const [resource, id, sub, messageId, tail] = p;
    if (resource === 'applications' && method === 'PUT') {
      const scope = sub === 'guilds' ? messageId : 'global';
      if (!scope || (sub === 'guilds' ? tail !== 'commands' : sub !== 'commands')) return fail(404, 10003);
      // Bulk overwrite answers the application command objects: what was sent plus id,
      // application_id, version, guild_id (guild scope) and the defaults Discord fills in
      // (type 1, default_member_permissions null, nsfw false).
      // @see https://discord.com/developers/docs/interactions/application-commands#application-command-object
      const list = (Array.isArray(body) ? body : []).map((c: Record<string, unknown>) => ({
        type: 1,
        default_member_permissions: null,
        nsfw: false,
        ...c,
        id: snowflake(),
        application_id: id,
        ...(sub === 'guilds' ? { guild_id: scope } : {}),
        version: snowflake(),
      }));
      commands.set(scope, list);
      return [200, list];
    }
    if (resource !== 'channels' || !id || sub !== 'messages') return fail(404, 10003);
    const code = denied.get(id) ?? denied.get(threads.get(id)?.parentId ?? '');
    if (code !== undefined) return fail(403, code);
    if (!messageId) {
      if (method === 'GET') return [200, messages.filter((m) => m.channel_id === id && !m.deleted).map(view)];
      const problem = sizeProblem(body);
      return problem ? invalidBody(problem) : [200, view(newMessage(id, body))];
    }
    const m = messages.find((x) => x.id === messageId && x.channel_id === id && !x.deleted);
    if (!m) return fail(404, 10008);
    if (tail === 'threads' && method === 'POST') {
      if (threadRefusal !== undefined) return fail(403, threadRefusal);
      if (threads.has(m.id)) return fail(400, 160004);
      const thread = { id: m.id, parentId: id, name: typeof body['name'] === 'string' ? body['name'] : '' };
      threads.set(m.id, thread);
      // A thread channel, as the docs' "Example Thread Channel": its id is the message's.
      // @see https://discord.com/developers/docs/resources/channel#start-thread-from-message
      const autoArchive = typeof body['auto_archive_duration'] === 'number' ? body['auto_archive_duration'] : 4320;
      return [201, {
        id: thread.id, guild_id: '1', parent_id: id, owner_id: BOT_USER_ID, name: thread.name, type: 11,
        last_message_id: null, message_count: 0, member_count: 1, rate_limit_per_user: 0, flags: 0, total_message_sent: 0,
        thread_metadata: { archived: false, auto_archive_duration: autoArchive, archive_timestamp: new Date().toISOString(), locked: false, create_timestamp: new Date().toISOString() },
      }];
    }
    if (tail) return fail(404, 10008);
    if (method === 'GET') return [200, view(m)];
    if (method === 'PATCH') {
      const problem = sizeProblem(body);
      return problem ? invalidBody(problem) : [200, view(edit(m, body))];
    }
    return fail(404, 10008);
  }

  function route(req: IncomingMessage, res: ServerResponse, method: string, path: string, body: unknown): number {
    const attachment = method === 'GET' ? attachments.get(path) : undefined;
    if (attachment) {
      res.writeHead(200, { 'content-type': attachment.contentType, 'content-length': String(attachment.bytes.length) }).end(attachment.bytes);
      return 200;
    }
    const rl = limits.findIndex((l) => l.match(method, path));
    if (rl >= 0) {
      const { retryAfter } = limits.splice(rl, 1)[0]!;
      res.writeHead(429, {
        'content-type': 'application/json',
        'retry-after': String(retryAfter),
        'x-ratelimit-limit': '5',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset-after': String(retryAfter),
        'x-ratelimit-bucket': 'emulated-bucket',
        'x-ratelimit-scope': 'user',
      });
      res.end(JSON.stringify({ message: 'You are being rate limited.', retry_after: retryAfter, global: false }));
      return 429;
    }
    const p = path.split('/').filter(Boolean);
    const obj = (body ?? {}) as Record<string, unknown>;
    let out: Out;
    if (p[0] === 'interactions' && p[3] === 'callback' && method === 'POST') {
      respond({ token: p[2]!, channel_id: tokens.get(p[2]!)?.channelId ?? 'unknown' }, obj as { type: number });
      out = [204];
    } else if (p[0] === 'webhooks') {
      out = webhook(method, p, obj);
    } else if (req.headers.authorization !== `Bot ${botToken}`) {
      out = fail(401, 0);
    } else {
      out = bot(method, p, obj);
    }
    const [status, payload] = out;
    const rate = { 'x-ratelimit-limit': '50', 'x-ratelimit-remaining': '49', 'x-ratelimit-reset-after': '1', 'x-ratelimit-bucket': 'emulated-bucket' };
    res.writeHead(status, payload === undefined ? rate : { 'content-type': 'application/json', ...rate });
    res.end(payload === undefined ? undefined : JSON.stringify(payload));
    return status;
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const raw = Buffer.concat(chunks);
        const contentType = req.headers['content-type'] ?? '';
        let body: unknown;
        let files: FilePart[] = [];
        if (contentType.startsWith('multipart/form-data')) ({ body, files } = await multipart(raw, contentType));
        else {
          const text = raw.toString('utf8');
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            body = text;
          }
        }
        const method = req.method ?? 'GET';
        const path = new URL(req.url ?? '/', 'http://emulator').pathname.replace(/^\/api(\/v\d+)?/, '');
        parts = files;
        const status = route(req, res, method, path, body);
        parts = [];
        calls.push({ method, path, body, authorization: req.headers.authorization, status, ...(files.length ? { files: files.map((f) => ({ name: f.filename, contentType: f.contentType, size: f.bytes.length })) } : {}) });
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;

  return {
    addAttachment(filename, bytes, contentType) {
      const id = snowflake();
      const path = `/attachments/${id}/${id}/${encodeURIComponent(filename)}`;
      attachments.set(path, { bytes, contentType });
      const url = `http://127.0.0.1:${port}${path}?ex=1&is=2&hm=3`;
      return { id, filename, size: bytes.length, url, proxy_url: url, content_type: contentType };
    },
    url: `http://127.0.0.1:${port}/api`,
    calls,
    messages,
    threads,
    commands,
    respond,
    original: (token) => originals.get(token),
    followUps: (token) => messages.filter((m) => m.token === token && originals.get(token) !== m),
    channelMessages: (channelId) => messages.filter((m) => m.channel_id === channelId && !m.deleted),
    rateLimitOnce(match = () => true, retryAfterSec = 0.2) {
      limits.push({ match, retryAfter: retryAfterSec });
    },
    refuseThreads(code = 50013) {
      threadRefusal = code ?? undefined;
    },
    denyChannel(channelId, code = 50001) {
      denied.set(channelId, code);
    },
    expireToken(token) {
      expired.add(token);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A multipart body: `payload_json` parsed as the JSON body, `files[n]` parts as files. */
async function multipart(raw: Buffer, contentType: string): Promise<{ body: unknown; files: FilePart[] }> {
  const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': contentType } }).formData();
  const payload = form.get('payload_json');
  const files: FilePart[] = [];
  for (const [key, value] of form.entries()) {
    const index = /^files\[(\d+)\]$/.exec(key)?.[1];
    if (index === undefined || typeof value === 'string') continue;
    files.push({ index: Number(index), filename: value.name, contentType: value.type, bytes: Buffer.from(await value.arrayBuffer()) });
  }
  return { body: typeof payload === 'string' ? (JSON.parse(payload) as unknown) : undefined, files };
}
