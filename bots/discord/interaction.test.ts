import { readFileSync } from 'node:fs';
import { ApplicationCommandOptionType } from 'discord-api-types/v10';
import { describe, expect, test } from 'vitest';
import { commandFromOptions } from '../shared/command-grammar.ts';
import { listingCommand } from './commands.ts';
import { customId, parseCustomId, type Action } from './components.ts';
import { CommandDataSchema, InteractionSchema, invocationOf, modalValues, originOf, workspaceOf } from './interaction.ts';

const fixture = JSON.parse(readFileSync(new URL('../../test/fixtures/discord/application-commands_L500_type2_cardsearch.json', import.meta.url), 'utf8')) as Record<string, unknown>;

describe('interaction payloads', () => {
  test('a real payload parses; workspace = guild, origin keeps token, channel and a 15-minute expiry', () => {
    const i = InteractionSchema.parse({ ...fixture, application_id: '775799577604522054' });
    expect(workspaceOf({ ...i, userId: '53908232506183680' })).toEqual({ platform: 'discord', externalId: '290926798626357999' });
    expect(originOf(i, 1000)).toEqual({
      platform: 'discord',
      applicationId: '775799577604522054',
      interactionToken: 'A_UNIQUE_TOKEN',
      tokenExpiresAt: 1000 + 15 * 60_000,
      channelId: '645027906669510667',
      guildId: '290926798626357999',
      userId: '53908232506183680',
    });
  });

  test('in a DM the workspace is the user', () => {
    expect(workspaceOf({ userId: '42' })).toEqual({ platform: 'discord', externalId: 'dm:42' });
  });

  test('subcommands and groups flatten to a path and options', () => {
    const data = CommandDataSchema.parse({
      name: 'listing',
      options: [{ name: 'experiment', type: 2, options: [{ name: 'save', type: 1, options: [{ name: 'job', type: 3, value: 'abcdef12' }] }] }],
    });
    expect(invocationOf(data)).toEqual({ path: ['experiment', 'save'], options: { job: 'abcdef12' } });
  });

  test('modal values are read from action rows and from label components', () => {
    expect(modalValues([{ type: 1, components: [{ type: 4, custom_id: 'title', value: 'T' }] }, { type: 18, component: { type: 4, custom_id: 'images', value: 'u' } }])).toEqual({ title: 'T', images: 'u' });
  });
});

