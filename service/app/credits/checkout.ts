import { createHash } from 'node:crypto';
import type Stripe from 'stripe';
import { DEFAULTS } from '../../config/defaults.ts';
import { UserError } from '../../domain/errors.ts';
import type { Db } from '../../db/client.ts';
import { findOpenCheckout, recordOpenedCheckout } from '../../db/repos/checkout-sessions.ts';
import { ensureWorkspace, type WorkspaceRef } from '../../db/repos/workspaces.ts';
import type { Clock } from '../../providers/provider.ts';
import { admitBuy, type BuyLimit } from './checkout-limits.ts';

/**
 * `buy [pack]`: a Stripe Checkout session for a credit pack. Nothing is credited here — the
 * workspace is credited when Stripe says the session was paid (purchases.ts).
 *
 * `buy` costs nothing, so it is limited per user and per workspace (checkout-limits.ts), and an
 * open session of the same workspace for the same pack is handed out again rather than a new one
 * created: one link per pack at a time, whoever in the workspace asks (its purchase confirmation
 * goes to the channel where it was first asked). Two requests at the same instant may still each
 * create one; either link credits the workspace once when paid.
 *
 * @see https://docs.stripe.com/api/checkout/sessions/create
 */

/** A credit pack for sale (configured: Config.pricing.packs, default DEFAULTS.credits.packs). */
export interface CreditPack {
  readonly id: string;
  readonly credits: number;
  /** In the currency's smallest unit: Stripe's `unit_amount`. */
  readonly priceCents: number;
  /** ISO 4217, lowercase (`usd`). */
  readonly currency: string;
}

export interface CheckoutLink {
  readonly url: string;
  readonly pack: CreditPack;
}

export interface CheckoutConfig {
  /** The Stripe client (its host, port and protocol mapped from STRIPE_API_URL by service/main). */
  readonly stripe: Pick<Stripe, 'checkout'>;
  /** Packs for sale, the first being the default (Config.pricing.packs). */
  readonly packs: readonly CreditPack[];
  /** Externally reachable base URL, no trailing slash: success and cancel pages live under it. */
  readonly publicUrl: string;
  /** `buy` requests allowed per user and per workspace (default DEFAULTS.billing.buyLimit: 3 and 10 a minute). */
  readonly buyLimit?: BuyLimit;
  /** An open session is reused while it has at least this many minutes left (default DEFAULTS.billing.reuseCheckoutMinutesLeft: 60). */
  readonly reuseMinutesLeft?: number;
}

export interface CheckoutDeps extends CheckoutConfig {
  readonly db: Db;
  readonly clock: Clock;
  readonly freeCredits: number;
  readonly metered: (platform: WorkspaceRef['platform']) => boolean;
}

/** What the checkout session's metadata carries back to us in the webhook. */
export const METADATA = {
  workspaceId: 'workspace_id',
  platform: 'platform',
  externalId: 'workspace_external_id',
  channelId: 'channel_id',
  pack: 'pack',
  credits: 'credits',
  requestedBy: 'requested_by',
} as const;

export const dollars = (cents: number) => `$${(cents / 100).toFixed(cents % 100 === 0 ? 0 : 2)}`;

export function describePacks(packs: readonly CreditPack[]): string {
  return packs.map((p) => `${p.id} — ${p.credits} credits for ${formatPrice(p.priceCents, p.currency, { short: true })}`).join(', ');
}

/**
 * A pack's price as people read it: `$9.00` (`$9` when `short` and whole), `€39.00`, or the code
 * (`CHF 12.90`) where there is no symbol. Two decimals: the packs' currencies are cent-based.
 */
export function formatPrice(cents: number, currency: string, opts: { short?: boolean } = {}): string {
  const digits = opts.short && cents % 100 === 0 ? 0 : 2;
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase(), minimumFractionDigits: digits, maximumFractionDigits: digits }).format(cents / 100);
  } catch {
    return `${currency.toUpperCase()} ${(cents / 100).toFixed(digits)}`;
  }
}

export function findPack(packs: readonly CreditPack[], packId: string | undefined): CreditPack {
  const pack = packId === undefined ? packs[0] : packs.find((p) => p.id === packId.toLowerCase());
  if (!pack) throw new UserError('bad_command', `There is no "${(packId ?? '').slice(0, 32)}" pack. Credit packs: ${describePacks(packs)}.`);
  return pack;
}

export async function createCheckout(
  deps: CheckoutDeps,
  ref: WorkspaceRef,
  packId: string | undefined,
  ctx: { userId: string; channelId: string | null; requestKey: string },
): Promise<CheckoutLink> {
  const pack = findPack(deps.packs, packId);
  const now = deps.clock.now();
  await admitBuy(deps.db, ref, ctx.userId, now, deps.buyLimit ?? DEFAULTS.billing.buyLimit);
  const ws = await ensureWorkspace(deps.db, ref, deps.metered(ref.platform) ? deps.freeCredits : 0);
  const reuseMs = (deps.reuseMinutesLeft ?? DEFAULTS.billing.reuseCheckoutMinutesLeft) * 60_000;
  const open = await findOpenCheckout(deps.db, ws.id, pack.id, new Date(now + reuseMs));
  if (open) return { url: open.url, pack };
  const metadata: Record<string, string> = {
    [METADATA.workspaceId]: ws.id,
    [METADATA.platform]: ws.platform,
    [METADATA.externalId]: ws.externalId,
    [METADATA.pack]: pack.id,
    [METADATA.credits]: String(pack.credits),
    [METADATA.requestedBy]: ctx.userId,
    ...(ctx.channelId ? { [METADATA.channelId]: ctx.channelId } : {}),
  };
  // A redelivered command (same platform request id) gets the same session back from Stripe.
  const idempotencyKey = `checkout-${createHash('sha256').update(JSON.stringify([ws.id, pack.id, ctx.requestKey])).digest('hex').slice(0, 40)}`;
  let session: Stripe.Checkout.Session;
  try {
    session = await deps.stripe.checkout.sessions.create(
      {
        mode: 'payment',
        line_items: [
          {
            quantity: 1,
            price_data: {
              currency: pack.currency,
              unit_amount: pack.priceCents,
              product_data: { name: `ListingLab credits: ${pack.credits}`, description: `${pack.id} pack — ${pack.credits} credits for ${ws.name ?? 'your workspace'}` },
            },
          },
        ],
        client_reference_id: ws.id,
        metadata,
        payment_intent_data: { metadata },
        success_url: `${deps.publicUrl}/billing/success`,
        cancel_url: `${deps.publicUrl}/billing/cancel`,
      },
      { idempotencyKey },
    );
  } catch (e) {
    // The provider's message may carry request details; the user gets ours.
    throw new UserError('billing_unavailable', undefined, { cause: e });
  }
  if (!session.url) throw new UserError('billing_unavailable');
  await recordOpenedCheckout(deps.db, {
    id: session.id,
    workspaceId: ws.id,
    pack: pack.id,
    credits: pack.credits,
    channelId: ctx.channelId,
    requestedBy: ctx.userId,
    url: session.url,
    expiresAt: expiryOf(session, now),
  });
  return { url: session.url, pack };
}

/** When Stripe closes the session: its `expires_at`, or Stripe's documented default when a response leaves it out. */
function expiryOf(session: Pick<Stripe.Checkout.Session, 'expires_at'>, now: number): Date {
  const at: unknown = session.expires_at;
  return new Date(typeof at === 'number' && at > 0 ? at * 1000 : now + DEFAULTS.billing.checkoutLifetimeHours * 3_600_000);
}
