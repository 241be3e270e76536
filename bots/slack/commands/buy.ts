import { formatPrice } from '../../../service/app/credits/index.ts';
import type { Reply } from '../../shared/reply.ts';
import type { PrivateMessage } from '../private.ts';

/** `buy [pack]`: a Stripe Checkout link, shown only to the requester. */
export function checkoutReply(r: Extract<Reply, { kind: 'checkout' }>): PrivateMessage {
  const price = formatPrice(r.pack.priceCents, r.pack.currency);
  const text = `Buy *${r.pack.credits} credits* (${r.pack.id}, ${price}): <${r.url}|open Stripe Checkout>. Only you can see this link; credits arrive as soon as the payment completes.`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}
