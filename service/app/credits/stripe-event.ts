/**
 * What the credit use-cases read of a Stripe event (purchases.ts, purchase-reversals.ts): its id
 * (recorded once), its type and the object it is about. The webhook route verified its signature
 * over the raw body before it got here.
 *
 * @see https://docs.stripe.com/api/events/object
 */
export interface StripeEventLike {
  readonly id: string;
  readonly type: string;
  /** When Stripe created the event (seconds since the epoch); its redeliveries keep it. */
  readonly created?: number;
  readonly data: { readonly object: unknown };
}
