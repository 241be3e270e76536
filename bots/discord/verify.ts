import { createPublicKey, verify, type KeyObject } from 'node:crypto';

/**
 * Discord signs every interaction with the application's Ed25519 key: the signature (hex, header
 * `X-Signature-Ed25519`) covers the timestamp (header `X-Signature-Timestamp`, unix seconds)
 * followed by the raw request body. Anything that does not verify is refused before it is parsed.
 *
 * @see https://discord.com/developers/docs/interactions/overview#setting-up-an-endpoint-validating-security-request-headers
 */

/** How old (or how far in the future) a signed timestamp may be: replay protection (PRODUCT.md). */
export const MAX_SKEW_MS = 5 * 60_000;

/** DER header of an Ed25519 SubjectPublicKeyInfo (RFC 8410); the 32 raw key bytes follow it. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** The key object for Discord's `DISCORD_PUBLIC_KEY` (64 hex characters = 32 raw bytes). */
export function publicKeyFromHex(hex: string): KeyObject {
  const raw = Buffer.from(hex, 'hex');
  if (raw.length !== 32 || raw.toString('hex') !== hex.toLowerCase()) throw new Error('DISCORD_PUBLIC_KEY must be 64 hex characters');
  return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

export type VerifyResult = { ok: true } | { ok: false; reason: 'missing_headers' | 'bad_signature' | 'stale' };

export interface SignedRequest {
  readonly signature: string | undefined;
  readonly timestamp: string | undefined;
  readonly body: Buffer;
}

export function verifyInteraction(key: KeyObject, req: SignedRequest, nowMs: number): VerifyResult {
  const { signature, timestamp } = req;
  if (!signature || !timestamp) return { ok: false, reason: 'missing_headers' };
  if (!/^[0-9a-f]{128}$/i.test(signature) || !/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'bad_signature' };
  const signed = Buffer.concat([Buffer.from(timestamp, 'utf8'), req.body]);
  if (!verify(null, signed, key, Buffer.from(signature, 'hex'))) return { ok: false, reason: 'bad_signature' };
  // Checked after the signature so the timestamp itself is known to come from Discord.
  if (Math.abs(nowMs - Number(timestamp) * 1000) > MAX_SKEW_MS) return { ok: false, reason: 'stale' };
  return { ok: true };
}
