/**
 * Credits — the workspace's currency. What the rest of the code may call: buying (a Stripe
 * Checkout link for a pack, rate limited), Stripe's events crediting and taking back purchases,
 * the spend check every reservation makes, the credits summary, and the operators' ledger
 * commands. A balance moves only through a keyed ledger row (db/repos/ledger.ts).
 */
export { createCheckout, describePacks, formatPrice, type CheckoutConfig, type CheckoutLink, type CreditPack } from './checkout.ts';
export { admitFreeCommand } from './checkout-limits.ts';
export { capDayStart, checkSpend, refuseSpend } from './check-spend.ts';
export { priceSheet, type PriceSheet } from './price-sheet.ts';
export { summarizeCredits, type CreditsSummary } from './credits-summary.ts';
export { handleStripeEvent } from './purchases.ts';
export type { StripeEventLike } from './stripe-event.ts';
export { checkLedger, grantCredits, workspaceCredits } from './credits-admin.ts';
