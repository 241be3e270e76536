import { describe, expect, test } from 'vitest';
import { OUTCOME_ACTION, OUTCOME_VIEW } from '../../bots/slack/outcome-modal.ts';
import { outcomes, rateLimits } from '../../service/db/schema.ts';
import { buttonBody, FORM, viewSubmissionBody } from '../emulators/slack-requests.ts';
import { startSlackHarness } from '../slack/harness.ts';
import { seedRun } from './seed.ts';

/**
 * `/listing outcome …`, `/listing calibration` and the "Record real result" button from Slack:
 * private answers, what is stored, and that another team can neither record nor see an outcome.
 */

const h = await startSlackHarness({});
const { slack } = h;
const db = h.tdb.db;
const TEAM = 'T_OUTCOMES';
const OTHER = 'T_ELSEWHERE';

async function ask(text: string, teamId = TEAM): Promise<Record<string, unknown>> {
  const id = `r${Math.random().toString(36).slice(2)}`;
  const res = await h.command(text, { responseUrl: slack.responseUrl(id), teamId, userId: 'U_SELLER' });
  expect(res.statusCode).toBe(200);
  if (res.body) return res.json(); // answered in the acknowledgement
  return (await slack.waitFor(() => slack.responses.find((r) => r.id === id), 20_000)).body;
}
const textOf = async (text: string, teamId = TEAM) => String((await ask(text, teamId))['text']);

const runId = await seedRun(db, { platform: 'slack', externalId: TEAM }, { verdict: { winner: 'A', clickWinner: 'A', confidence: 0.62 } });
const short = runId.slice(0, 8);

describe('/listing outcome', () => {
  test('records privately what happened against which verdict; counted as a free command', async () => {
    const reply = await ask(`outcome ${short} B click:A 2-week A/B test`);
    expect(reply['response_type']).toBe('ephemeral');
    const text = String(reply['text']);
    expect(text).toMatch(/^Recorded: B really won\. ListingLab said A would win \(a likely win, 62%\) — a miss\.\n/);
    expect(text).toContain('The click: A really won it; ListingLab said A would — a hit.');
    expect(text).toContain('Note: 2-week A/B test');
    expect(text).toContain(`Run ${short}: A is B0799CK52K, B is B07PGL2ZSL.`);
    expect(text).not.toContain('replaces the earlier answer (');
    expect(await db.select({ result: outcomes.result, clickResult: outcomes.clickResult, note: outcomes.note, recordedBy: outcomes.recordedBy }).from(outcomes)).toEqual([
      { result: 'B', clickResult: 'A', note: '2-week A/B test', recordedBy: 'U_SELLER' },
    ]);
    const counted = await db.select().from(rateLimits);
    expect(counted.map((r) => r.key)).toContain(`free:user:slack:${TEAM}:U_SELLER`);
  });

  test('recording again edits it, and the reply says it replaced the earlier one', async () => {
    const text = await textOf(`outcome ${runId} tie`);
    expect(text).toMatch(/^Recorded: it was really a tie\. ListingLab said A would win \(a likely win, 62%\) — a miss\./);
    expect(text).toMatch(/This replaces the earlier answer \(B won, the click won by A, note “2-week A\/B test”; recorded \d{4}-\d\d-\d\d \d\d:\d\d UTC\)\./);
    expect(await db.select({ result: outcomes.result, clickResult: outcomes.clickResult }).from(outcomes)).toEqual([{ result: 'tie', clickResult: null }]);
  });

  test('a bad side or a missing job is refused in the acknowledgement; another team gets "not found"; nothing is written', async () => {
    const before = await db.select().from(outcomes);
    expect(await textOf(`outcome ${short} C`)).toContain('The real result is A (the first listing won), B (the second won) or tie');
    expect(await textOf(`outcome ${short} B click:yes`)).toContain('The click result is A');
    expect(await textOf('outcome')).toMatch(/^outcome needs the job id of a finished comparison/);
    expect(await textOf(`outcome ${short}`)).toContain('outcome needs the real result after the job id');
    expect(await textOf(`outcome ${short} A`, OTHER)).toBe(`No run \`${short}\` in this workspace.`);
    expect(await db.select().from(outcomes)).toEqual(before);
  });
});

describe('/listing calibration', () => {
  test('the table, privately; another team sees none of this one’s outcomes', async () => {
    const reply = await ask('calibration');
    expect(reply['response_type']).toBe('ephemeral');
    const text = String(reply['text']);
    expect(text).toMatch(/^Calibration: 1 real result recorded in this workspace\.\n/);
    expect(text).toContain('likely (50%–70%): 1 outcome, 0 right — not enough outcomes yet (10 needed)');
    expect(text).toContain('Target: clear verdicts right at least 80% of the time — not yet known: 0 clear outcomes so far, at least 10 needed.');
    expect(await textOf('calibration', OTHER)).toMatch(/^No real results recorded in this workspace yet\./);
  });
});

