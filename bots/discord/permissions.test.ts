import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { InteractionSchema } from './interaction.ts';
import { adminOnly, isAdmin } from './permissions.ts';

// The older docs example lacks application_id, which every real interaction carries.
const fixture = (name: string) =>
  InteractionSchema.parse({ application_id: '775799577604522054', ...JSON.parse(readFileSync(new URL(`../../test/fixtures/discord/${name}`, import.meta.url), 'utf8')) });

const member = (permissions: bigint) => ({ guild_id: '1', member: { user: { id: '2' }, permissions: String(permissions) } });

describe('isAdmin', () => {
  test('ADMINISTRATOR or MANAGE_GUILD in the member’s permissions make an admin', () => {
    expect(isAdmin(member(1n << 3n))).toBe(true);
    expect(isAdmin(member(1n << 5n))).toBe(true);
    expect(isAdmin(member((1n << 10n) | (1n << 11n) | (1n << 40n)))).toBe(false);
    expect(isAdmin(member(0n))).toBe(false);
  });

  test('real payloads: the fixtures’ members hold every permission', () => {
    expect(isAdmin(fixture('application-commands_L500_type2_cardsearch.json'))).toBe(true);
    expect(isAdmin(fixture('application-commands_L854_type2_context-menu-user-2.json'))).toBe(true);
  });

  test('in a DM the user is the whole workspace; a guild payload without permissions is not an admin', () => {
    expect(isAdmin({})).toBe(true);
    expect(isAdmin({ guild_id: '1', member: { user: { id: '2' } } })).toBe(false);
  });
});

describe('adminOnly', () => {
  test('pinning experiments is for admins; comparing, buying and reading are for everyone', () => {
    expect(adminOnly({ name: 'experiment', action: 'pin', id: 'abcdef12' })).toBe(true);
    expect(adminOnly({ name: 'experiment', action: 'unpin', id: 'abcdef12' })).toBe(true);
    expect(adminOnly({ name: 'buy' })).toBe(false);
    expect(adminOnly({ name: 'compare', a: 'B0799CK52K', b: 'B074M5HPBD', fresh: true })).toBe(false);
    expect(adminOnly({ name: 'experiment', action: 'list' })).toBe(false);
  });
});
