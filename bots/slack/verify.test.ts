import { describe, expect, test } from 'vitest';
import { slackSignature, verifySlackSignature } from './verify.ts';

const secret = '8f742231b10e8888abcd99yyyzzz85a5';
// Slack's documented example request.
const body = 'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
const ts = '1531420618';

describe('Slack request signatures (v0)', () => {
  test("matches Slack's documented example", () => {
    expect(slackSignature(secret, ts, body)).toBe('v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503');
  });

  const check = (over: Partial<Parameters<typeof verifySlackSignature>[0]>) =>
    verifySlackSignature({ signingSecret: secret, rawBody: Buffer.from(body), timestamp: ts, signature: slackSignature(secret, ts, body), nowMs: Number(ts) * 1000 + 1000, ...over });

  test('valid within the five-minute window, in either direction', () => {
    expect(check({})).toEqual({ ok: true });
    expect(check({ nowMs: (Number(ts) + 299) * 1000 })).toEqual({ ok: true });
    expect(check({ nowMs: (Number(ts) - 299) * 1000 })).toEqual({ ok: true });
  });

  test('refused: stale, altered, wrong secret, missing or malformed headers', () => {
    expect(check({ nowMs: (Number(ts) + 6 * 60) * 1000 })).toEqual({ ok: false, reason: 'stale_timestamp' });
    expect(check({ rawBody: Buffer.from(`${body}x`) })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(check({ signature: slackSignature('other', ts, body) })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(check({ signature: 'v0=short' })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(check({ signature: undefined })).toEqual({ ok: false, reason: 'missing_headers' });
    expect(check({ timestamp: 'yesterday' })).toEqual({ ok: false, reason: 'missing_headers' });
  });
});
