import { describe, expect, test } from 'vitest';
import { commandFromOptions, parseCommand } from './command-grammar.ts';
import { workspaceAdminOnly } from './permissions.ts';

describe('data export|delete', () => {
  test('Slack words and Discord paths give the same command', () => {
    for (const action of ['export', 'delete'] as const) {
      expect(parseCommand(`data ${action}`)).toEqual({ ok: true, value: { name: 'data', action } });
      expect(parseCommand(`DATA ${action.toUpperCase()}`)).toEqual({ ok: true, value: { name: 'data', action } });
      expect(commandFromOptions(`data ${action}`, {})).toEqual({ ok: true, value: { name: 'data', action } });
    }
  });

  test('no action, an unknown one or extra words are refused with the usage', () => {
    const none = parseCommand('data');
    expect(none.ok).toBe(false);
    if (!none.ok) expect(none.error.message).toMatch(/export or delete/);
    const unknown = parseCommand('data wipe');
    expect(unknown.ok).toBe(false);
    if (!unknown.ok) expect(unknown.error.message).toMatch(/Unknown data action "wipe"[\s\S]*\/listing data export/);
    const extra = parseCommand('data delete now');
    expect(extra.ok).toBe(false);
    if (!extra.ok) expect(extra.error.code).toBe('extra_argument');
    // The confirmation is a button's, never typed.
    expect(parseCommand('data confirm_delete 3f2a9c1e-0000-4000-8000-000000000000').ok).toBe(false);
    expect(commandFromOptions('data confirm_delete', {}).ok).toBe(false);
  });

  test('data commands are admin-only; nothing else is', () => {
    expect(workspaceAdminOnly({ name: 'data', action: 'export' })).toBe(true);
    expect(workspaceAdminOnly({ name: 'data', action: 'confirm_delete', id: 'x' })).toBe(true);
    expect(workspaceAdminOnly({ name: 'credits' })).toBe(false);
    expect(workspaceAdminOnly({ name: 'experiment', action: 'list' })).toBe(false);
  });
});
