import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/**
 * Capability tokens: an unguessable link to one thing (a run's report page; export links later)
 * that needs no login. Whoever holds the token may read what it names until it expires; nothing
 * is stored, so a token is revoked only by deleting what it names or by changing the key.
 *
 * Format (base64url, no padding): `format ‖ id ‖ expiry ‖ mac`
 * - format: one byte, `u` (the id is a UUID, 16 bytes) or `s` (the id's UTF-8 bytes, 1–64);
 * - expiry: whole seconds since the epoch, 4 bytes big-endian (up to the year 2106);
 * - mac: the first 16 bytes (128 bits) of HMAC-SHA256(key, domain ‖ kind ‖ 0 ‖ format ‖ id ‖ expiry).
 *
 * The kind ("report", "export" …) is signed but not carried: a token minted for one kind never
 * verifies as another. Verification accepts only the canonical encoding (so no two strings name
 * the same token), compares the MAC in constant time, and says nothing about why a token failed.
 */

const DOMAIN = 'listinglab capability v1\0';
const MAC_BYTES = 16;
const EXPIRY_BYTES = 4;
const MAX_ID_BYTES = 64;
/** The shortest key `signCapability` accepts: 32 bytes (LINK_SIGNING_KEY: at least 32 characters). */
export const MIN_KEY_BYTES = 32;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

export interface Capability {
  readonly id: string;
  readonly expiresAt: Date;
}

function idBytes(id: string): { format: number; bytes: Buffer } {
  const lower = id.toLowerCase();
  if (UUID.test(lower) && lower === id) return { format: 0x75 /* u */, bytes: Buffer.from(lower.replaceAll('-', ''), 'hex') };
  const bytes = Buffer.from(id, 'utf8');
  if (bytes.length === 0 || bytes.length > MAX_ID_BYTES) throw new RangeError(`a capability id is 1–${MAX_ID_BYTES} bytes`);
  return { format: 0x73 /* s */, bytes };
}

function idOf(format: number, bytes: Buffer): string | undefined {
  if (format === 0x75) {
    if (bytes.length !== 16) return undefined;
    const h = bytes.toString('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
  if (format === 0x73 && bytes.length >= 1 && bytes.length <= MAX_ID_BYTES) {
    const id = bytes.toString('utf8');
    // A string id that reads as a UUID is always encoded as one: another encoding is not canonical.
    return Buffer.from(id, 'utf8').equals(bytes) && !UUID.test(id) ? id : undefined;
  }
  return undefined;
}

function mac(key: Buffer, kind: string, body: Buffer): Buffer {
  return createHmac('sha256', key).update(DOMAIN).update(kind).update('\0').update(body).digest().subarray(0, MAC_BYTES);
}

function checkKey(key: Buffer): void {
  if (key.length < MIN_KEY_BYTES) throw new RangeError(`a capability key is at least ${MIN_KEY_BYTES} bytes`);
}

/**
 * A token for `id` of `kind`, valid until `expiresAt` (whole seconds, rounded down). Lowercase
 * UUIDs take 16 bytes (a 50-character token); other ids are carried as UTF-8 (at most 64 bytes).
 */
export function signCapability(key: Buffer, kind: string, id: string, expiresAt: Date): string {
  checkKey(key);
  const { format, bytes } = idBytes(id);
  const seconds = Math.floor(expiresAt.getTime() / 1000);
  if (!Number.isSafeInteger(seconds) || seconds < 0 || seconds > 0xffffffff) throw new RangeError('expiry out of range');
  const expiry = Buffer.alloc(EXPIRY_BYTES);
  expiry.writeUInt32BE(seconds);
  const body = Buffer.concat([Buffer.of(format), bytes, expiry]);
  return Buffer.concat([body, mac(key, kind, body)]).toString('base64url');
}

/**
 * What a token of `kind` names, or undefined for any token that is not one we signed with `key`
 * for that kind, or that expired by `now`: malformed, altered, truncated, another kind's, expired
 * all look the same to the caller (and so to whoever sent it).
 */
export function verifyCapability(key: Buffer, kind: string, token: string, now: Date): Capability | undefined {
  checkKey(key);
  if (token.length > 200 || !BASE64URL.test(token)) return undefined;
  const raw = Buffer.from(token, 'base64url');
  // Only the canonical spelling: base64url's last character carries unused bits that decoding ignores.
  if (raw.toString('base64url') !== token) return undefined;
  if (raw.length < 1 + 1 + EXPIRY_BYTES + MAC_BYTES) return undefined;
  const body = raw.subarray(0, raw.length - MAC_BYTES);
  const expected = mac(key, kind, body);
  if (!timingSafeEqual(expected, raw.subarray(raw.length - MAC_BYTES))) return undefined;
  const id = idOf(body[0]!, body.subarray(1, body.length - EXPIRY_BYTES));
  const expiresAt = new Date(body.readUInt32BE(body.length - EXPIRY_BYTES) * 1000);
  if (id === undefined || expiresAt.getTime() <= now.getTime()) return undefined;
  return { id, expiresAt };
}

/**
 * A signing key derived from another secret (HKDF-SHA256) for one purpose, so the two keys are
 * independent: knowing the link key tells nothing about the key it came from.
 */
export function deriveKey(secret: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), `listinglab ${purpose}`, 32));
}
