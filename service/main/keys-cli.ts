import { parseArgs } from 'node:util';
import { reencryptInstallations, type ReencryptResult } from '../app/workspaces/index.ts';
import type { Config } from '../config/schema.ts';
import type { Db } from '../db/client.ts';
import { openDatabase } from './database.ts';
import { loadConfig, loggerFor } from './env.ts';
import { createLifecycle } from './lifecycle.ts';

/**
 * `listinglab keys rotate` for operators: re-seals every installation token sealed with
 * ENCRYPTION_KEY_PREVIOUS under ENCRYPTION_KEY (the README's "Rotating ENCRYPTION_KEY" says when
 * to run it). Exit codes: 0 every token opens with ENCRYPTION_KEY, 1 some open with neither key
 * (listed by workspace), 2 bad usage or configuration. Nothing printed carries a key or a token.
 */

export const KEYS_USAGE = `Usage:
  listinglab keys rotate [--json]
      re-encrypt every installation token sealed with ENCRYPTION_KEY_PREVIOUS under ENCRYPTION_KEY;
      safe to run on a live service and to run again (a second run re-encrypts nothing).
      Exit 0 when every token now opens with ENCRYPTION_KEY, 1 when some open with neither key.`;

export function parseKeysArgs(args: readonly string[]): { ok: true; command: 'rotate' | 'help'; json: boolean } | { ok: false; error: string } {
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], allowPositionals: true, strict: true, options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
  const { positionals: p, values: v } = parsed;
  if (v.help || p[0] === 'help') return { ok: true, command: 'help', json: false };
  if (p[0] === 'rotate' && p.length === 1) return { ok: true, command: 'rotate', json: v.json === true };
  return { ok: false, error: p.length === 0 ? 'which keys command? (rotate)' : `unknown keys command "${p.join(' ')}"` };
}

export interface KeysIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/** Runs the rotation on an open database with the configured keys; prints the counts. */
export async function runKeysRotate(db: Db, config: Pick<Config, 'encryptionKey' | 'encryptionKeyPrevious'>, json: boolean, io: KeysIo): Promise<number> {
  const key = config.encryptionKey;
  if (!key) return noKey(io);
  const result = await reencryptInstallations({ db, key, previousKey: config.encryptionKeyPrevious });
  io.out(json ? `${JSON.stringify(result, null, 2)}\n` : rotateText(result, config.encryptionKeyPrevious !== undefined));
  return result.unreadable.length > 0 ? 1 : 0;
}

function noKey(io: KeysIo): number {
  io.err('listinglab keys rotate: ENCRYPTION_KEY is not set: set it to the new key and ENCRYPTION_KEY_PREVIOUS to the old one\n');
  return 2;
}

function rotateText(r: ReencryptResult, withPrevious: boolean): string {
  const lines = [`installation tokens: ${r.reencrypted} re-encrypted, ${r.alreadyCurrent} already current, ${r.unreadable.length} unreadable`];
  if (r.unreadable.length > 0) {
    lines.push(`unreadable with ENCRYPTION_KEY${withPrevious ? ' or ENCRYPTION_KEY_PREVIOUS' : ''} (left unchanged):`);
    for (const u of r.unreadable) lines.push(`  ${u.platform}/${u.externalId}${u.workspaceName ? ` (${u.workspaceName})` : ''}`);
    lines.push(
      withPrevious
        ? 'These workspaces must install the app again, unless ENCRYPTION_KEY_PREVIOUS is not the key they were sealed with: set the right one and run this again.'
        : 'Set ENCRYPTION_KEY_PREVIOUS to the key they were sealed with and run this again, or have these workspaces install the app again.',
    );
  } else if (withPrevious) {
    lines.push('Every token opens with ENCRYPTION_KEY: ENCRYPTION_KEY_PREVIOUS can be removed.');
  }
  return `${lines.join('\n')}\n`;
}

/** `listinglab keys …` (args: what follows `keys`): parses, opens the database, runs, closes. */
export async function runKeysCli(args: string[], io: KeysIo): Promise<number> {
  const parsed = parseKeysArgs(args);
  if (!parsed.ok) {
    io.err(`listinglab keys: ${parsed.error}\n\n${KEYS_USAGE}\n`);
    return 2;
  }
  if (parsed.command === 'help') {
    io.out(`${KEYS_USAGE}\n`);
    return 0;
  }
  const config = loadConfig();
  // Checked before the database is opened: without a key there is nothing to rotate to.
  if (!config.encryptionKey) return noKey(io);
  const logger = loggerFor({ ...config, logLevel: process.env.LOG_LEVEL ? config.logLevel : 'warn' });
  const lifecycle = createLifecycle();
  try {
    const db = await openDatabase(config, logger, lifecycle, { poolSize: 2, applicationName: 'listinglab-keys' });
    return await runKeysRotate(db.db, config, parsed.json, io);
  } finally {
    await lifecycle.shutdown('keys rotated');
  }
}
