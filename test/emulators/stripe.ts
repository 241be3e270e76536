import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';

/**
 * A local Stripe API emulator the real `stripe` SDK talks to (STRIPE_API_URL =
 * `http://127.0.0.1:PORT`, mapped onto the SDK's host/port/protocol), plus webhook helpers:
 * events shaped like Stripe's and signed with the SDK's own `generateTestHeaderString`.
 *
 * Shapes (test/fixtures/SOURCES.md, `stripe/`): a session is stripe/openapi's checkout.session
 * fixture (every field of the current API's object) with what our create call sets; an event is
 * stripe/openapi's event envelope; a completed session carries what stripe-ruby-mock's recorded
 * `checkout.session.completed` (payment mode) shows a paid one gaining: `status: complete`,
 * `payment_status`, `payment_intent`, `customer_details`, `url: null`.
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
    const session: CheckoutSession = previous ?? openSession(id, params);
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

/** stripe/openapi `openapi/fixtures3.json` resources["checkout.session"]: the object's every field. */
const SESSION_FIXTURE = JSON.parse(readFileSync(new URL('../fixtures/stripe/stripe-openapi_fixtures3_checkout.session.json', import.meta.url), 'utf8')) as Record<string, unknown>;

/**
 * The session `POST /v1/checkout/sessions` answers: the fixture's fields, with what our
 * parameters decide (mode, urls, line items → amounts and currency, client_reference_id,
 * metadata) and an open session's state. The fixture's example values for options we never set
 * (shipping, custom text, invoice creation, currency conversion…) are reset to what Stripe
 * answers when they are not asked for: null or off. Since API version 2022-08-01 a payment-mode
 * session has no PaymentIntent until it is completed (`payment_intent: null`).
 */
function openSession(id: string, params: Record<string, unknown>): CheckoutSession {
  const items = (params.line_items as { quantity?: string; price_data?: { unit_amount?: string; currency?: string } }[] | undefined) ?? [];
  const amount = items.reduce((sum, i) => sum + Number(i.price_data?.unit_amount ?? 0) * Number(i.quantity ?? 1), 0);
  const created = Math.floor(Date.now() / 1000);
  return {
    ...structuredClone(SESSION_FIXTURE),
    id,
    object: 'checkout.session',
    after_expiration: null,
    amount_subtotal: amount,
    amount_total: amount,
    automatic_tax: { enabled: false, liability: null, provider: null, status: null },
    cancel_url: str(params.cancel_url) ?? '',
    client_reference_id: str(params.client_reference_id) ?? null,
    collected_information: null,
    consent: null,
    consent_collection: null,
    created,
    currency: items[0]?.price_data?.currency ?? 'usd',
    currency_conversion: null,
    custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
    customer_creation: 'if_required',
    customer_details: null,
    expires_at: created + 24 * 3600,
    invoice_creation: { enabled: false, invoice_data: { account_tax_ids: null, custom_fields: null, description: null, footer: null, issuer: null, metadata: {}, rendering_options: null } },
    livemode: false,
    metadata: (params.metadata as Record<string, string> | undefined) ?? {},
    mode: str(params.mode) ?? 'payment',
    payment_intent: null,
    payment_method_configuration_details: null,
    payment_status: 'unpaid',
    shipping_address_collection: null,
    shipping_cost: null,
    status: 'open',
    success_url: str(params.success_url) ?? '',
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    url: `https://checkout.stripe.com/c/pay/${id}`,
  };
}

/** A PaymentIntent id for a session, the same for every event about it. */
const paymentIntentOf = (sessionId: string) => `pi_${createHash('sha256').update(sessionId).digest('hex').slice(0, 24)}`;

/** The status a session has when Stripe sends this event about it. */
function statusFor(type: string, session: CheckoutSession): string {
  if (type === 'checkout.session.expired') return 'expired';
  if (type.startsWith('checkout.session.')) return 'complete'; // completed, async_payment_succeeded / _failed
  return session.status;
}

/** `checkout.session.completed`, `checkout.session.async_payment_succeeded`, `checkout.session.expired`… */
export type CheckoutEventType = string;

/**
 * A webhook event for a session, in Stripe's event envelope (stripe/openapi's event fixture: id,
 * object, api_version, created, data.object, livemode, pending_webhooks, request, type), at the
 * API version of the SDK we pin. The session is as Stripe sends it once the customer has paid
 * (or, `paymentStatus: 'unpaid'`, completed with a payment still pending): `status` complete
 * (expired for `checkout.session.expired`), a PaymentIntent in payment mode (unless the session
 * given has one), the customer's details, no `url` (stripe-ruby-mock's recorded
 * checkout.session.completed).
 */
export function checkoutEvent(session: CheckoutSession, opts: { type?: CheckoutEventType; paymentStatus?: 'paid' | 'unpaid' | 'no_payment_required'; eventId?: string } = {}): Record<string, unknown> {
  const type = opts.type ?? 'checkout.session.completed';
  const status = statusFor(type, session);
  const completed = status === 'complete';
  const paymentIntent = session['payment_intent'] ?? (completed && session.mode === 'payment' ? paymentIntentOf(session.id) : null);
  return {
    id: opts.eventId ?? `evt_${randomBytes(12).toString('hex')}`,
    object: 'event',
    api_version: Stripe.API_VERSION,
    created: Math.floor(Date.now() / 1000),
    data: {
      object: {
        ...session,
        status,
        payment_status: opts.paymentStatus ?? (status === 'expired' ? 'unpaid' : 'paid'),
        payment_intent: paymentIntent,
        customer_details: session['customer_details'] ?? (completed ? CUSTOMER_DETAILS : null),
        url: null,
      },
    },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
  };
}

/** The buyer, as a completed session's `customer_details` (the fixture's field set). */
const CUSTOMER_DETAILS = {
  address: { city: null, country: 'US', line1: null, line2: null, postal_code: '94107', state: null },
  business_name: null,
  email: 'buyer@example.com',
  individual_name: null,
  name: 'Test Buyer',
  phone: null,
  tax_exempt: 'none',
  tax_ids: [],
};

/** The body and `Stripe-Signature` header of a delivery, signed as Stripe signs it. */
export function signedDelivery(event: unknown, secret: string, opts: { timestamp?: number } = {}): { body: string; signature: string } {
  const body = JSON.stringify(event, null, 2);
  const signature = Stripe.webhooks.generateTestHeaderString({ payload: body, secret, ...(opts.timestamp ? { timestamp: opts.timestamp } : {}) });
  return { body, signature };
}
