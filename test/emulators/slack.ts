import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local emulator of the Slack Web API that the real `@slack/web-api` (and Bolt, and the OAuth
 * installer) talk to: `SLACK_API_URL = emulator.apiUrl` (`http://127.0.0.1:<port>/api/`).
 *
 * Methods: auth.test, chat.postMessage, chat.update, chat.postEphemeral, views.open,
 * oauth.v2.access, conversations.info, conversations.join, users.info, files.getUploadURLExternal and
 * files.completeUploadExternal (with the upload POST to `/upload/v1/<id>` between them; a
 * completed file shared in a thread is kept with its bytes: `threadFiles`). Anything else
 * (files.upload included: retired) answers `unknown_method`. Messages are checked against Block Kit's limits (≤ 50 blocks, section text
 * ≤ 3000, header ≤ 150): a violation answers `invalid_blocks`, as Slack does.
 *
 * Also: `POST /response/<id>` is a response_url (ephemeral replies are recorded); a channel can
 * be made to refuse posts (`refuseChannel`); a method can answer 429 with Retry-After once;
 * `GET /files-pri/<team>-<file>/<name>` serves a file added with `addFile`, to a valid bot token
 * only (as Slack serves private files: files:read).
 *
 * Responses follow each method's documented example (named at each one below); the bot is
 * U_BOT / B_BOT of app A_LISTINGLAB in team T_EMULATED.
 *
 * @see https://docs.slack.dev/reference/methods
 */

export interface SlackCall {
  readonly method: string;
  readonly args: Readonly<Record<string, unknown>>;
  /** The bearer token, when one was sent. */
  readonly token: string | undefined;
  /** What was answered: 200 or 429, and Slack's error string when `ok` was false. */
  readonly status: number;
  readonly error?: string;
  /** When the call arrived (epoch ms). */
  readonly at: number;
}

export interface EmulatedMessage {
  readonly channel: string;
  readonly ts: string;
  readonly threadTs: string | undefined;
  text: string;
  blocks: readonly Record<string, unknown>[];
  /** Every version, the first post included. */
  readonly versions: { text: string; blocks: readonly Record<string, unknown>[] }[];
  /** A file share's files (files.completeUploadExternal), as their file objects. */
  readonly files?: readonly Record<string, unknown>[];
}

export interface SlackFileObject {
  readonly id: string;
  readonly name: string;
  readonly title: string;
  readonly mimetype: string;
  readonly filetype: string;
  readonly size: number;
  readonly url_private: string;
  readonly url_private_download: string;
}

/** A file shared by files.completeUploadExternal: its object, where, and the bytes that were uploaded. */
export interface SharedFile {
  readonly file: Record<string, unknown>;
  readonly channel: string;
  readonly threadTs: string | undefined;
  readonly bytes: Buffer;
  /** The alt text given to files.getUploadURLExternal (`alt_txt`), if any. */
  readonly altText: string | undefined;
}

export interface ResponseUrlPost {
  readonly id: string;
  readonly body: Record<string, unknown>;
}

export interface OAuthGrant {
  readonly teamId: string;
  readonly teamName: string;
  readonly botToken: string;
  readonly botUserId: string;
  readonly userId: string;
}

