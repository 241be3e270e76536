import { eq } from 'drizzle-orm';
import { describe, expect, test } from 'vitest';
import { runs } from '../../service/db/schema.ts';
import { startSlackHarness } from './harness.ts';

/** `/listing brand …` and `/listing compare … mine:A` from Slack: private answers, what is stored. */

const h = await startSlackHarness({});
const { slack } = h;

async function ask(text: string, teamId = 'T_BRANDS'): Promise<Record<string, unknown>> {
  const id = `r${Math.random().toString(36).slice(2)}`;
  const res = await h.command(text, { responseUrl: slack.responseUrl(id), teamId });
  expect(res.statusCode).toBe(200);
  if (res.body) return res.json(); // answered in the acknowledgement
  return (await slack.waitFor(() => slack.responses.find((r) => r.id === id), 20_000)).body;
}

describe('/listing brand', () => {
  test('add and list answer privately, saying what the list holds and what it does', async () => {
    const add = await ask('brand add Starter');
    expect(add['response_type']).toBe('ephemeral');
    expect(String(add['text'])).toContain('Comparisons where one side is Starter are now marked as yours.');
    const list = await ask('brand list');
    expect(list['response_type']).toBe('ephemeral');
    expect(String(list['text'])).toMatch(/^The brand list holds 1 of 50: Starter\./);
    expect(String((await ask('brand list', 'T_OTHER'))['text'])).toMatch(/^The brand list is empty/);
  });

  test('a bad value or action is refused in the acknowledgement', async () => {
    expect(String((await ask(`brand add ${'x'.repeat(101)}`))['text'])).toMatch(/at most 100 characters/);
    expect(String((await ask('brand rename Starter'))['text'])).toMatch(/Unknown brand action "rename"/);
  });
});

describe('/listing compare … mine:A', () => {
  test('stored on the run as asked; a bad value creates no run', async () => {
    const bad = await ask('compare B0799CK52K B074M5HPBD mine:C', 'T_MINE');
    expect(String(bad['text'])).toMatch(/A \(the first\) or B \(the second\), e\.g\. mine:A/);
    expect(await h.runCount()).toBe(0);
    await h.command('compare B0799CK52K B074M5HPBD MINE=a', { teamId: 'T_MINE', responseUrl: slack.responseUrl('mine-ok') });
    const deadline = Date.now() + 20_000;
    let stored: { mine: string | null; mineSource: string | null }[] = [];
    while (stored.length === 0 && Date.now() < deadline) {
      stored = await h.tdb.db.select({ mine: runs.mine, mineSource: runs.mineSource }).from(runs).where(eq(runs.dedupKey, 'compare:B0799CK52K:B074M5HPBD:mine=A'));
      if (stored.length === 0) await new Promise((r) => setTimeout(r, 50));
    }
    expect(stored).toEqual([{ mine: 'A', mineSource: 'asked' }]);
  });
});
