import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';

/**
 * A local Stripe API emulator the real `stripe` SDK talks to (STRIPE_API_URL =
 * `http://127.0.0.1:PORT`, mapped onto the SDK's host/port/protocol), plus webhook helpers:
 * events shaped like Stripe's (see test/fixtures/stripe: checkout.session.completed)
 * and signed with the SDK's own `generateTestHeaderString`.
 *
 * `POST /v1/checkout/sessions` records the form body (flat and nested), the Idempotency-Key and
 * answers a `checkout.session` with a `url`. Like Stripe, a repeated Idempotency-Key returns the
 * first response. `failNext(status, times)` makes the next calls fail.
 */

export interface RecordedCheckout {
  readonly headers: IncomingHttpHeaders;
  readonly idempotencyKey: string | undefined;
  /** The form fields as sent (`line_items[0][price_data][currency]` → `usd`). */
  readonly form: Readonly<Record<string, string>>;
  /** The same, nested back into objects and arrays. */
  readonly params: Record<string, unknown>;
  readonly session: CheckoutSession;
}

export interface CheckoutSession {
  readonly id: string;
  readonly object: 'checkout.session';
  readonly url: string;
  readonly mode: string;
  readonly status: string;
  readonly payment_status: string;
  readonly client_reference_id: string | null;
  readonly metadata: Record<string, string>;
  readonly amount_total: number;
  readonly currency: string;
  readonly success_url: string;
  readonly cancel_url: string;
  readonly [k: string]: unknown;
}

export interface StripeEmulator {
  /** The origin to give as STRIPE_API_URL (no /v1). */
  readonly url: string;
  readonly checkouts: RecordedCheckout[];
  /** The next `times` calls (default 1) answer `status` (the SDK retries 5xx: give enough). */
  failNext(status: number, times?: number): void;
  close(): Promise<void>;
}

/** Nests `a[b][0][c]=v` form fields back into objects and arrays. */
export function nestForm(form: Record<string, string>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(form)) {
    const parts = key.replace(/\]/g, '').split('[');
    let node: Record<string, unknown> | unknown[] = root;
    parts.forEach((part, i) => {
      const last = i === parts.length - 1;
      const container = node as Record<string, unknown>;
      if (last) {
        container[part] = value;
        return;
      }
      const nextIsIndex = /^\d+$/.test(parts[i + 1] ?? '');
      container[part] ??= nextIsIndex ? [] : {};
      node = container[part] as Record<string, unknown>;
    });
  }
  return root;
}

export async function startStripeEmulator(): Promise<StripeEmulator> {
  const checkouts: RecordedCheckout[] = [];
  const byKey = new Map<string, CheckoutSession>();
  let failWith: { status: number; left: number } | undefined;

  const send = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_${randomBytes(6).toString('hex')}` }).end(JSON.stringify(body));
  };

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'POST' || path !== '/v1/checkout/sessions') {
      return send(res, 404, { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${req.method}: ${path})` } });
    }
    if (!req.headers.authorization?.startsWith('Bearer sk_')) return send(res, 401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided' } });
    if (failWith && failWith.left > 0) {
      const status = failWith.status;
      failWith.left--;
      return send(res, status, { error: { type: status >= 500 ? 'api_error' : 'invalid_request_error', message: `emulated ${status}` } });
    }
    const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
    const params = nestForm(form);
    const key = typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : undefined;
    const previous = key ? byKey.get(key) : undefined;
    const id = `cs_test_${randomBytes(24).toString('hex')}`;
    const items = (params.line_items as { quantity?: string; price_data?: { unit_amount?: string; currency?: string } }[] | undefined) ?? [];
    const session: CheckoutSession = previous ?? {
      id,
      object: 'checkout.session',
      url: `https://checkout.stripe.com/c/pay/${id}`,
      mode: str(params.mode) ?? 'payment',
      status: 'open',
      payment_status: 'unpaid',
      client_reference_id: str(params.client_reference_id) ?? null,
      metadata: (params.metadata as Record<string, string> | undefined) ?? {},
      amount_total: items.reduce((sum, i) => sum + Number(i.price_data?.unit_amount ?? 0) * Number(i.quantity ?? 1), 0),
      currency: items[0]?.price_data?.currency ?? 'usd',
      success_url: str(params.success_url) ?? '',
      cancel_url: str(params.cancel_url) ?? '',
      livemode: false,
      created: Math.floor(Date.now() / 1000),
    };
    if (key && !previous) byKey.set(key, session);
    checkouts.push({ headers: req.headers, idempotencyKey: key, form, params, session });
    send(res, 200, session);
  }

  const server = createServer((req, res) => {
    serve(req, res).catch(() => send(res, 500, { error: { type: 'api_error', message: 'emulator failure' } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    checkouts,
    failNext: (status, times = 1) => {
      failWith = { status, left: times };
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** `checkout.session.completed`, `checkout.session.async_payment_succeeded`, `checkout.session.expired`… */
export type CheckoutEventType = string;

/**
 * A webhook event for a session, in Stripe's event envelope (fields as in the fixtures:
 * id, object, api_version, created, data.object, livemode, pending_webhooks, request, type).
 */
export function checkoutEvent(session: CheckoutSession, opts: { type?: CheckoutEventType; paymentStatus?: 'paid' | 'unpaid' | 'no_payment_required'; eventId?: string } = {}): Record<string, unknown> {
  const paid = (opts.paymentStatus ?? 'paid') === 'paid';
  return {
    id: opts.eventId ?? `evt_${randomBytes(12).toString('hex')}`,
    object: 'event',
    api_version: '2025-01-27.acacia',
    created: Math.floor(Date.now() / 1000),
    data: { object: { ...session, status: paid ? 'complete' : session.status, payment_status: opts.paymentStatus ?? 'paid', url: null } },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type: opts.type ?? 'checkout.session.completed',
  };
}

/** The body and `Stripe-Signature` header of a delivery, signed as Stripe signs it. */
export function signedDelivery(event: unknown, secret: string, opts: { timestamp?: number } = {}): { body: string; signature: string } {
  const body = JSON.stringify(event, null, 2);
  const signature = Stripe.webhooks.generateTestHeaderString({ payload: body, secret, ...(opts.timestamp ? { timestamp: opts.timestamp } : {}) });
  return { body, signature };
}
