import type { FastifyInstance } from 'fastify';

/**
 * The pages Stripe Checkout returns the buyer to (`success_url`, `cancel_url` under PUBLIC_URL).
 * Static on purpose: nothing from the query string is echoed, and the credit itself arrives
 * through the webhook, never through this redirect.
 */

const page = (title: string, body: string) => `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title} · ListingLab</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#1d1d1f}h1{font-size:1.4rem}</style></head>
<body><h1>${title}</h1>${body}</body>
</html>
`;

export const SUCCESS_PAGE = page(
  'Payment received',
  '<p>Thank you! Your credits are being added to your workspace; a confirmation will appear in the channel where you asked, usually within a few seconds.</p><p>You can close this tab and go back to Slack or Discord. Check your balance with <code>/listing credits</code>.</p>',
);

export const CANCEL_PAGE = page(
  'Checkout cancelled',
  '<p>Nothing was charged. When you are ready, ask for a new link with <code>/listing buy</code>.</p><p>You can close this tab.</p>',
);

export function billingPages() {
  return async function routes(app: FastifyInstance): Promise<void> {
    const headers = { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'x-frame-options': 'DENY' };
    app.get('/billing/success', (_req, reply) => reply.code(200).headers(headers).send(SUCCESS_PAGE));
    app.get('/billing/cancel', (_req, reply) => reply.code(200).headers(headers).send(CANCEL_PAGE));
  };
}
