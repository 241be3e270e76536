import { describe, expect, test } from 'vitest';
import { eventBody, FORM, JSON_TYPE, signed, slashCommandBody } from '../emulators/slack-requests.ts';
import { SIGNING_SECRET, startSlackHarness } from './harness.ts';

/**
 * `POST /slack/events` refuses what Slack did not sign, or signed more than five minutes ago
 * (401, and nothing happens: no run, no Slack call); bad input gets a private answer and
 * changes nothing.
 */

const h = await startSlackHarness({});
const { slack } = h;
const compare = () => slashCommandBody({ text: 'compare B0799CK52K B074M5HPBD', channelId: 'C_SEC', responseUrl: slack.responseUrl() });

async function nothingHappened(): Promise<void> {
  // Give a wrongly accepted request time to show its effects before asserting there are none.
  await new Promise((r) => setTimeout(r, 300));
  expect(await h.runCount()).toBe(0);
  expect(slack.calls).toHaveLength(0);
  expect(slack.responses).toHaveLength(0);
}

describe('request signatures', () => {
  test('a bad signature is refused with 401 and nothing is created', async () => {
    const res = await h.send(compare(), FORM, { secret: 'not-the-signing-secret' });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error: 'signature_invalid' });
    await nothingHappened();
  });

  test('a 6-minute-old timestamp is refused with 401 even with a valid signature', async () => {
    const res = await h.send(compare(), FORM, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    expect(res.statusCode).toBe(401);
    await nothingHappened();
  });

  test('a body altered after signing, missing headers, and a timestamp from the future are refused', async () => {
    const req = signed(SIGNING_SECRET, compare(), FORM);
    const altered = await h.app.inject({ ...req, payload: req.payload.replace('B074M5HPBD', 'B07GTFSCHB') });
    expect(altered.statusCode).toBe(401);
    const bare = await h.app.inject({ method: 'POST', url: '/slack/events', headers: { 'content-type': FORM }, payload: compare() });
    expect(bare.statusCode).toBe(401);
    const future = await h.send(compare(), FORM, { timestamp: Math.floor(Date.now() / 1000) + 6 * 60 });
    expect(future.statusCode).toBe(401);
    await nothingHappened();
  });

  test('the URL verification challenge is answered only when signed', async () => {
    const body = JSON.stringify({ type: 'url_verification', challenge: 'c-123', token: 'x' });
    expect((await h.send(body, JSON_TYPE)).json()).toEqual({ challenge: 'c-123' });
    expect((await h.send(body, JSON_TYPE, { secret: 'wrong' })).statusCode).toBe(401);
  });

  test('secrets never reach the logs', () => {
    const log = h.logLines().join('\n');
    expect(log).not.toContain(SIGNING_SECRET);
    expect(log).not.toMatch(/xoxb-[A-Za-z0-9]/);
  });
});

describe('bad input', () => {
  test('an invalid ASIN gets a private error in the acknowledgement, and no run or root message', async () => {
    const res = await h.command('compare B0BAD B074M5HPBD', { channelId: 'C_SEC' });
    expect(res.statusCode).toBe(200);
    const reply = res.json();
    expect(reply.response_type).toBe('ephemeral');
    expect(reply.text).toMatch(/Listing A: .*ASIN/i);
    await nothingHappened();
  });

  test.each([
    ['compare https://www.amazon.co.uk/dp/B0799CK52K B074M5HPBD', /only amazon\.com/i],
    ['compare https://a.co/d/abc B074M5HPBD', /full amazon\.com URL/i],
    ['compare B0799CK52K B0799CK52K', /same listing/i],
    ['compare B0799CK52K', /needs two listings/i],
    ['frobnicate', /Unknown subcommand/],
  ])('%s → a private refusal that changes nothing', async (text, message) => {
    const res = await h.command(text, { channelId: 'C_SEC' });
    expect(res.json()).toMatchObject({ response_type: 'ephemeral' });
    expect(res.json().text).toMatch(message);
    await nothingHappened();
  });

  test('usage lines are escaped: `<A>` does not become a Slack link', async () => {
    const res = await h.command('compare', { channelId: 'C_SEC' });
    expect(res.json().text).toContain('&lt;A&gt; &lt;B&gt;');
  });

  test('a retried event is acknowledged and not processed again; an unhandled event is still acknowledged', async () => {
    const body = eventBody('T_TEAM', { type: 'app_mention', user: 'U1', text: 'hi', channel: 'C_SEC', ts: '1.2' });
    const first = await h.send(body, JSON_TYPE);
    expect(first.statusCode).toBe(200);
    const retried = await h.send(body, JSON_TYPE, { retryNum: 2 });
    expect(retried.statusCode).toBe(200);
    expect(retried.body).toBe('');
    await nothingHappened();
  });
});
