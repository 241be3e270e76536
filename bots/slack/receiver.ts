import type { AckFn, App, Receiver, ReceiverEvent } from '@slack/bolt';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../../service/logger.ts';
import { verifySlackSignature } from './verify.ts';

/**
 * A Bolt Receiver on our own Fastify server (`POST /slack/events`, Bolt's single request URL for
 * slash commands, interactivity and events). Transport only (bolt-js's rule): verify the v0
 * signature over the raw body, parse, hand the payload to Bolt, and answer Slack as soon as a
 * listener acks — or after `ackTimeoutMs` whatever happens, because Slack gives up at 3 s.
 * Listeners keep working after the answer; their errors are logged, never sent back.
 *
 * Retried deliveries (`X-Slack-Retry-Num`) are acknowledged and not processed again: the first
 * delivery was already acknowledged or is still being worked on. The exception is app lifecycle
 * events (uninstall, tokens revoked): handling them twice is harmless, missing one leaves a dead
 * token in the store.
 *
 * @see https://docs.slack.dev/tools/bolt-js/concepts/receiver
 */

export interface FastifyReceiverOptions {
  readonly signingSecret: string;
  readonly logger: Logger;
  /** How long to wait for ack() before answering 200 anyway (default 2500 ms). */
  readonly ackTimeoutMs?: number;
  /** Clock for the signature window (default Date.now). */
  readonly now?: () => number;
  /** More routes in the same plugin (the OAuth install pages). */
  readonly routes?: (app: FastifyInstance) => void;
}

export interface FastifyReceiver {
  readonly receiver: Receiver;
  /** Registers `POST /slack/events` (and `routes`) in its own encapsulated context. */
  readonly plugin: (app: FastifyInstance) => Promise<void>;
}

const LIFECYCLE_EVENTS = new Set(['app_uninstalled', 'tokens_revoked']);
/** Work in flight gets this long when the server closes (inside the process's shutdown deadline). */
const DRAIN_MS = 3_000;

type Answer = { status: number; body: unknown };

export function createFastifyReceiver(opts: FastifyReceiverOptions): FastifyReceiver {
  let bolt: App | undefined;
  const inFlight = new Set<Promise<void>>();
  const now = opts.now ?? Date.now;
  const ackTimeoutMs = opts.ackTimeoutMs ?? 2500;
  const log = opts.logger.child({ component: 'slack-receiver' });

  const receiver: Receiver = {
    init(app: App) {
      bolt = app;
    },
    // Fastify owns listening: main/ starts and stops the server.
    start: async () => undefined,
    stop: async () => undefined,
  };

  function dispatch(app: App, body: Record<string, unknown>, retryNum: number | undefined, retryReason: string | undefined): Promise<Answer> {
    return new Promise<Answer>((resolve) => {
      let answered = false;
      let acked = false;
      const answer = (a: Answer) => {
        if (answered) return;
        answered = true;
        clearTimeout(timer);
        resolve(a);
      };
      const timer = setTimeout(() => {
        log.warn({ type: body['type'] ?? body['command'] }, 'no ack in time: answered Slack with an empty 200');
        answer({ status: 200, body: '' });
      }, ackTimeoutMs);
      const ack: AckFn<unknown> = async (response) => {
        if (acked) return; // a second ack (a listener and a fallback) changes nothing
        acked = true;
        answer({ status: 200, body: response ?? '' });
      };
      const event: ReceiverEvent = {
        body,
        ack,
        ...(retryNum !== undefined ? { retryNum } : {}),
        ...(retryReason !== undefined ? { retryReason } : {}),
      };
      const work: Promise<void> = app
        .processEvent(event)
        .then(
          // Nobody acked (an event without a listener): Slack still gets its 200.
          () => answer({ status: 200, body: '' }),
          (err: unknown) => {
            log.error({ err }, 'slack listener failed');
            answer({ status: 500, body: '' });
          },
        )
        .finally(() => inFlight.delete(work));
      inFlight.add(work);
    });
  }

  async function handle(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const check = verifySlackSignature({
      signingSecret: opts.signingSecret,
      rawBody: raw,
      timestamp: header(req, 'x-slack-request-timestamp'),
      signature: header(req, 'x-slack-signature'),
      nowMs: now(),
    });
    if (!check.ok) {
      log.warn({ reason: check.reason }, 'slack request refused');
      return reply.code(401).send({ error: 'signature_invalid', message: 'Invalid or stale Slack request signature.' });
    }
    const body = parseBody(raw, header(req, 'content-type') ?? '');
    if (!body) return reply.code(400).send({ error: 'bad_request', message: 'Unreadable Slack payload.' });
    if (body['type'] === 'url_verification') return reply.send({ challenge: body['challenge'] });
    if (body['ssl_check'] !== undefined) return reply.code(200).send('');

    const retry = header(req, 'x-slack-retry-num');
    const retryNum = retry !== undefined && /^\d+$/.test(retry) ? Number(retry) : undefined;
    const retryReason = header(req, 'x-slack-retry-reason');
    const eventType = (body['event'] as { type?: unknown } | undefined)?.type;
    if (retryNum !== undefined && !(typeof eventType === 'string' && LIFECYCLE_EVENTS.has(eventType))) {
      log.info({ retryNum, retryReason }, 'retried delivery acknowledged, not processed again');
      return reply.code(200).send('');
    }
    if (!bolt) return reply.code(503).send({ error: 'not_ready', message: 'Slack app not initialised.' });
    const a = await dispatch(bolt, body, retryNum, retryReason);
    if (a.body === '' || a.body === undefined) return reply.code(a.status).send('');
    return typeof a.body === 'string' ? reply.code(a.status).type('text/plain').send(a.body) : reply.code(a.status).send(a.body);
  }

  async function plugin(app: FastifyInstance): Promise<void> {
    // The signature covers the raw bytes: no parser may touch the body first (this context only).
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    app.post('/slack/events', handle);
    opts.routes?.(app);
    app.addHook('onClose', async () => {
      if (!inFlight.size) return;
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((r) => (timer = setTimeout(r, DRAIN_MS)));
      await Promise.race([Promise.allSettled([...inFlight]), deadline]);
      clearTimeout(timer);
    });
  }

  return { receiver, plugin };
}

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Slash commands are form fields; interactivity is a form field `payload` holding JSON; events are JSON. */
export function parseBody(raw: Buffer, contentType: string): Record<string, unknown> | undefined {
  try {
    const text = raw.toString('utf8');
    if (contentType.includes('application/json')) return asObject(JSON.parse(text));
    const form = new URLSearchParams(text);
    const payload = form.get('payload');
    return payload !== null ? asObject(JSON.parse(payload)) : Object.fromEntries(form);
  } catch {
    return undefined;
  }
}

const asObject = (v: unknown) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);