describe('Record real result (button → modal → submission)', () => {
  test('the button opens the form filled with the outcome so far; submitting it records through the same reply', async () => {
    const res = await h.send(buttonBody({ actionId: OUTCOME_ACTION, value: runId, teamId: TEAM, channelId: 'C_OUT', triggerId: 'trigger-outcome', responseUrl: slack.responseUrl('outcome-button') }), FORM);
    expect(res.statusCode).toBe(200);
    const open = await slack.waitFor(() => slack.callsTo('views.open').find((c) => c.args['trigger_id'] === 'trigger-outcome'));
    const view = open.args['view'] as { callback_id: string; title: { text: string }; private_metadata: string; blocks: { block_id?: string; element?: { initial_option?: { value: string } } }[] };
    expect(view.callback_id).toBe(OUTCOME_VIEW);
    expect(view.title.text).toBe('Record real result');
    expect(view.blocks.find((b) => b.block_id === 'result')?.element?.initial_option?.value).toBe('tie');
    expect(JSON.stringify(view.blocks[0])).toContain('ListingLab said A would win (a likely win, 62%)');
    expect(JSON.parse(view.private_metadata)).toMatchObject({ runId, channelId: 'C_OUT' });

    const values = (result: string | null) => ({
      result: { value: { type: 'static_select', selected_option: result ? { value: result } : null } },
      click: { value: { type: 'static_select', selected_option: { value: 'B' } } },
      note: { value: { type: 'plain_text_input', value: 'sales over 30 days' } },
    });
    const empty = await h.send(viewSubmissionBody({ callbackId: OUTCOME_VIEW, privateMetadata: view.private_metadata, values: values(null), teamId: TEAM }), FORM);
    expect(empty.json()).toMatchObject({ response_action: 'errors', errors: { result: 'Choose A, B or tie.' } });

    const ok = await h.send(viewSubmissionBody({ callbackId: OUTCOME_VIEW, privateMetadata: view.private_metadata, values: values('A'), teamId: TEAM, viewId: 'V_OUTCOME' }), FORM);
    expect(ok.statusCode).toBe(200);
    const reply = await slack.waitFor(() => slack.responses.find((r) => r.id === 'outcome-button'), 20_000);
    expect(String(reply.body['text'])).toMatch(/^Recorded: A really won\. ListingLab said A would win \(a likely win, 62%\) — a hit\.\nThe click: B really won it; ListingLab said A would — a miss\./);
    expect(String(reply.body['text'])).toContain('This replaces the earlier answer (a tie;');
    expect(await db.select({ result: outcomes.result, clickResult: outcomes.clickResult, note: outcomes.note }).from(outcomes)).toEqual([{ result: 'A', clickResult: 'B', note: 'sales over 30 days' }]);
  });

  test("another team's press opens nothing and says not found; a run without a verdict is refused", async () => {
    const opened = slack.callsTo('views.open').length;
    await h.send(buttonBody({ actionId: OUTCOME_ACTION, value: runId, teamId: OTHER, responseUrl: slack.responseUrl('intruder') }), FORM);
    expect(String((await slack.waitFor(() => slack.responses.find((r) => r.id === 'intruder'), 20_000)).body['text'])).toMatch(/^No run `[0-9a-f-]{36}` in this workspace\./);
    const unfinished = await seedRun(db, { platform: 'slack', externalId: TEAM }, { status: 'running' });
    await h.send(buttonBody({ actionId: OUTCOME_ACTION, value: unfinished, teamId: TEAM, responseUrl: slack.responseUrl('unfinished') }), FORM);
    expect(String((await slack.waitFor(() => slack.responses.find((r) => r.id === 'unfinished'), 20_000)).body['text'])).toMatch(/is not finished yet/);
    expect(slack.callsTo('views.open').length).toBe(opened);
    // A form submitted from another team (a forged private_metadata) is "not found" too, and writes nothing.
    const before = await db.select().from(outcomes);
    const meta = JSON.stringify({ runId, channelId: 'C_X', responseUrl: slack.responseUrl('forged') });
    await h.send(viewSubmissionBody({ callbackId: OUTCOME_VIEW, privateMetadata: meta, values: { result: { value: { type: 'static_select', selected_option: { value: 'B' } } } }, teamId: OTHER }), FORM);
    expect(String((await slack.waitFor(() => slack.responses.find((r) => r.id === 'forged'), 20_000)).body['text'])).toMatch(/^No run/);
    expect(await db.select().from(outcomes)).toEqual(before);
  });
});
