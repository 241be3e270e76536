import { describe, expect, test } from 'vitest';
import type { APIEmbed } from 'discord-api-types/v10';
import { finishedView, runningView } from '../../test/discord/views.ts';
import { embedLength, fitMessage, LIMITS } from './limits.ts';
import { renderRoot, renderStageDetail, type DiscordMessage } from './render.ts';
import { responseFor } from './replies.ts';
import { parseCustomId } from './components.ts';

/** Every message we render must be one Discord accepts (it refuses the whole message otherwise). */
function expectWithinLimits(m: { content?: string; embeds?: APIEmbed[] }) {
  const len = (s: string | undefined) => [...(s ?? '')].length;
  expect(len(m.content)).toBeLessThanOrEqual(LIMITS.content);
  const embeds = m.embeds ?? [];
  expect(embeds.length).toBeLessThanOrEqual(LIMITS.embeds);
  for (const e of embeds) {
    expect(len(e.title)).toBeLessThanOrEqual(LIMITS.title);
    expect(len(e.description)).toBeLessThanOrEqual(LIMITS.description);
    expect(len(e.footer?.text)).toBeLessThanOrEqual(LIMITS.footer);
    expect((e.fields ?? []).length).toBeLessThanOrEqual(LIMITS.fields);
    for (const f of e.fields ?? []) {
      expect(len(f.name)).toBeLessThanOrEqual(LIMITS.fieldName);
      expect(len(f.value)).toBeLessThanOrEqual(LIMITS.fieldValue);
      expect(len(f.value)).toBeGreaterThan(0);
    }
  }
  expect(embeds.reduce((n, e) => n + embedLength(e), 0)).toBeLessThanOrEqual(LIMITS.total);
}

const customIds = (m: DiscordMessage) => m.components.flatMap((r) => r.components).map((c) => ('custom_id' in c ? c.custom_id : ''));

describe('root message', () => {
  test('a finished run states its verdict: `Verdict: <ASIN> wins …`', () => {
    const m = renderRoot(finishedView({ winner: 'B' }));
    expect(m.content).toMatch(/^Verdict: B074M5HPBD wins — B0799CK52K vs B074M5HPBD: A 7\.4 vs B 6\.1 out of 10, a likely win \(job `3f2a9c1e`\)/);
    expect(renderRoot(finishedView({ winner: 'tie' })).content).toMatch(/^Verdict: tie — /);
  });

  test('buttons: Re-run fresh, Save as experiment and Record real result when finished; Buy credits only when low', () => {
    const v = finishedView();
    expect(customIds(renderRoot(v))).toEqual([`ll:rerun:B0799CK52K:B074M5HPBD:${v.id}`, `ll:save:${v.id}`, `ll:outcome:${v.id}`]);
    expect(customIds(renderRoot(v, { lowCredits: true }))).toContain('ll:buy');
    expect(customIds(renderRoot(runningView()))).toEqual([]);
  });

  test('a running run says how far it got; listing text can never ping anyone', () => {
    const m = renderRoot(runningView());
    expect(m.content).toMatch(/^Comparing B0799CK52K vs B074M5HPBD — 1 of 6 stages done/);
    expect(m.allowed_mentions).toEqual({ parse: [] });
  });

  test('the largest run the schemas allow still fits Discord’s limits', () => {
    expectWithinLimits(renderRoot(finishedView({ huge: true })));
  });
});

describe('stage detail cards', () => {
  test.each(['acquire', 'ctr', 'pdp', 'text', 'avatars', 'verdict'])('%s fits Discord’s limits at its largest', (name) => {
    const v = finishedView({ huge: true });
    const m = renderStageDetail(v, v.stages.find((s) => s.name === name)!);
    expectWithinLimits(m);
    expect(m.embeds[0]!.fields?.length ?? 0).toBeGreaterThan(0);
  });

  test('a failed stage says why and what was refunded', () => {
    const v = finishedView();
    const m = renderStageDetail(v, { ...v.stages[1]!, status: 'failed', output: null, error: { code: 'provider_failed', message: 'model timed out' } });
    expect(m.embeds[0]!.description).toMatch(/Failed: model timed out\nIts 3 credits were refunded/);
  });
});

