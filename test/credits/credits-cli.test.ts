import { describe, expect, test } from 'vitest';
import { startComparison, completeStage } from '../../service/app/comparisons/index.ts';
import { parseCreditsArgs, runCreditsCommand, type CreditsIo } from '../../service/main/credits-cli.ts';
import { useTestDatabase } from '../db.ts';
import { balanceOf, creditsDeps, pairInput, workspaceWith } from '../support/credits.ts';

/** `listinglab credits …`: operators read, support grants, anyone checks the ledger. */

const tdb = await useTestDatabase();
const db = tdb.db;
const deps = await creditsDeps(tdb);

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const parsed = parseCreditsArgs(args);
  if (!parsed.ok) return { code: 2, out: '', err: parsed.error };
  let out = '';
  let err = '';
  const io: CreditsIo = { db, dailyCap: 200, now: () => new Date(), out: (t) => (out += t), err: (t) => (err += t) };
  return { code: await runCreditsCommand(parsed.command, io), out, err };
}

describe('listinglab credits', () => {
  test('usage errors exit 2 before anything is opened', () => {
    for (const args of [[], ['slack'], ['teams', 'T1'], ['grant', 'slack', 'T1', '10'], ['grant', 'slack', 'T1', '-5', '--reason', 'x'], ['grant', 'slack', 'T1', '1.5', '--reason', 'x'], ['check', 'now'], ['slack', 'T1', '--bogus']]) {
      expect(parseCreditsArgs(args).ok, args.join(' ')).toBe(false);
    }
    expect(parseCreditsArgs(['slack', 'T1', '--json'])).toEqual({ ok: true, command: { name: 'show', platform: 'slack', externalId: 'T1', json: true } });
  });

  test('<platform> <workspace> shows the balance, today, the cap and the ledger; --json for scripts', async () => {
    const ws = await workspaceWith(db, 'TSHOW', 30);
    await startComparison(deps, pairInput('TSHOW', 1));
    const text = await cli('slack', 'TSHOW');
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/^slack\/TSHOW\nBalance: 20 credits\nUsed today: 10 of 200 \(daily cap\)\nRecent:\n/);
    expect(text.out).toMatch(/-10 {2}reserve/);
    const json = await cli('slack', 'TSHOW', '--json');
    expect(JSON.parse(json.out)).toMatchObject({ workspace: { id: ws.id, platform: 'slack', externalId: 'TSHOW' }, balance: 20, usedToday: 10, dailyCap: 200 });
    const missing = await cli('discord', 'G404');
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/No workspace discord\/G404/);
  });

  test('grant adds credits with a reason; with --key it grants once however often it is repeated', async () => {
    const ws = await workspaceWith(db, 'TGRANT', 30);
    const once = await cli('grant', 'slack', 'TGRANT', '50', '--reason', 'ticket 123: refund of a broken run', '--key', 'ticket-123');
    expect(once).toMatchObject({ code: 0, out: 'Granted 50 credits to slack/TGRANT. Balance: 80 credits.\n' });
    const again = await cli('grant', 'slack', 'TGRANT', '50', '--reason', 'ticket 123: refund of a broken run', '--key', 'ticket-123');
    expect(again.out).toMatch(/^Already granted with this key: nothing changed\. Balance: 80 credits\./);
    await cli('grant', 'slack', 'TGRANT', '5', '--reason', 'goodwill');
    await cli('grant', 'slack', 'TGRANT', '5', '--reason', 'goodwill');
    expect(await balanceOf(db, ws.id)).toBe(90);
    expect((await cli('grant', 'slack', 'TNOBODY', '5', '--reason', 'typo')).code).toBe(1);
  });

  test('check: 0 when every balance matches its ledger; a tampered balance is found and listed, exit 1', async () => {
    const ws = await workspaceWith(db, 'TTAMPER', 30);
    const { run } = await startComparison(deps, pairInput('TTAMPER', 1));
    await completeStage(db, run.id, 'acquire', { ok: false, code: 'listing_not_found', message: 'gone' });
    const ok = await cli('check');
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/^ok: \d+ workspaces; every balance equals the sum of its ledger\.\n$/);

    await tdb.sql`update workspaces set balance = balance + 7 where id = ${ws.id}`;
    const bad = await cli('check');
    expect(bad.code).toBe(1);
    expect(bad.out).toBe(`mismatch slack/TTAMPER (${ws.id}): balance 37, ledger sum 30\n`);
    const json = JSON.parse((await cli('check', '--json')).out);
    expect(json).toMatchObject({ ok: false, mismatches: [{ workspace: 'slack/TTAMPER', balance: 37, ledgerSum: 30 }] });

    await tdb.sql`update workspaces set balance = balance - 7 where id = ${ws.id}`;
    // A refund written past the engine (a second key for the same stage) is found too.
    await tdb.sql`insert into credit_ledger (workspace_id, amount, kind, run_id, idempotency_key) values (${ws.id}, 5, 'refund', ${run.id}, 'forged')`;
    await tdb.sql`update workspaces set balance = balance + 5 where id = ${ws.id}`;
    const over = await cli('check');
    expect(over.code).toBe(1);
    expect(over.out).toBe(`over-refunded run ${run.id}: reserved 10, refunded 15\n`);
  });
});
