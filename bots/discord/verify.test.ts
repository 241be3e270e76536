import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { publicKeyFromHex, verifyInteraction } from './verify.ts';

const { publicKey, privateKey } = generateKeyPairSync('ed25519');
const hex = publicKey.export({ format: 'der', type: 'spki' }).subarray(12).toString('hex');
const key = publicKeyFromHex(hex);
const now = 1_760_000_000_000;
const body = Buffer.from('{"type":1}');
const signed = (ts: number, b = body) => ({ timestamp: String(ts), signature: sign(null, Buffer.concat([Buffer.from(String(ts)), b]), privateKey).toString('hex'), body: b });

describe('Ed25519 interaction signatures', () => {
  test('a correct signature over timestamp + raw body verifies', () => {
    expect(verifyInteraction(key, signed(now / 1000), now)).toEqual({ ok: true });
  });

  test('a changed body, a changed timestamp or another key does not', () => {
    const s = signed(now / 1000);
    expect(verifyInteraction(key, { ...s, body: Buffer.from('{"type":2}') }, now)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyInteraction(key, { ...s, timestamp: String(now / 1000 + 1) }, now)).toEqual({ ok: false, reason: 'bad_signature' });
    const other = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' }).subarray(12).toString('hex');
    expect(verifyInteraction(publicKeyFromHex(other), s, now)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  test('missing or malformed headers are refused', () => {
    expect(verifyInteraction(key, { signature: undefined, timestamp: '1', body }, now).ok).toBe(false);
    expect(verifyInteraction(key, { signature: 'zz', timestamp: String(now / 1000), body }, now)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  test('older (or newer) than 5 minutes is refused even when signed: replay protection', () => {
    expect(verifyInteraction(key, signed(now / 1000 - 299), now).ok).toBe(true);
    expect(verifyInteraction(key, signed(now / 1000 - 301), now)).toEqual({ ok: false, reason: 'stale' });
    expect(verifyInteraction(key, signed(now / 1000 + 301), now)).toEqual({ ok: false, reason: 'stale' });
  });

  test('a public key that is not 64 hex characters is a configuration error', () => {
    expect(() => publicKeyFromHex('abcd')).toThrow(/64 hex/);
  });
});
