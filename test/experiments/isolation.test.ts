import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, test } from 'vitest';
import { EXPERIMENT_ACTION, RERUN_VIEW } from '../../bots/slack/experiment-modal.ts';
import { ACTION } from '../../bots/slack/render.ts';
import { createExperimentServices } from '../../service/app/experiments/index.ts';
import { importListingFolder } from '../../service/app/comparisons/index.ts';
import { experimentRuns, experiments, runs } from '../../service/db/schema.ts';
import { parseExperimentArgs, runExperimentCommand } from '../../service/main/experiment-cli.ts';
import { comparisonDeps } from '../../service/main/wiring.ts';
import { startApifyEmulator } from '../emulators/apify.ts';
import { axessoItem } from '../emulators/axesso-items.ts';
import { startImageHost } from '../emulators/image-host.ts';
import { buttonBody, FORM, viewSubmissionBody } from '../emulators/slack-requests.ts';
import { startSlackHarness } from '../slack/harness.ts';

/**
 * A workspace sees only its own runs and experiments (PRODUCT.md, Security): every command that
 * takes an id — status, save, show, pin, unpin, rerun, in text, on buttons, in the tag picker and
 * from the CLI — answers "not found" for another workspace's id, shows nothing of it and changes
 * nothing (no run, no link, no pin, no credits).
 */

const images = await startImageHost();
const apify = await startApifyEmulator({ token: 'apify-token-for-isolation' });
afterAll(async () => {
  await apify.close();
  await images.close();
});
for (const asin of ['B0799CK52K', 'B074M5HPBD'] as const) apify.setItem(asin, axessoItem(asin, images.url));

const h = await startSlackHarness({ APIFY_TOKEN: 'apify-token-for-isolation', APIFY_BASE_URL: apify.url, IMAGE_HOSTS: images.host });
const { slack, tdb } = h;
const db = tdb.db;
const OWNER = 'T_OWNER';
const INTRUDER = 'T_INTRUDER';

const reply = async (id: string) => String((await slack.waitFor(() => slack.responses.find((r) => r.id === id), 20_000)).body['text']);
const as = async (teamId: string, text: string, id: string) => {
  await h.command(text, { teamId, channelId: `C_${teamId}`, responseUrl: slack.responseUrl(id) });
  return reply(id);
};

let runId = '';
let experimentId = '';

async function state() {
  return {
    runs: (await db.select({ id: runs.id }).from(runs)).length,
    experiments: await db.select({ id: experiments.id, pinned: experiments.pinned, name: experiments.name }).from(experiments),
    links: (await db.select().from(experimentRuns)).length,
    intruderBalance: await h.balance(INTRUDER),
    viewsOpened: slack.callsTo('views.open').length,
  };
}

