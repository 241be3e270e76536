import { randomBytes } from 'node:crypto';
import { signedDelivery } from '../emulators/stripe.ts';
import { eventBody, FORM, JSON_TYPE, signed, slashCommandBody } from '../emulators/slack-requests.ts';
import { ping } from '../discord/support.ts';
import type { Deployed } from './service-process.ts';

/**
 * A storm of mixed requests against a deployed process, as the open internet and the platforms
 * send them: signed and unsigned, forged, stale, malformed JSON and form bodies, a 2 MB body,
 * unknown paths and methods. Every request must get an HTTP answer below 500.
 */

export interface StormRequest {
  readonly kind: string;
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string | Buffer;
}

export interface StormResult {
  readonly total: number;
  /** No HTTP answer at all (connection reset, timeout). */
  readonly unanswered: { kind: string; error: string }[];
  readonly serverErrors: { kind: string; status: number; body: string }[];
  readonly byKind: Record<string, Record<number, number>>;
}

const STALE = () => Math.floor(Date.now() / 1000) - 600;
const TWO_MB = Buffer.alloc(2 * 1024 * 1024, 'a');

/** The kinds, in rotation; each builds a fresh request (fresh timestamps and ids). */
function kinds(d: Deployed): (() => StormRequest)[] {
  const slackSecret = d.secrets.slackSigningSecret;
  const slack = (kind: string, body: string, contentType: string, opts: Parameters<typeof signed>[3] = {}) => {
    const r = signed(slackSecret, body, contentType, opts);
    return { kind, method: 'POST', path: '/slack/events', headers: r.headers, body: r.payload };
  };
  const command = (text: string, userId = `U_STORM${Math.floor(Math.random() * 50)}`) =>
    slashCommandBody({ text, userId, channelId: 'C_STORM', responseUrl: d.slack.responseUrl('storm') });
  const discord = (kind: string, body: string, headers: Record<string, string> = d.signer.headers(body)) => ({ kind, method: 'POST', path: '/discord/interactions', headers, body });
  const stripe = (kind: string, body: string, signature: string) => ({ kind, method: 'POST', path: '/stripe/webhook', headers: { 'content-type': JSON_TYPE, 'stripe-signature': signature }, body });
  const stripeEvent = () => ({ id: `evt_${randomBytes(8).toString('hex')}`, object: 'event', type: 'customer.created', created: Math.floor(Date.now() / 1000), livemode: false, data: { object: { id: 'cus_x', object: 'customer' } } });
  return [
    () => slack('slack signed help', command('help'), FORM),
    () => slack('slack signed credits', command('credits'), FORM),
    () => slack('slack signed bad command', command('compare nothing'), FORM),
    () => ({ kind: 'slack unsigned', method: 'POST', path: '/slack/events', headers: { 'content-type': FORM }, body: command('help') }),
    () => slack('slack forged', command('help'), FORM, { secret: 'not-the-signing-secret' }),
    () => slack('slack stale', command('help'), FORM, { timestamp: STALE() }),
    () => slack('slack signed malformed form', '%%%&&&=%zz&payload=%7B', FORM),
    () => slack('slack signed malformed json', '{"type": "event_callback", "event": {', JSON_TYPE),
    () => slack('slack signed bad payload json', `payload=${encodeURIComponent('{"type":"block_actions","actions":[')}`, FORM),
    () => slack('slack signed url_verification', JSON.stringify({ type: 'url_verification', token: 'x', challenge: randomBytes(8).toString('hex') }), JSON_TYPE),
    () => slack('slack signed unknown event', eventBody('T_TEAM', { type: 'reaction_added', user: 'U1', reaction: 'tada' }), JSON_TYPE),
    () => slack('slack signed empty body', '', FORM),
    () => discord('discord signed ping', JSON.stringify(ping())),
    () => discord('discord forged', JSON.stringify(ping()), { ...d.signer.headers(JSON.stringify(ping())), 'x-signature-ed25519': '00'.repeat(64) }),
    () => {
      const body = JSON.stringify(ping());
      return discord('discord stale', body, d.signer.headers(body, STALE()));
    },
    () => discord('discord signed malformed json', '{"type": 2, "data": '),
    () => discord('discord signed unknown type', JSON.stringify({ ...ping(), type: 99 })),
    () => discord('discord unsigned', JSON.stringify(ping()), { 'content-type': JSON_TYPE }),
    () => {
      const { body, signature } = signedDelivery(stripeEvent(), d.secrets.stripeWebhookSecret);
      return stripe('stripe signed unknown event', body, signature);
    },
    () => {
      const { body } = signedDelivery(stripeEvent(), d.secrets.stripeWebhookSecret);
      return stripe('stripe bad signature', body, `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}`);
    },
    () => {
      const { body, signature } = signedDelivery(stripeEvent(), d.secrets.stripeWebhookSecret, { timestamp: STALE() });
      return stripe('stripe stale', body, signature);
    },
    () => {
      const body = '{"id": "evt_1", "type": ';
      const { signature } = signedDelivery(stripeEvent(), d.secrets.stripeWebhookSecret);
      return stripe('stripe malformed', body, signature);
    },
    () => ({ kind: 'unknown path', method: 'POST', path: `/nope/${randomBytes(3).toString('hex')}`, headers: { 'content-type': JSON_TYPE }, body: '{}' }),
    () => ({ kind: 'unknown method', method: ['PUT', 'DELETE', 'PATCH'][Math.floor(Math.random() * 3)]!, path: '/slack/events', headers: {} }),
    () => ({ kind: 'get webhook', method: 'GET', path: '/stripe/webhook', headers: {} }),
    () => ({ kind: 'healthz', method: 'GET', path: '/healthz', headers: {} }),
    () => ({ kind: 'readyz', method: 'GET', path: '/readyz', headers: {} }),
    () => {
      const paths = ['/slack/events', '/discord/interactions', '/stripe/webhook'];
      return { kind: '2 MB body', method: 'POST', path: paths[Math.floor(Math.random() * paths.length)]!, headers: { 'content-type': JSON_TYPE }, body: TWO_MB };
    },
  ];
}

export async function storm(d: Deployed, opts: { total: number; concurrency: number }): Promise<StormResult> {
  const makers = kinds(d);
  const unanswered: StormResult['unanswered'] = [];
  const serverErrors: StormResult['serverErrors'] = [];
  const byKind: StormResult['byKind'] = {};
  let next = 0;
  const lane = async () => {
    for (;;) {
      const i = next++;
      if (i >= opts.total) return;
      const req = makers[i % makers.length]!();
      try {
        const res = await fetch(`${d.url}${req.path}`, {
          method: req.method,
          headers: req.headers,
          ...(req.body !== undefined ? { body: req.body } : {}),
          signal: AbortSignal.timeout(15_000),
        });
        const body = await res.text();
        (byKind[req.kind] ??= {})[res.status] = (byKind[req.kind]?.[res.status] ?? 0) + 1;
        if (res.status >= 500) serverErrors.push({ kind: req.kind, status: res.status, body: body.slice(0, 300) });
      } catch (e) {
        const cause = e instanceof Error && e.cause instanceof Error ? ` (${e.cause.message})` : '';
        unanswered.push({ kind: req.kind, error: e instanceof Error ? `${e.message}${cause}` : String(e) });
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, lane));
  return { total: opts.total, unanswered, serverErrors, byKind };
}
