import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Slack request signing, v0: `v0=` + hex HMAC-SHA256(signing secret, `v0:<timestamp>:<raw body>`),
 * with the timestamp no more than five minutes from now in either direction (replay protection).
 *
 * @see https://docs.slack.dev/authentication/verifying-requests-from-slack
 */

export const SIGNATURE_WINDOW_S = 5 * 60;

export type SignatureCheck = { ok: true } | { ok: false; reason: 'missing_headers' | 'stale_timestamp' | 'bad_signature' };

export function slackSignature(signingSecret: string, timestamp: string | number, rawBody: string | Buffer): string {
  const mac = createHmac('sha256', signingSecret);
  mac.update(`v0:${timestamp}:`);
  mac.update(rawBody);
  return `v0=${mac.digest('hex')}`;
}

export function verifySlackSignature(input: {
  signingSecret: string;
  rawBody: Buffer;
  timestamp: string | undefined;
  signature: string | undefined;
  nowMs: number;
}): SignatureCheck {
  const { timestamp, signature } = input;
  if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'missing_headers' };
  if (Math.abs(input.nowMs / 1000 - Number(timestamp)) > SIGNATURE_WINDOW_S) return { ok: false, reason: 'stale_timestamp' };
  const expected = Buffer.from(slackSignature(input.signingSecret, timestamp, input.rawBody), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  // Constant-time comparison; lengths differ only for malformed signatures.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad_signature' };
  return { ok: true };
}