describe('another workspace’s ids are "not found"', () => {
  test('setup: the owner compares, saves and pins an experiment', async () => {
    await h.command('compare B0799CK52K B074M5HPBD', { teamId: OWNER, channelId: `C_${OWNER}` });
    await slack.waitFor(() => slack.roots(`C_${OWNER}`).find((m) => /^Verdict: /.test(m.text)), 60_000);
    runId = (await db.select({ id: runs.id }).from(runs))[0]!.id;
    await h.waitForRun(runId);
    expect(await as(OWNER, `experiment save ${runId.slice(0, 8)} owner's test`, 'owner-save')).toMatch(/Saved run/);
    experimentId = (await db.select().from(experiments))[0]!.id;
    expect(await as(OWNER, `experiment pin ${experimentId.slice(0, 8)}`, 'owner-pin')).toMatch(/Pinned/);
    expect(await as(INTRUDER, 'credits', 'intruder-credits')).toMatch(/Balance: 30 credits/);
  });

  test('in text: status, save, show, pin, unpin, rerun (prefix or full id) refuse and change nothing', async () => {
    const before = await state();
    const cases: [string, RegExp][] = [
      [`status ${runId.slice(0, 8)}`, /No run `[0-9a-f]{8}` in this workspace/],
      [`status ${runId}`, /No run/],
      [`experiment save ${runId.slice(0, 8)} stolen`, /No run `[0-9a-f]{8}` in this workspace/],
      [`experiment save ${runId}`, /No run/],
      [`experiment show ${experimentId.slice(0, 8)}`, /No experiment `[0-9a-f]{8}` in this workspace/],
      [`experiment show ${experimentId}`, /No experiment/],
      [`experiment pin ${experimentId.slice(0, 8)}`, /No experiment/],
      [`experiment unpin ${experimentId}`, /No experiment/],
      [`experiment rerun ${experimentId.slice(0, 8)} title`, /No experiment/],
      [`experiment rerun ${experimentId} main-image gallery`, /No experiment/],
    ];
    for (const [i, [text, refusal]] of cases.entries()) {
      const answer = await as(INTRUDER, text, `intruder-${i}`);
      expect(answer, text).toMatch(refusal);
      expect(answer, text).not.toContain("owner's test");
      expect(answer, text).not.toContain('B0799CK52K');
    }
    expect(await as(INTRUDER, 'experiment list', 'intruder-list')).toMatch(/No experiments yet/);
    expect(await state()).toEqual(before);
  });

  test('on buttons and in the tag picker: Save as experiment, Re-run with changes…, a forged submission', async () => {
    const before = await state();
    const press = (actionId: string, value: string, id: string) =>
      h.send(buttonBody({ actionId, value, teamId: INTRUDER, channelId: `C_${INTRUDER}`, responseUrl: slack.responseUrl(id) }), FORM);
    await press(ACTION.saveExperiment, runId, 'btn-save');
    expect(await reply('btn-save')).toMatch(/No run/);
    await press(EXPERIMENT_ACTION.rerun, experimentId, 'btn-picker');
    expect(await reply('btn-picker')).toMatch(/No experiment/);
    // A submission crafted with the owner's experiment in its metadata is refused the same way.
    const metadata = JSON.stringify({ experimentId, channelId: `C_${INTRUDER}`, responseUrl: slack.responseUrl('forged') });
    const values = { tags: { value: { type: 'multi_static_select', selected_options: [{ value: 'title' }] } } };
    expect((await h.send(viewSubmissionBody({ callbackId: RERUN_VIEW, privateMetadata: metadata, values, teamId: INTRUDER, viewId: 'V_FORGED' }), FORM)).statusCode).toBe(200);
    expect(await reply('forged')).toMatch(/No experiment/);
    expect(await state()).toEqual(before); // no modal opened either
  });

  test('from the CLI (its own workspace): save, show, pin, unpin, rerun refuse the Slack workspace’s ids', async () => {
    const services = createExperimentServices(await comparisonDeps(h.config, { ...tdb, embedded: false }));
    const before = await state();
    const cli = async (...args: string[]) => {
      const parsed = parseExperimentArgs(args);
      if (!parsed.ok || parsed.command === 'help') throw new Error(`bad args ${args.join(' ')}`);
      let out = '';
      let err = '';
      const code = await runExperimentCommand(parsed.command, {
        services,
        importFolder: (dir) => importListingFolder(db, dir),
        waitForRun: () => Promise.reject(new Error('no run may start')),
        out: (t) => (out += t),
        err: (t) => (err += t),
      });
      return { code, out, err };
    };
    for (const args of [['save', runId], ['show', experimentId], ['pin', experimentId], ['unpin', experimentId.slice(0, 8)], ['rerun', experimentId, 'title']]) {
      const r = await cli(...args);
      expect(r, args.join(' ')).toMatchObject({ code: 1, out: '' });
      expect(r.err).toMatch(/No (run|experiment)/);
    }
    expect((await cli('list')).out).toMatch(/No experiments yet/);
    expect(await state()).toEqual(before);
  });

  test('the owner still sees and controls it', async () => {
    expect(await as(OWNER, `experiment show ${experimentId.slice(0, 8)}`, 'owner-show')).toContain("owner's test");
    const [exp] = await db.select().from(experiments).where(eq(experiments.id, experimentId));
    expect(exp?.pinned).toBe(true);
  });
});