describe('fitMessage', () => {
  const big = (n: number) => 'x'.repeat(n);
  test('clips every text to its limit and drops what is over count', () => {
    const m = fitMessage({
      content: big(5000),
      embeds: Array.from({ length: 12 }, () => ({ title: big(300), description: big(5000), footer: { text: big(3000) }, fields: Array.from({ length: 30 }, () => ({ name: big(300), value: big(2000) })) })),
    });
    expectWithinLimits(m);
    expect(m.content.endsWith('…')).toBe(true);
    expect(m.embeds[0]!.title).toHaveLength(LIMITS.title);
  });

  test('keeps a message that already fits unchanged', () => {
    const msg = { content: 'hi', embeds: [{ title: 't', description: 'd', fields: [{ name: 'n', value: 'v' }] }] };
    expect(fitMessage(msg)).toEqual(msg);
  });

  test('never cuts a surrogate pair in half', () => {
    const m = fitMessage({ content: '😀'.repeat(2500) });
    expect([...m.content]).toHaveLength(LIMITS.content);
    expect(m.content.isWellFormed()).toBe(true);
  });
});

describe('replies', () => {
  test('a checkout link says where the credits go: this server, or the asker’s DMs', () => {
    const reply = { kind: 'checkout', url: 'https://checkout.stripe.test/c/pay/cs_1', pack: { id: 'starter', credits: 100, priceCents: 900, currency: 'usd' } } as const;
    const content = (inDm: boolean) => {
      const r = responseFor(reply, { name: 'buy' }, { lowCreditsBelow: 10, inDm });
      return 'data' in r && r.data && 'content' in r.data ? r.data.content : undefined;
    };
    expect(content(false)).toMatch(/the credits go to this server once paid/);
    expect(content(true)).toMatch(/the credits go to your DMs once paid/);
  });
});

describe('whose listing', () => {
  test('with mine set the headline speaks to the seller, only their fixes show, and Re-run fresh keeps the side', () => {
    const m = renderRoot(finishedView({ mine: 'B' }));
    expect(m.content).toMatch(/^Verdict: your listing loses the click and the sale to B0799CK52K; overall you lose — A 7\.4 vs B 6\.1 out of 10, a likely loss /);
    const text = JSON.stringify(m.embeds);
    expect(text).toContain('Your fixes (B074M5HPBD)');
    expect(text).toContain('Where you can beat B0799CK52K');
    expect(text).not.toMatch(/Fixes for [AB] \(/);
    const rerun = m.components.flatMap((r) => r.components).find((c) => 'custom_id' in c && c.custom_id.startsWith('ll:rerun:'));
    expect(rerun && 'custom_id' in rerun ? parseCustomId(rerun.custom_id) : undefined).toMatchObject({ kind: 'rerun', mine: 'B' });
  });

  test('a custom_id with a side that is not A or B is refused', () => {
    expect(parseCustomId('ll:rerun:B0799CK52K:B074M5HPBD:3f2a9c1e-8b7d-4e21-9a6f-0c5d4b3a2e1f:C')).toBeUndefined();
  });
});

describe('confidence in words', () => {
  test('a close call says so and suggests a real test whose result can be recorded; a likely win does not', () => {
    const tie = JSON.stringify(renderRoot(finishedView({ winner: 'tie' })).embeds);
    expect(tie).toContain('A close call:');
    expect(tie).toContain('Manage Your Experiments');
    expect(tie).toContain('/listing outcome 3f2a9c1e A|B|tie');
    const likely = renderRoot(finishedView({ winner: 'A' }));
    expect(likely.content).toContain('a likely win');
    expect(JSON.stringify(likely.embeds)).not.toContain('Manage Your Experiments');
  });
});

describe('presentation orders', () => {
  test('a stage whose answer changed with the order says so on the root and on its card', () => {
    const base = finishedView();
    const v = { ...base, stages: base.stages.map((s) => (s.name === 'ctr' ? { ...s, orders: 'order-sensitive' as const } : s)) };
    expect(JSON.stringify(renderRoot(v).embeds)).toContain('order-sensitive: the answer changed with which listing was shown first');
    const ctr = v.stages.find((s) => s.name === 'ctr')!;
    expect(JSON.stringify(renderStageDetail(v, ctr).embeds)).toContain('order-sensitive');
    expect(JSON.stringify(renderRoot(base).embeds)).not.toContain('order-sensitive');
  });
});