export interface SlackEmulator {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** For SLACK_API_URL: `<url>/api/` */
  readonly apiUrl: string;
  readonly calls: readonly SlackCall[];
  callsTo(method: string): SlackCall[];
  /** Channel messages and thread replies, in posting order. */
  readonly messages: readonly EmulatedMessage[];
  /** Top-level messages of a channel (not thread replies). */
  roots(channel: string): EmulatedMessage[];
  /** Replies in the thread of `ts`. */
  replies(ts: string): EmulatedMessage[];
  /** Files completed into a channel (files.completeUploadExternal), in order. */
  readonly sharedFiles: readonly SharedFile[];
  /** Files shared as replies in the thread of `ts`. */
  threadFiles(ts: string): SharedFile[];
  /** POSTs to upload URLs: which file id, how many bytes, answered with what status. */
  readonly uploads: readonly { readonly fileId: string; readonly size: number; readonly status: number }[];
  /** Bodies POSTed to response URLs. */
  readonly responses: readonly ResponseUrlPost[];
  /** A response URL served by the emulator (a new id unless given). */
  responseUrl(id?: string): string;
  /** Posts to this channel answer `{ ok: false, error }` (default `not_in_channel`). */
  refuseChannel(channel: string, error?: string): void;
  /** A user's role as users.info reports it (every other user is a plain member). */
  setUserRole(userId: string, role: 'member' | 'admin' | 'owner' | 'primary_owner'): void;
  /** Every call of `method` answers `{ ok: false, error }` (e.g. `missing_scope`) until cleared with undefined. */
  failMethod(method: string, error: string | undefined): void;
  /** files.completeUploadExternal calls that carry `blocks` answer `{ ok: false, error }` (as Slack does for blocks a file message does not take) until cleared with undefined. */
  refuseFileBlocks(error: string | undefined): void;
  /** The next call of `method` answers 429 with `Retry-After: retryAfterS`. */
  rateLimitOnce(method: string, retryAfterS?: number): void;
  /** Tokens the API accepts (besides those granted through OAuth); none set: any `xoxb-` token. */
  acceptToken(token: string): void;
  revokeToken(token: string): void;
  /** An OAuth code that oauth.v2.access exchanges for this grant (with these client credentials). */
  addOAuthCode(code: string, grant: OAuthGrant, client: { id: string; secret: string }): void;
  /** A private file (what a file input uploads): its Slack file object, its URLs on this emulator. */
  addFile(name: string, bytes: Buffer, mimetype: string): SlackFileObject;
  /** Requests for files: which path, with which bearer token, answered with what status. */
  readonly fileRequests: readonly { readonly path: string; readonly token: string | undefined; readonly status: number }[];
  /** Polls `probe` until it returns something truthy. */
  waitFor<T>(probe: () => T | undefined | null | false, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

const JSON_ARGS = new Set(['blocks', 'view', 'attachments', 'metadata', 'files']);

/** An upload started by files.getUploadURLExternal: its bytes once POSTed, shared once completed. */
interface PendingUpload {
  readonly id: string;
  readonly filename: string;
  readonly length: number;
  readonly altText: string | undefined;
  bytes?: Buffer;
  completed: boolean;
}

export async function startSlackEmulator(): Promise<SlackEmulator> {
  const calls: SlackCall[] = [];
  const messages: EmulatedMessage[] = [];
  const responses: ResponseUrlPost[] = [];
  const refused = new Map<string, string>();
  const rateLimited = new Map<string, number>();
  const roles = new Map<string, 'member' | 'admin' | 'owner' | 'primary_owner'>();
  const failing = new Map<string, string>();
  let fileBlocksRefusal: string | undefined;
  const accepted = new Set<string>();
  const revoked = new Set<string>();
  const codes = new Map<string, { grant: OAuthGrant; client: { id: string; secret: string } }>();
  let counter = 0;
  const files = new Map<string, { bytes: Buffer; mimetype: string }>();
  const fileRequests: { path: string; token: string | undefined; status: number }[] = [];
  const pending = new Map<string, PendingUpload>();
  const uploadIds = new Map<string, string>();
  const sharedFiles: SharedFile[] = [];
  const uploads: { fileId: string; size: number; status: number }[] = [];
  let baseUrl = '';
  const nextTs = () => `${Math.floor(Date.now() / 1000)}.${String(++counter).padStart(6, '0')}`;

  const tokenError = (token: string | undefined): string | undefined => {
    if (!token) return 'not_authed';
    if (revoked.has(token)) return 'token_revoked';
    if (accepted.size ? !accepted.has(token) : !token.startsWith('xoxb-')) return 'invalid_auth';
    return undefined;
  };

  function api(method: string, a: Record<string, unknown>, token: string | undefined): Record<string, unknown> {
    if (method === 'oauth.v2.access') {
      const entry = codes.get(String(a['code']));
      if (!entry) return { ok: false, error: 'invalid_code' };
      if (a['client_id'] !== entry.client.id || a['client_secret'] !== entry.client.secret) return { ok: false, error: 'invalid_client_id' };
      codes.delete(String(a['code']));
      const g = entry.grant;
      accepted.add(g.botToken);
      // oauth.v2.access's documented example for a bot install (authed_user carries only an id
      // when no user scopes were asked for).
      return {
        ok: true, app_id: 'A_LISTINGLAB', authed_user: { id: g.userId }, scope: 'commands,chat:write,chat:write.public', token_type: 'bot',
        access_token: g.botToken, bot_user_id: g.botUserId, team: { id: g.teamId, name: g.teamName }, enterprise: null, is_enterprise_install: false,
      };
    }
    const authError = tokenError(token);
    if (authError) return { ok: false, error: authError };
    const failure = failing.get(method);
    // missing_scope also names what was needed and what the token has (Slack's error response).
    if (failure) return { ok: false, error: failure, ...(failure === 'missing_scope' ? { needed: 'users:read', provided: 'commands,chat:write' } : {}) };
    switch (method) {
      case 'auth.test':
        // Slack's auth.test example (url, team, user, team_id, user_id), plus what a bot token adds
        // (bot_id, is_enterprise_install: java-slack-sdk json-logs/samples/api/auth.test.json).
        return { ok: true, url: 'https://emulated.slack.com/', team: 'Emulated', user: 'listinglab', team_id: BOT.team, user_id: BOT.user, bot_id: BOT.botId, is_enterprise_install: false };
      case 'chat.postMessage': {
        const channel = str(a['channel']);
        const why = refused.get(channel) ?? checkMessage(a);
        if (why) return { ok: false, error: why };
        const threadTs = typeof a['thread_ts'] === 'string' ? a['thread_ts'] : undefined;
        if (threadTs && !messages.some((m) => m.channel === channel && m.ts === threadTs)) return { ok: false, error: 'thread_not_found' };
        const m: EmulatedMessage = { channel, ts: nextTs(), threadTs, text: str(a['text']), blocks: blocksOf(a), versions: [] };
        m.versions.push({ text: m.text, blocks: m.blocks });
        messages.push(m);
        // chat.postMessage's documented response: ok, channel, ts and the posted message object.
        return { ok: true, channel, ts: m.ts, message: messageObject(m) };
      }
      case 'chat.update': {
        const m = messages.find((x) => x.channel === a['channel'] && x.ts === a['ts']);
        if (!m) return { ok: false, error: 'message_not_found' };
        const why = refused.get(m.channel) ?? checkMessage({ text: a['text'] ?? m.text, blocks: a['blocks'] ?? m.blocks });
        if (why) return { ok: false, error: why };
        // chat.update's `blocks`: "If you don't include this field, the message's previous blocks
        // will be retained. To remove previous blocks, include an empty array" (the method's docs).
        if (typeof a['text'] === 'string') m.text = a['text'];
        if (a['blocks'] !== undefined) m.blocks = blocksOf(a);
        m.versions.push({ text: m.text, blocks: m.blocks });
        // The documented response: ok, channel, ts, text and the message ({ text, user }).
        return { ok: true, channel: m.channel, ts: m.ts, text: m.text, message: { text: m.text, user: BOT.user, bot_id: BOT.botId, blocks: m.blocks } };
      }
      case 'chat.postEphemeral': {
        const why = refused.get(String(a['channel'])) ?? checkMessage(a);
        // chat.postEphemeral's documented response: { ok, message_ts }.
        return why ? { ok: false, error: why } : { ok: true, message_ts: nextTs() };
      }
      case 'views.open':
        if (!a['trigger_id']) return { ok: false, error: 'invalid_trigger_id' };
        return { ok: true, view: viewObject(a['view']) };
      case 'users.info': {
        // users.info's documented example response (a user object with its role flags).
        const id = str(a['user']);
        if (!/^[UW][A-Z0-9_]+$/.test(id)) return { ok: false, error: 'user_not_found' };
        const role = roles.get(id) ?? 'member';
        return {
          ok: true,
          user: {
            id, team_id: BOT.team, name: id.toLowerCase(), deleted: false, real_name: `User ${id}`, tz: 'America/Los_Angeles', tz_offset: -25200,
            is_admin: role !== 'member', is_owner: role === 'owner' || role === 'primary_owner', is_primary_owner: role === 'primary_owner',
            is_restricted: false, is_ultra_restricted: false, is_bot: false, is_app_user: false, updated: 1502138686, has_2fa: false,
          },
        };
      }
      case 'conversations.info':
        return { ok: true, channel: channelObject(str(a['channel']), !refused.has(str(a['channel']))) };
      case 'conversations.join': {
        const channel = str(a['channel']);
        const already = !refused.has(channel);
        refused.delete(channel);
        // Joining a channel the bot is already in answers a warning (conversations.join docs).
        return { ok: true, channel: channelObject(channel, true), ...(already ? { warning: 'already_in_channel', response_metadata: { warnings: ['already_in_channel'] } } : {}) };
      }
      case 'files.getUploadURLExternal': {
        // files.getUploadURLExternal's documented response: { ok, upload_url, file_id }; `length`
        // 0 or missing answers missing_argument (its error list). The URL is on this emulator.
        const length = Number(a['length']);
        if (!str(a['filename']) || !Number.isInteger(length) || length <= 0) return { ok: false, error: 'missing_argument' };
        const id = `F${randomBytes(5).toString('hex').toUpperCase()}`;
        const secret = randomBytes(8).toString('hex');
        pending.set(id, { id, filename: str(a['filename']), length, altText: typeof a['alt_txt'] === 'string' ? a['alt_txt'] : undefined, completed: false });
        uploadIds.set(secret, id);
        return { ok: true, upload_url: `${baseUrl}/upload/v1/${secret}`, file_id: id };
      }
      case 'files.completeUploadExternal':
        return completeUpload(a);
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  /**
   * files.completeUploadExternal: `files: [{ id, title }]`, shared in `channel_id` (a reply when
   * `thread_ts` names a message there). Answers its documented response, `{ ok, files: [file
   * objects] }`; a file never uploaded, or completed already, answers `file_not_found`.
   */
  function completeUpload(a: Record<string, unknown>): Record<string, unknown> {
    const list = Array.isArray(a['files']) ? (a['files'] as { id?: unknown; title?: unknown }[]) : [];
    if (list.length === 0) return { ok: false, error: 'invalid_arguments' };
    const channel = typeof a['channel_id'] === 'string' ? a['channel_id'] : undefined;
    const threadTs = typeof a['thread_ts'] === 'string' ? a['thread_ts'] : undefined;
    if (channel && refused.has(channel)) return { ok: false, error: refused.get(channel) };
    if (threadTs && !messages.some((m) => m.channel === channel && m.ts === threadTs)) return { ok: false, error: 'invalid_thread_ts' };
    const uploadsOf = list.map((f) => pending.get(String(f.id)));
    if (uploadsOf.some((u) => !u?.bytes || u.completed)) return { ok: false, error: 'file_not_found' };
    // The share is a message (with the files) in the channel or thread: its `blocks`, held to the
    // same limits as chat.postMessage's, or its initial_comment (which makes Slack ignore blocks).
    const comment = typeof a['initial_comment'] === 'string' ? a['initial_comment'] : undefined;
    if (!comment && a['blocks'] !== undefined && fileBlocksRefusal) return { ok: false, error: fileBlocksRefusal };
    if (!comment && a['blocks'] !== undefined) {
      const why = checkMessage({ text: 'file', blocks: a['blocks'] });
      if (why) return { ok: false, error: why };
    }
    const files = uploadsOf.map((u, i) => {
      u!.completed = true;
      const title = typeof list[i]!.title === 'string' ? String(list[i]!.title) : u!.filename;
      const file = fileObject(u!, title, channel, threadTs);
      if (channel) sharedFiles.push({ file, channel, threadTs, bytes: u!.bytes!, altText: u!.altText });
      return file;
    });
    if (channel) {
      const m: EmulatedMessage = { channel, ts: nextTs(), threadTs, text: comment ?? '', blocks: comment ? [] : blocksOf(a), versions: [], files };
      m.versions.push({ text: m.text, blocks: m.blocks });
      messages.push(m);
    }
    return { ok: true, files };
  }

  /** The upload URL: raw bytes or a multipart form's file part; 200 `OK - <length>` once stored. */
  async function receiveUpload(secret: string, body: Buffer, contentType: string): Promise<number> {
    const id = uploadIds.get(secret);
    const upload = id ? pending.get(id) : undefined;
    if (!upload || upload.completed) return 404;
    let bytes = body;
    if (contentType.startsWith('multipart/form-data')) {
      const form = await new Response(new Uint8Array(body), { headers: { 'content-type': contentType } }).formData();
      const part = [...form.values()].find((v): v is File => typeof v !== 'string');
      if (!part) return 400;
      bytes = Buffer.from(await part.arrayBuffer());
    }
    upload.bytes = bytes;
    return 200;
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://emulator').pathname;
      const upload = /^\/upload\/v1\/(\w+)$/.exec(path);
      if (req.method === 'POST' && upload) {
        const bytes = Buffer.concat(chunks);
        void receiveUpload(upload[1]!, bytes, req.headers['content-type'] ?? '').then((status) => {
          uploads.push({ fileId: uploadIds.get(upload[1]!) ?? '', size: bytes.length, status });
          res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? `OK - ${bytes.length}` : 'failed');
        });
        return;
      }
      const text = Buffer.concat(chunks).toString('utf8');
      const args = parseArgs(text, req.headers['content-type'] ?? '');
      if (req.method === 'GET' && path.startsWith('/files-pri/')) {
        const auth = req.headers.authorization;
        const token = auth?.startsWith('Bearer ') ? auth.slice(7) : undefined;
        const file = files.get(path);
        const status = tokenError(token) ? 403 : file ? 200 : 404;
        fileRequests.push({ path, token, status });
        if (status !== 200 || !file) return void res.writeHead(status, { 'content-type': 'text/html' }).end('<html>login</html>');
        return void res.writeHead(200, { 'content-type': file.mimetype, 'content-length': String(file.bytes.length) }).end(file.bytes);
      }
      const response = /^\/response\/([\w-]+)$/.exec(path);
      if (response) {
        responses.push({ id: response[1]!, body: args });
        return send(res, 200, { ok: true });
      }
      const method = /^\/api\/([\w.]+)$/.exec(path)?.[1];
      if (!method) return send(res, 404, { ok: false, error: 'not_found' });
      const auth = req.headers.authorization;
      const token = auth?.startsWith('Bearer ') ? auth.slice(7) : typeof args['token'] === 'string' ? args['token'] : undefined;
      const wait = rateLimited.get(method);
      if (wait !== undefined) {
        rateLimited.delete(method);
        calls.push({ method, args, token, status: 429, at: Date.now() });
        res.writeHead(429, { 'retry-after': String(wait), 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, error: 'ratelimited' }));
        return;
      }
      const out = api(method, args, token);
      calls.push({ method, args, token, status: 200, at: Date.now(), ...(out['ok'] ? {} : { error: String(out['error']) }) });
      send(res, 200, out);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  baseUrl = url;

  return {
    url,
    apiUrl: `${url}/api/`,
    calls,
    callsTo: (method) => calls.filter((c) => c.method === method),
    messages,
    roots: (channel) => messages.filter((m) => m.channel === channel && !m.threadTs),
    replies: (ts) => messages.filter((m) => m.threadTs === ts),
    sharedFiles,
    threadFiles: (ts) => sharedFiles.filter((f) => f.threadTs === ts),
    uploads,
    responses,
    responseUrl: (id = randomBytes(6).toString('hex')) => `${url}/response/${id}`,
    refuseChannel: (channel, error = 'not_in_channel') => void refused.set(channel, error),
    rateLimitOnce: (method, retryAfterS = 1) => void rateLimited.set(method, retryAfterS),
    setUserRole: (userId, role) => void roles.set(userId, role),
    failMethod: (method, error) => void (error === undefined ? failing.delete(method) : failing.set(method, error)),
    refuseFileBlocks: (error) => void (fileBlocksRefusal = error),
    addFile(name, bytes, mimetype) {
      const id = `F${randomBytes(5).toString('hex').toUpperCase()}`;
      const path = `/files-pri/T_TEAM-${id}/${encodeURIComponent(name)}`;
      files.set(path, { bytes, mimetype });
      const href = `${url}${path}`;
      return { id, name, title: name, mimetype, filetype: name.split('.').pop() ?? '', size: bytes.length, url_private: href, url_private_download: `${href}?download=1` };
    },
    fileRequests,
    acceptToken: (token) => void accepted.add(token),
    revokeToken: (token) => void revoked.add(token),
    addOAuthCode: (code, grant, client) => void codes.set(code, { grant, client }),
    async waitFor(probe, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const v = probe();
        if (v) return v;
        if (Date.now() > deadline) throw new Error('slack emulator: condition not met in time');
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The Web API client sends form fields with nested values as JSON; JSON bodies are accepted too. */
function parseArgs(text: string, contentType: string): Record<string, unknown> {
  if (!text) return {};
  if (contentType.includes('application/json')) {
    try {
      return JSON.parse(text) as Record<string, unknown>;
    } catch {
      return {};
    }
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(text)) {
    out[k] = v;
    if (JSON_ARGS.has(k)) {
      try {
        out[k] = JSON.parse(v);
      } catch {
        // keep the raw text: checkMessage reports it
      }
    }
  }
  return out;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The app's bot identity in this emulated workspace. */
const BOT = { user: 'U_BOT', botId: 'B_BOT', appId: 'A_LISTINGLAB', team: 'T_EMULATED' } as const;

/**
 * A message the bot posted, as the Web API returns it: chat.postMessage's documented example
 * (`type`, `text`, `bot_id`, `ts`; `subtype: bot_message` only for legacy bots) with the fields a
 * bot token's message carries (`user`, `app_id`, `team`, `blocks`, `thread_ts`:
 * java-slack-sdk json-logs/samples/api/chat.postMessage.json).
 *
 * @see https://docs.slack.dev/reference/methods/chat.postMessage
 */
function messageObject(m: EmulatedMessage): Record<string, unknown> {
  return {
    type: 'message',
    text: m.text,
    user: BOT.user,
    bot_id: BOT.botId,
    app_id: BOT.appId,
    team: BOT.team,
    blocks: m.blocks,
    ts: m.ts,
    ...(m.threadTs ? { thread_ts: m.threadTs, parent_user_id: BOT.user } : {}),
  };
}

/**
 * A file object as files.completeUploadExternal answers it (the fields of the SDK's
 * FilesCompleteUploadExternalResponse `File` type that describe an image: id, name, title,
 * mimetype, filetype, size, alt_txt, channels, shares).
 *
 * @see https://docs.slack.dev/reference/objects/file-object
 */
function fileObject(u: PendingUpload, title: string, channel: string | undefined, threadTs: string | undefined): Record<string, unknown> {
  const ext = u.filename.split('.').pop()?.toLowerCase() ?? '';
  const mimetype = ext === 'png' ? 'image/png' : 'application/octet-stream';
  return {
    id: u.id, created: Math.floor(Date.now() / 1000), name: u.filename, title, mimetype, filetype: ext, pretty_type: ext.toUpperCase(),
    user: BOT.user, size: u.bytes?.length ?? 0, mode: 'hosted', is_external: false, is_public: channel !== undefined,
    ...(u.altText ? { alt_txt: u.altText } : {}),
    channels: channel ? [channel] : [], groups: [], ims: [],
    // Shares fill in asynchronously on Slack; the emulator shares at once.
    shares: channel ? { public: { [channel]: [{ ts: threadTs ?? '', ...(threadTs ? { thread_ts: threadTs } : {}), channel_name: channel.toLowerCase(), team_id: BOT.team }] } } : {},
  };
}

/**
 * The view views.open answers: what was sent plus the fields Slack adds (the view object of
 * bolt-python's view_submission fixture, test/fixtures/slack/bolt-python_view_submission_payload.json).
 */
function viewObject(sent: unknown): Record<string, unknown> {
  const id = `V${randomBytes(4).toString('hex').toUpperCase()}`;
  return {
    id,
    team_id: BOT.team,
    type: 'modal',
    blocks: [],
    private_metadata: '',
    callback_id: '',
    state: { values: {} },
    hash: `${Math.floor(Date.now() / 1000)}.${randomBytes(4).toString('hex')}`,
    clear_on_close: false,
    notify_on_close: false,
    close: null,
    submit: null,
    previous_view_id: null,
    root_view_id: id,
    app_id: BOT.appId,
    external_id: '',
    app_installed_team_id: BOT.team,
    bot_id: BOT.botId,
    ...(typeof sent === 'object' && sent !== null ? (sent as Record<string, unknown>) : {}),
  };
}

/**
 * A public channel as conversations.info / conversations.join describe it (the fields of the
 * conversation object in conversations.info's documented example that a check can read).
 *
 * @see https://docs.slack.dev/reference/methods/conversations.info
 */
function channelObject(id: string, isMember: boolean): Record<string, unknown> {
  return {
    id,
    name: id.toLowerCase().replace(/^c_?/, '') || 'general',
    is_channel: true,
    is_group: false,
    is_im: false,
    is_mpim: false,
    is_private: false,
    is_archived: false,
    is_general: false,
    is_shared: false,
    is_ext_shared: false,
    is_org_shared: false,
    is_member: isMember,
    created: 1_600_000_000,
    creator: 'U_ADMIN',
    context_team_id: BOT.team,
  };
}

function blocksOf(a: Record<string, unknown>): Record<string, unknown>[] {
  return Array.isArray(a['blocks']) ? (a['blocks'] as Record<string, unknown>[]) : [];
}

/** Slack's own checks on a message: something to show, and Block Kit's limits. */
function checkMessage(a: Record<string, unknown>): string | undefined {
  if (a['blocks'] !== undefined && !Array.isArray(a['blocks'])) return 'invalid_blocks_format';
  const blocks = blocksOf(a);
  if (!a['text'] && blocks.length === 0) return 'no_text';
  if (blocks.length > 50) return 'invalid_blocks';
  for (const b of blocks) {
    const text = (b['text'] as { text?: unknown } | undefined)?.text;
    if (b['type'] === 'section' && typeof text === 'string' && text.length > 3000) return 'invalid_blocks';
    if (b['type'] === 'header' && typeof text === 'string' && text.length > 150) return 'invalid_blocks';
    const fields = b['fields'] as { text?: string }[] | undefined;
    if (fields && (fields.length > 10 || fields.some((f) => (f.text ?? '').length > 2000))) return 'invalid_blocks';
  }
  return undefined;
}

function send(res: ServerResponse, status: number, json: unknown): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(json));
}
