import { generateKeyPairSync, sign } from 'node:crypto';
import fc from 'fast-check';
import Stripe from 'stripe';
import { describe, expect, test } from 'vitest';
import { verifyInteraction } from '../../bots/discord/verify.ts';
import { slackSignature, verifySlackSignature } from '../../bots/slack/verify.ts';

/**
 * Webhook bodies and signature headers, fuzzed: verification never throws, never accepts a body
 * it was not signed for, and always accepts a correctly signed fresh one.
 */

const bytes = fc.uint8Array({ maxLength: 2_000 }).map((b) => Buffer.from(b));
const header = fc.option(fc.string({ maxLength: 200 }), { nil: undefined });
const NOW = 1_795_000_000_000;

describe('signature verification under fuzz', () => {
  test('Slack v0 HMAC', () => {
    fc.assert(
      fc.property(bytes, header, header, (body, timestamp, signature) => {
        const r = verifySlackSignature({ signingSecret: 'fuzz-secret', rawBody: body, timestamp, signature, nowMs: NOW });
        expect(r.ok).toBe(false);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(bytes, bytes, (body, other) => {
        const ts = String(NOW / 1000);
        const sig = slackSignature('fuzz-secret', ts, body);
        expect(verifySlackSignature({ signingSecret: 'fuzz-secret', rawBody: body, timestamp: ts, signature: sig, nowMs: NOW }).ok).toBe(true);
        if (!other.equals(body)) expect(verifySlackSignature({ signingSecret: 'fuzz-secret', rawBody: other, timestamp: ts, signature: sig, nowMs: NOW }).ok).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  test('Discord Ed25519', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    fc.assert(
      fc.property(bytes, header, header, (body, timestamp, signature) => {
        expect(verifyInteraction(publicKey, { body, timestamp, signature }, NOW).ok).toBe(false);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(bytes, bytes, (body, other) => {
        const ts = String(NOW / 1000);
        const signature = sign(null, Buffer.concat([Buffer.from(ts), body]), privateKey).toString('hex');
        expect(verifyInteraction(publicKey, { body, timestamp: ts, signature }, NOW).ok).toBe(true);
        if (!other.equals(body)) expect(verifyInteraction(publicKey, { body: other, timestamp: ts, signature }, NOW).ok).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  test('Stripe webhook signatures', () => {
    const stripe = new Stripe('sk_test_fuzz');
    const secret = 'whsec_fuzz';
    fc.assert(
      fc.property(fc.string({ maxLength: 500 }), fc.string({ maxLength: 200 }), (body, sig) => {
        expect(() => stripe.webhooks.constructEvent(body, sig, secret, 300)).toThrow();
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), (value) => {
        const payload = JSON.stringify({ id: 'evt_fuzz', object: 'event', type: 'x', data: { object: value } });
        const header = stripe.webhooks.generateTestHeaderString({ payload, secret });
        expect(stripe.webhooks.constructEvent(payload, header, secret, 300).id).toBe('evt_fuzz');
        expect(() => stripe.webhooks.constructEvent(`${payload} `, header, secret, 300)).toThrow();
      }),
      { numRuns: 100 },
    );
  });
});
