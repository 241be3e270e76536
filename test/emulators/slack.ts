import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local emulator of the Slack Web API that the real `@slack/web-api` (and Bolt, and the OAuth
 * installer) talk to: `SLACK_API_URL = emulator.apiUrl` (`http://127.0.0.1:<port>/api/`).
 *
 * Methods: auth.test, chat.postMessage, chat.update, chat.postEphemeral, views.open,
 * oauth.v2.access, conversations.info, conversations.join. Anything else answers
 * `unknown_method`. Messages are checked against Block Kit's limits (≤ 50 blocks, section text
 * ≤ 3000, header ≤ 150): a violation answers `invalid_blocks`, as Slack does.
 *
 * Also: `POST /response/<id>` is a response_url (ephemeral replies are recorded); a channel can
 * be made to refuse posts (`refuseChannel`); a method can answer 429 with Retry-After once;
 * `GET /files-pri/<team>-<file>/<name>` serves a file added with `addFile`, to a valid bot token
 * only (as Slack serves private files: files:read).
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
  /** Bodies POSTed to response URLs. */
  readonly responses: readonly ResponseUrlPost[];
  /** A response URL served by the emulator (a new id unless given). */
  responseUrl(id?: string): string;
  /** Posts to this channel answer `{ ok: false, error }` (default `not_in_channel`). */
  refuseChannel(channel: string, error?: string): void;
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

const JSON_ARGS = new Set(['blocks', 'view', 'attachments', 'metadata']);

export async function startSlackEmulator(): Promise<SlackEmulator> {
  const calls: SlackCall[] = [];
  const messages: EmulatedMessage[] = [];
  const responses: ResponseUrlPost[] = [];
  const refused = new Map<string, string>();
  const rateLimited = new Map<string, number>();
  const accepted = new Set<string>();
  const revoked = new Set<string>();
  const codes = new Map<string, { grant: OAuthGrant; client: { id: string; secret: string } }>();
  let counter = 0;
  const files = new Map<string, { bytes: Buffer; mimetype: string }>();
  const fileRequests: { path: string; token: string | undefined; status: number }[] = [];
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
      return {
        ok: true, app_id: 'A_LISTINGLAB', authed_user: { id: g.userId }, scope: 'commands,chat:write,chat:write.public', token_type: 'bot',
        access_token: g.botToken, bot_user_id: g.botUserId, team: { id: g.teamId, name: g.teamName }, enterprise: null, is_enterprise_install: false,
      };
    }
    const authError = tokenError(token);
    if (authError) return { ok: false, error: authError };
    switch (method) {
      case 'auth.test':
        return { ok: true, url: 'https://emulated.slack.com/', team: 'Emulated', user: 'listinglab', team_id: 'T_EMULATED', user_id: 'U_BOT', bot_id: 'B_BOT' };
      case 'chat.postMessage': {
        const channel = str(a['channel']);
        const why = refused.get(channel) ?? checkMessage(a);
        if (why) return { ok: false, error: why };
        const threadTs = typeof a['thread_ts'] === 'string' ? a['thread_ts'] : undefined;
        if (threadTs && !messages.some((m) => m.channel === channel && m.ts === threadTs)) return { ok: false, error: 'thread_not_found' };
        const m: EmulatedMessage = { channel, ts: nextTs(), threadTs, text: str(a['text']), blocks: blocksOf(a), versions: [] };
        m.versions.push({ text: m.text, blocks: m.blocks });
        messages.push(m);
        return { ok: true, channel, ts: m.ts, message: { text: m.text, ts: m.ts } };
      }
      case 'chat.update': {
        const m = messages.find((x) => x.channel === a['channel'] && x.ts === a['ts']);
        if (!m) return { ok: false, error: 'message_not_found' };
        const why = refused.get(m.channel) ?? checkMessage(a);
        if (why) return { ok: false, error: why };
        m.text = str(a['text']);
        m.blocks = blocksOf(a);
        m.versions.push({ text: m.text, blocks: m.blocks });
        return { ok: true, channel: m.channel, ts: m.ts, text: m.text };
      }
      case 'chat.postEphemeral': {
        const why = refused.get(String(a['channel'])) ?? checkMessage(a);
        return why ? { ok: false, error: why } : { ok: true, message_ts: nextTs() };
      }
      case 'views.open':
        if (!a['trigger_id']) return { ok: false, error: 'invalid_trigger_id' };
        return { ok: true, view: { id: `V${randomBytes(4).toString('hex').toUpperCase()}`, ...(a['view'] as object) } };
      case 'conversations.info':
        return { ok: true, channel: { id: a['channel'], is_member: !refused.has(String(a['channel'])) } };
      case 'conversations.join':
        refused.delete(String(a['channel']));
        return { ok: true, channel: { id: a['channel'] } };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://emulator').pathname;
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

  return {
    url,
    apiUrl: `${url}/api/`,
    calls,
    callsTo: (method) => calls.filter((c) => c.method === method),
    messages,
    roots: (channel) => messages.filter((m) => m.channel === channel && !m.threadTs),
    replies: (ts) => messages.filter((m) => m.threadTs === ts),
    responses,
    responseUrl: (id = randomBytes(6).toString('hex')) => `${url}/response/${id}`,
    refuseChannel: (channel, error = 'not_in_channel') => void refused.set(channel, error),
    rateLimitOnce: (method, retryAfterS = 1) => void rateLimited.set(method, retryAfterS),
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
