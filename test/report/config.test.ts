import { describe, expect, test } from 'vitest';
import { parseConfig } from '../../service/config/schema.ts';
import { secretsOf } from '../../service/main/env.ts';

const ENC = 'ab'.repeat(32);
const LINK = 'a-link-signing-key-of-forty-characters!!';

function config(env: Record<string, string>) {
  const r = parseConfig(env);
  if (!r.ok) throw new Error(r.errors.join('\n'));
  return r.config;
}

describe('LINK_SIGNING_KEY', () => {
  test('set with PUBLIC_URL: report links signed with its bytes, at PUBLIC_URL', () => {
    const c = config({ LINK_SIGNING_KEY: LINK, PUBLIC_URL: 'https://ll.example.com/' });
    expect(c.reportLinks?.key.toString('utf8')).toBe(LINK);
    expect(c.reportLinks?.baseUrl).toBe('https://ll.example.com');
  });

  test('unset: derived from ENCRYPTION_KEY (never the same bytes); neither set, or no PUBLIC_URL: off', () => {
    const derived = config({ ENCRYPTION_KEY: ENC, PUBLIC_URL: 'https://ll.example.com' }).reportLinks;
    expect(derived?.key).toHaveLength(32);
    expect(derived?.key.equals(Buffer.from(ENC, 'hex'))).toBe(false);
    expect(config({ ENCRYPTION_KEY: ENC.toUpperCase(), PUBLIC_URL: 'https://x.example' }).reportLinks?.key.equals(derived!.key)).toBe(true);
    expect(config({ PUBLIC_URL: 'https://ll.example.com' }).reportLinks).toBeUndefined();
    expect(config({ LINK_SIGNING_KEY: LINK }).reportLinks).toBeUndefined();
    expect(config({ LINK_SIGNING_KEY: '', PUBLIC_URL: 'https://ll.example.com' }).reportLinks).toBeUndefined();
  });

  test('shorter than 32 characters: refused with the variable named and the rule, never the value', () => {
    const r = parseConfig({ LINK_SIGNING_KEY: 'too-short-secret', PUBLIC_URL: 'https://ll.example.com' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const text = r.errors.join('\n');
    expect(text).toMatch(/LINK_SIGNING_KEY: must be at least 32 characters/);
    expect(text).not.toContain('too-short-secret');
  });

  test('is a configured secret: scrubbed from logs', () => {
    const c = config({ LINK_SIGNING_KEY: LINK, PUBLIC_URL: 'https://ll.example.com' });
    expect(secretsOf(c)).toContain(LINK);
  });
});
