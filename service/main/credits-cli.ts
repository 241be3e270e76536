import { parseArgs } from 'node:util';
import { creditsText } from '../../bots/shared/dispatch.ts';
import { checkLedger, grantCredits, workspaceCredits } from '../app/credits/index.ts';
import type { Db } from '../db/client.ts';
import { AppError, isUserError } from '../domain/errors.ts';
import type { Platform } from '../domain/workspace.ts';
import { openDatabase } from './database.ts';
import { loadConfig, loggerFor } from './env.ts';
import { createLifecycle } from './lifecycle.ts';

/**
 * `listinglab credits …` for operators and support. Exit codes: 0 done, 1 a check found a
 * mismatch (or the workspace does not exist), 2 bad usage.
 */

export const CREDITS_USAGE = `Usage:
  listinglab credits <platform> <workspace> [--json]
      balance, credits used today, the daily cap and the last ledger lines
  listinglab credits grant <platform> <workspace> <amount> --reason "…" [--key <key>] [--json]
      add credits (support); with --key the grant is made once however often it is repeated
  listinglab credits check [--json]
      every balance equals the sum of its ledger, no run refunded beyond its reservation;
      exit 1 and the list when not

  <platform> is slack, discord or cli; <workspace> the Slack team id or Discord guild id.`;

export type CreditsCommand =
  | { readonly name: 'show'; readonly platform: Platform; readonly externalId: string; readonly json: boolean }
  | { readonly name: 'grant'; readonly platform: Platform; readonly externalId: string; readonly amount: number; readonly reason: string; readonly key: string | undefined; readonly json: boolean }
  | { readonly name: 'check'; readonly json: boolean }
  | { readonly name: 'help' };

const PLATFORMS: readonly Platform[] = ['slack', 'discord', 'cli'];

export function parseCreditsArgs(args: readonly string[]): { ok: true; command: CreditsCommand } | { ok: false; error: string } {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: { json: { type: 'boolean' }, reason: { type: 'string' }, key: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
  const { positionals: p, values: v } = parsed;
  const json = v.json === true;
  const platform = (x: string | undefined): Platform | undefined => PLATFORMS.find((k) => k === x);
  if (v.help || p[0] === 'help') return { ok: true, command: { name: 'help' } };
  if (p[0] === 'check') {
    return p.length === 1 ? { ok: true, command: { name: 'check', json } } : { ok: false, error: 'check takes no arguments' };
  }
  if (p[0] === 'grant') {
    const [, plat, externalId, amountText, ...extra] = p;
    const pf = platform(plat);
    const amount = Number(amountText);
    if (!pf || !externalId || extra.length) return { ok: false, error: 'grant takes <platform> <workspace> <amount>' };
    if (!/^\d+$/.test(amountText ?? '') || !Number.isSafeInteger(amount) || amount <= 0) return { ok: false, error: `the amount must be a positive whole number, not "${amountText ?? ''}"` };
    if (!v.reason?.trim()) return { ok: false, error: 'grant needs --reason "…" (it is kept in the ledger)' };
    return { ok: true, command: { name: 'grant', platform: pf, externalId, amount, reason: v.reason, key: v.key, json } };
  }
  const pf = platform(p[0]);
  if (!pf || !p[1] || p.length > 2) return { ok: false, error: p.length === 0 ? 'which workspace?' : `unknown credits command "${p.join(' ')}"` };
  return { ok: true, command: { name: 'show', platform: pf, externalId: p[1], json } };
}

export interface CreditsIo {
  readonly db: Db;
  readonly dailyCap: number;
  readonly now: () => Date;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/** Runs a parsed command against a database. */
export async function runCreditsCommand(cmd: CreditsCommand, io: CreditsIo): Promise<number> {
  try {
    switch (cmd.name) {
      case 'help':
        io.out(`${CREDITS_USAGE}\n`);
        return 0;
      case 'show': {
        const { workspace, summary } = await workspaceCredits(io.db, cmd, io.dailyCap, io.now());
        if (cmd.json) {
          io.out(`${JSON.stringify({ workspace: { id: workspace.id, platform: workspace.platform, externalId: workspace.externalId, name: workspace.name }, ...summary }, null, 2)}\n`);
        } else {
          io.out(`${workspace.platform}/${workspace.externalId}${workspace.name ? ` (${workspace.name})` : ''}\n${creditsText(summary)}\n`);
        }
        return 0;
      }
      case 'grant': {
        const r = await grantCredits(io.db, cmd, cmd.amount, cmd.reason, cmd.key);
        if (cmd.json) io.out(`${JSON.stringify({ ...r, amount: cmd.amount }, null, 2)}\n`);
        else if (r.applied) io.out(`Granted ${cmd.amount} credits to ${cmd.platform}/${cmd.externalId}. Balance: ${r.balance} credits.\n`);
        else io.out(`Already granted with this key: nothing changed. Balance: ${r.balance} credits.\n`);
        return 0;
      }
      case 'check': {
        const c = await checkLedger(io.db);
        if (cmd.json) {
          io.out(`${JSON.stringify(c, null, 2)}\n`);
        } else if (c.ok) {
          io.out(`ok: ${c.workspaces} workspaces; every balance equals the sum of its ledger.\n`);
        } else {
          const lines = [
            ...c.mismatches.map((m) => `mismatch ${m.workspace} (${m.workspaceId}): balance ${m.balance}, ledger sum ${m.ledgerSum}`),
            ...c.overRefunded.map((r) => `over-refunded run ${r.runId}: reserved ${r.reserved}, refunded ${r.refunded}`),
          ];
          io.out(`${lines.join('\n')}\n`);
        }
        return c.ok ? 0 : 1;
      }
    }
  } catch (e) {
    if (isUserError(e)) {
      io.err(`listinglab: ${e.message}\n`);
      return e.code === 'not_found' ? 1 : 2;
    }
    throw e;
  }
}

/** `listinglab credits …` (args: what follows `credits`): parses, opens the database, runs, closes. */
export async function runCreditsCli(args: string[]): Promise<number> {
  const parsed = parseCreditsArgs(args);
  if (!parsed.ok) {
    process.stderr.write(`listinglab credits: ${parsed.error}\n\n${CREDITS_USAGE}\n`);
    return 2;
  }
  if (parsed.command.name === 'help') {
    process.stdout.write(`${CREDITS_USAGE}\n`);
    return 0;
  }
  const config = loadConfig();
  const logger = loggerFor({ ...config, logLevel: process.env.LOG_LEVEL ? config.logLevel : 'warn' });
  const lifecycle = createLifecycle();
  try {
    const db = await openDatabase(config, logger, lifecycle, { poolSize: 2, applicationName: 'listinglab-credits' });
    return await runCreditsCommand(parsed.command, {
      db: db.db,
      dailyCap: config.pricing.dailyCap,
      now: () => new Date(),
      out: (t) => process.stdout.write(t),
      err: (t) => process.stderr.write(t),
    });
  } catch (e) {
    process.stderr.write(`listinglab credits: ${e instanceof AppError ? e.message : e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  } finally {
    await lifecycle.shutdown('credits done');
  }
}
