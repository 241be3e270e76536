import { randomBytes, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { deriveKey, signCapability, verifyCapability } from '../../service/support/capability-token.ts';

const key = randomBytes(32);
const now = new Date('2026-03-01T12:00:00Z');
const later = new Date('2026-03-31T12:00:00Z');
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

describe('capability tokens', () => {
  test('a token names its id until it expires; a UUID token is 50 URL-safe characters', () => {
    const id = randomUUID();
    const token = signCapability(key, 'report', id, later);
    expect(token).toMatch(/^[A-Za-z0-9_-]{50}$/);
    expect(verifyCapability(key, 'report', token, now)).toEqual({ id, expiresAt: later });
    expect(verifyCapability(key, 'report', token, new Date(later.getTime() - 1000))?.id).toBe(id);
  });

  test('expired, another kind, another key, truncated, extended, empty, junk: all refused alike', () => {
    const token = signCapability(key, 'report', randomUUID(), later);
    expect(verifyCapability(key, 'report', token, later)).toBeUndefined();
    expect(verifyCapability(key, 'export', token, now)).toBeUndefined();
    expect(verifyCapability(randomBytes(32), 'report', token, now)).toBeUndefined();
    for (let n = 0; n < token.length; n++) expect(verifyCapability(key, 'report', token.slice(0, n), now)).toBeUndefined();
    expect(verifyCapability(key, 'report', `${token}A`, now)).toBeUndefined();
    expect(verifyCapability(key, 'report', `${token}AAAA`, now)).toBeUndefined();
    expect(verifyCapability(key, 'report', `${token}=`, now)).toBeUndefined();
    expect(verifyCapability(key, 'report', token.replace(/.$/, '.'), now)).toBeUndefined();
    expect(verifyCapability(key, 'report', '../../etc/passwd', now)).toBeUndefined();
  });

  test('string ids round-trip; keys shorter than 32 bytes are refused', () => {
    const token = signCapability(key, 'export', 'workspace:T123/2026-03', later);
    expect(verifyCapability(key, 'export', token, now)?.id).toBe('workspace:T123/2026-03');
    expect(() => signCapability(randomBytes(31), 'report', 'x', later)).toThrow(/at least 32 bytes/);
    expect(() => signCapability(key, 'report', '', later)).toThrow(RangeError);
  });

  test('a derived key is stable per purpose and differs from its source and other purposes', () => {
    const secret = randomBytes(32);
    expect(deriveKey(secret, 'report links').equals(deriveKey(secret, 'report links'))).toBe(true);
    expect(deriveKey(secret, 'report links').equals(deriveKey(secret, 'exports'))).toBe(false);
    expect(deriveKey(secret, 'report links').equals(secret)).toBe(false);
    expect(deriveKey(secret, 'report links')).toHaveLength(32);
  });

  test('property: any change to a valid token (one character, several, cut, grown) fails verification', () => {
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), by: fc.integer({ min: 1, max: ALPHABET.length - 1 }) }),
      fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), char: fc.constantFrom(...ALPHABET) }),
    );
    fc.assert(
      fc.property(fc.uuid({ version: 4 }), fc.array(mutation, { minLength: 1, maxLength: 4 }), (id, mutations) => {
        const token = signCapability(key, 'report', id, later);
        let mutated = token;
        for (const m of mutations) {
          const at = m.at % (mutated.length + (m.kind === 'insert' ? 1 : 0) || 1);
          if (m.kind === 'replace' && mutated.length) {
            const c = ALPHABET[(ALPHABET.indexOf(mutated[at]!) + m.by) % ALPHABET.length]!;
            mutated = mutated.slice(0, at) + c + mutated.slice(at + 1);
          } else if (m.kind === 'cut') mutated = mutated.slice(0, at) + mutated.slice(at + 1);
          else if (m.kind === 'insert') mutated = mutated.slice(0, at) + m.char + mutated.slice(at);
        }
        if (mutated === token) return; // mutations that cancel out (a cut then the same insert) are not changes
        expect(verifyCapability(key, 'report', mutated, now)).toBeUndefined();
      }),
      { numRuns: 2000 },
    );
  });
});
