import { describe, expect, test } from 'vitest';
import { createOutcomeServices } from '../../service/app/outcomes/index.ts';
import { outcomes } from '../../service/db/schema.ts';
import type { WorkspaceRef } from '../../service/domain/workspace.ts';
import { useTestDatabase } from '../db.ts';
import { seedRun } from './seed.ts';
import { refusal } from '../support/refusals.ts';

/** Recording real results: per workspace, editable, only against a finished comparison; and the calibration they give. */

const tdb = await useTestDatabase();
const db = tdb.db;
const services = createOutcomeServices({ db });
const OWNER: WorkspaceRef = { platform: 'slack', externalId: 'T_OWNER' };
const OTHER: WorkspaceRef = { platform: 'slack', externalId: 'T_OTHER' };

describe('record', () => {
  test('by prefix, with the verdict copied in; recording again replaces it and says what it replaced', async () => {
    const runId = await seedRun(db, OWNER, { verdict: { winner: 'A', clickWinner: 'B', confidence: 0.62 } });
    const first = await services.record(OWNER, { job: runId.slice(0, 8), result: 'B', clickResult: 'B', note: '  real  A/B test,\n2 weeks ', recordedBy: 'U1' });
    expect(first).toMatchObject({
      runId,
      shortId: runId.slice(0, 8),
      pair: { A: 'B0799CK52K', B: 'B07PGL2ZSL' },
      verdict: { winner: 'A', clickWinner: 'B', confidence: 0.62, rulesOnly: true },
      outcome: { result: 'B', clickResult: 'B', note: 'real A/B test, 2 weeks', recordedBy: 'U1' },
      replaced: null,
    });
    const second = await services.record(OWNER, { job: runId, result: 'tie', recordedBy: 'U2' });
    expect(second.outcome).toMatchObject({ result: 'tie', clickResult: null, note: null, recordedBy: 'U2' });
    expect(second.replaced).toMatchObject({ result: 'B', clickResult: 'B', note: 'real A/B test, 2 weeks', recordedBy: 'U1' });
    const rows = await db.select().from(outcomes);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ runId, result: 'tie', clickResult: null, recordedBy: 'U2', verdict: { winner: 'A', clickWinner: 'B', confidence: 0.62, rulesOnly: true } });
    expect(rows[0]!.updatedAt.getTime()).toBeGreaterThanOrEqual(rows[0]!.createdAt.getTime());
    expect((await services.target(OWNER, runId.slice(0, 8))).current).toMatchObject({ result: 'tie', recordedBy: 'U2' });
  });

  test('another workspace can neither record nor see an outcome of the run', async () => {
    const runId = await seedRun(db, OWNER, { verdict: { winner: 'B', confidence: 0.8 } });
    await services.record(OWNER, { job: runId, result: 'B', recordedBy: 'U1' });
    const before = await db.select().from(outcomes);
    for (const job of [runId, runId.slice(0, 8)]) {
      expect(await refusal(services.record(OTHER, { job, result: 'A', recordedBy: 'U_INTRUDER' }))).toEqual({ code: 'not_found', message: `No run \`${job}\` in this workspace.` });
      expect((await refusal(services.target(OTHER, job))).code).toBe('not_found');
    }
    expect(await db.select().from(outcomes)).toEqual(before);
    expect((await services.calibration(OTHER)).outcomes).toBe(0);
    expect((await services.calibration({ platform: 'discord', externalId: 'never-seen' })).outcomes).toBe(0);
  });

  test('only a finished comparison with a verdict gets one; nothing is written otherwise', async () => {
    const running = await seedRun(db, OWNER, { status: 'running' });
    const failed = await seedRun(db, OWNER, { status: 'failed' });
    const draft = await seedRun(db, OWNER, { kind: 'draft', verdict: { winner: 'A', confidence: 0.9 } });
    const before = (await db.select().from(outcomes)).length;
    expect(await refusal(services.record(OWNER, { job: running, result: 'A', recordedBy: 'U1' }))).toMatchObject({ code: 'bad_command', message: expect.stringMatching(/is not finished yet/) });
    expect(await refusal(services.record(OWNER, { job: failed, result: 'A', recordedBy: 'U1' }))).toMatchObject({ code: 'bad_command', message: expect.stringMatching(/has no verdict/) });
    expect(await refusal(services.record(OWNER, { job: draft, result: 'A', recordedBy: 'U1' }))).toMatchObject({ code: 'bad_command', message: expect.stringMatching(/listing drafts/) });
    expect((await refusal(services.record(OWNER, { job: 'not-a-run', result: 'A', recordedBy: 'U1' }))).code).toBe('not_found');
    const ok = await seedRun(db, OWNER, { verdict: { winner: 'A', confidence: 0.9 } });
    expect(await refusal(services.record(OWNER, { job: ok, result: 'A', note: 'x'.repeat(501), recordedBy: 'U1' }))).toMatchObject({ code: 'bad_command', message: expect.stringMatching(/at most 500 characters/) });
    expect((await db.select().from(outcomes)).length).toBe(before);
  });

  test('calibration counts this workspace only; across workspaces for an operator', async () => {
    const ref: WorkspaceRef = { platform: 'discord', externalId: '999' };
    for (let i = 0; i < 3; i++) {
      const runId = await seedRun(db, ref, { verdict: { winner: 'A', clickWinner: 'A', confidence: 0.9 } });
      await services.record(ref, { job: runId, result: i === 0 ? 'B' : 'A', clickResult: i === 0 ? 'A' : null, recordedBy: 'U9' });
    }
    const report = await services.calibration(ref);
    expect(report.outcomes).toBe(3);
    expect(report.bands.find((b) => b.band === 'clear')).toMatchObject({ n: 3, hits: 2 });
    expect(report.click).toMatchObject({ outcomes: 1 });
    const all = await services.calibrationAcrossWorkspaces();
    expect(all.outcomes).toBe((await db.select().from(outcomes)).length);
    expect(all.outcomes).toBeGreaterThan(3);
  });
});
