import { randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { openSecret, sealSecret, SecretBoxError } from './secret-box.ts';

const key = randomBytes(32);
const token = 'xoxb-1234-5678-abcdefghijklmnop';

describe('secret box (AES-256-GCM)', () => {
  test('round trip; the plaintext is not in the sealed bytes; each seal differs', () => {
    const a = sealSecret(key, token, 'slack:T1');
    const b = sealSecret(key, token, 'slack:T1');
    expect(openSecret(key, a, 'slack:T1')).toBe(token);
    expect(a.includes(Buffer.from(token))).toBe(false);
    expect(a.equals(b)).toBe(false);
  });

  test('a flipped bit anywhere is refused', () => {
    const sealed = sealSecret(key, token, 'slack:T1');
    for (const i of [1, 14, 30, sealed.length - 1]) {
      const bad = Buffer.from(sealed);
      bad[i] = bad[i]! ^ 0x01;
      expect(() => openSecret(key, bad, 'slack:T1')).toThrow(SecretBoxError);
    }
  });

  test('another row (context), another key, a truncated or unversioned box are refused, without leaking', () => {
    const sealed = sealSecret(key, token, 'slack:T1');
    expect(() => openSecret(key, sealed, 'slack:T2')).toThrow(SecretBoxError);
    expect(() => openSecret(randomBytes(32), sealed, 'slack:T1')).toThrow(SecretBoxError);
    expect(() => openSecret(key, sealed.subarray(0, 20), 'slack:T1')).toThrow(/not a sealed secret/);
    const unversioned = Buffer.from(sealed);
    unversioned[0] = 9;
    expect(() => openSecret(key, unversioned, 'slack:T1')).toThrow(SecretBoxError);
    try {
      openSecret(key, sealed, 'slack:T2');
    } catch (e) {
      expect(String(e)).not.toContain(token);
      expect(String(e)).not.toContain(key.toString('hex'));
    }
  });

  test('a key that is not 32 bytes is refused', () => {
    expect(() => sealSecret(randomBytes(16), token, 'x')).toThrow(/32 bytes/);
  });
});