describe('the registered command matches the shared grammar', () => {
  const def = listingCommand({ draft: true, experiments: true });
  test('draft takes optional brand and product_type after its photos; brand is a group of add, remove, list', () => {
    const draft = def.options!.find((o) => o.name === 'draft')!;
    const names = 'options' in draft ? (draft.options ?? []).map((o) => [o.name, o.required]) : [];
    expect(names.slice(-2)).toEqual([['brand', false], ['product_type', false]]);
    const brand = def.options!.find((o) => o.name === 'brand')!;
    expect(brand.type).toBe(ApplicationCommandOptionType.SubcommandGroup);
    expect('options' in brand && brand.options?.map((o) => o.name)).toEqual(['add', 'remove', 'list']);
  });

  test('names ≤ 32 characters, descriptions and choice names ≤ 100, everything together ≤ 8000', () => {
    let total = 0;
    const visit = (o: { name: string; description?: string | undefined; options?: unknown[] | undefined; choices?: { name: string }[] | undefined }) => {
      expect(o.name.length, o.name).toBeLessThanOrEqual(32);
      expect((o.description ?? '').length, o.name).toBeLessThanOrEqual(100);
      total += o.name.length + (o.description ?? '').length;
      for (const c of o.choices ?? []) {
        expect(c.name.length).toBeLessThanOrEqual(100);
        total += c.name.length;
      }
      for (const child of o.options ?? []) visit(child as typeof o);
    };
    visit(def);
    expect(total).toBeLessThanOrEqual(8000);
  });

  test('every subcommand registered is one the grammar knows, with the option names it reads', () => {
    const samples: Record<string, Record<string, string | boolean>> = {
      compare: { a: 'B0799CK52K', b: 'B074M5HPBD', fresh: true },
      buy: { pack: 'starter' },
      status: { job: 'abcdef12' },
      help: { topic: 'compare' },
      'experiment save': { job: 'abcdef12', name: 'new title' },
      'experiment show': { id: 'abcdef12' },
      'experiment pin': { id: 'abcdef12' },
      'experiment unpin': { id: 'abcdef12' },
      'experiment rerun': { id: 'abcdef12', tags: 'title, main-image' },
      'brand add': { brand: 'Starter' },
      'brand remove': { brand: 'B0799CK52K' },
      draft: { brand: 'Starter', product_type: 'duffel bag' },
      outcome: { job: 'abcdef12', result: 'B', click: 'tie', note: '2-week A/B test' },
    };
    const paths: string[] = [];
    for (const o of def.options ?? []) {
      if (o.type === ApplicationCommandOptionType.SubcommandGroup) for (const s of o.options ?? []) paths.push(`${o.name} ${s.name}`);
      else paths.push(o.name);
    }
    expect(paths).toEqual(expect.arrayContaining(['compare', 'credits', 'buy', 'history', 'status', 'help', 'draft', 'brand add', 'brand remove', 'brand list', 'outcome', 'calibration', 'data export', 'data delete']));
    for (const path of paths) {
      const parsed = commandFromOptions(path, samples[path] ?? {});
      expect(parsed.ok, `${path}: ${parsed.ok ? '' : parsed.error.message}`).toBe(true);
    }
  });

  test('compare takes strings a and b, boolean fresh and a mine choice; buy offers the packs as choices', () => {
    const compare = listingCommand().options!.find((o) => o.name === 'compare')!;
    expect('options' in compare && compare.options?.map((o) => [o.name, o.type, o.required])).toEqual([
      ['a', ApplicationCommandOptionType.String, true],
      ['b', ApplicationCommandOptionType.String, true],
      ['fresh', ApplicationCommandOptionType.Boolean, false],
      ['mine', ApplicationCommandOptionType.String, false],
    ]);
    expect(JSON.stringify(compare)).toContain('"choices":[{"name":"A — the first listing","value":"A"},{"name":"B — the second listing","value":"B"}]');
    for (const { value } of [{ value: 'A' }, { value: 'B' }]) {
      expect(commandFromOptions('compare', { a: 'B0799CK52K', b: 'B074M5HPBD', mine: value })).toMatchObject({ ok: true, value: { mine: value } });
    }
    const buy = listingCommand().options!.find((o) => o.name === 'buy')!;
    expect(JSON.stringify(buy)).toContain('"choices":[{"name":"starter","value":"starter"},{"name":"team","value":"team"},{"name":"agency","value":"agency"}]');
    expect(listingCommand().options!.map((o) => o.name)).not.toContain('draft');
  });
});

describe('custom ids', () => {
  test('round-trip, stay ≤ 100 characters, and refuse anything we did not make', () => {
    const actions: Action[] = [
      { kind: 'rerun', a: 'B0799CK52K', b: 'B074M5HPBD' },
      { kind: 'save', runId: '3f2a9c1e-8b7d-4e21-9a6f-0c5d4b3a2e1f' },
      { kind: 'buy' },
      { kind: 'manual', runId: '3f2a9c1e-8b7d-4e21-9a6f-0c5d4b3a2e1f', side: 'B' },
    ];
    for (const a of actions) {
      expect(customId(a).length).toBeLessThanOrEqual(100);
      expect(parseCustomId(customId(a))).toEqual(a);
    }
    for (const bad of ['ll:rerun:B0799CK52K', 'll:rerun:x:y', 'll:buy:extra', 'xx:buy', 'll:manual:abc:C', 'll:save:DROP TABLE']) expect(parseCustomId(bad)).toBeUndefined();
  });
});
