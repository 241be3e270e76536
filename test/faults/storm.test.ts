import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, test } from 'vitest';
import { importListingFolder } from '../../service/app/comparisons/index.ts';
import { creditLedger, workspaces } from '../../service/db/schema.ts';
import { autoAnswer, startOpenAiEmulator } from '../emulators/openai.ts';
import { startAnthropicEmulator } from '../emulators/anthropic.ts';
import { startTestPipeline } from '../support/pipeline.ts';

/**
 * A provider storm: every model provider answers 5xx. Stages fail cleanly (refunded, a clear
 * reason), the number of calls stays bounded (SDK retries × router × job retries do not
 * multiply), and once the providers are back the service works again.
 */

const PAIR = path.resolve(import.meta.dirname, '../../golden_tests/pairs/cushion-cutout-vs-banner');
let storm = true;
const valid = (schema: unknown) => ({ kind: 'json' as const, body: autoAnswer(schema) });
const openai = await startOpenAiEmulator({
  handler: (req) => (storm ? { kind: 'status', status: 503 } : valid((req.body.response_format as { json_schema?: { schema?: unknown } }).json_schema?.schema)),
});
const anthropic = await startAnthropicEmulator({
  handler: (req) => (storm ? { kind: 'status', status: 500 } : valid((req.body.tools?.[0] as { input_schema?: unknown } | undefined)?.input_schema)),
});
afterAll(async () => {
  await openai.close();
  await anthropic.close();
});
const pipeline = await startTestPipeline({
  OPENAI_API_KEY: 'sk-storm-openai',
  OPENAI_BASE_URL: openai.url,
  ANTHROPIC_API_KEY: 'sk-storm-anthropic',
  ANTHROPIC_BASE_URL: anthropic.url,
});
const ws = { platform: 'slack' as const, externalId: 'T-storm' };

async function runPair(fresh: boolean) {
  const started = await pipeline.compare(
    await importListingFolder(pipeline.tdb.db, path.join(PAIR, 'A')),
    await importListingFolder(pipeline.tdb.db, path.join(PAIR, 'B')),
    { workspace: ws, fresh },
  );
  return pipeline.waitForRun(started.run.id);
}

describe('provider storm', () => {
  test('every provider 5xx: the run fails cleanly, fully refunded, with bounded calls', async () => {
    const view = await runPair(true);
    expect(view.status).toBe('failed');
    for (const name of ['ctr', 'pdp', 'text']) {
      const s = view.stages.find((x) => x.name === name)!;
      expect(s.status).toBe('failed');
      expect(s.error?.code).toBe('provider_failed');
      expect(s.error?.message.length).toBeGreaterThan(0);
    }
    // 3 stages × 2 presentation orders × (≤ 2 primary + ≤ 2 fallback calls), no job retry on a permanent failure.
    expect(openai.requests.length + anthropic.requests.length).toBeLessThanOrEqual(3 * 2 * 4);
    expect(openai.requests.length).toBeGreaterThan(0);
    const [w] = await pipeline.tdb.db.select().from(workspaces).where(eq(workspaces.externalId, 'T-storm'));
    expect(w!.balance).toBe(30);
    const ledger = await pipeline.tdb.db.select().from(creditLedger).where(eq(creditLedger.workspaceId, w!.id));
    expect(ledger.reduce((s, l) => s + l.amount, 0)).toBe(30);
  });

  test('after the storm the same comparison succeeds', async () => {
    storm = false;
    const view = await runPair(true);
    expect(view.status).toBe('succeeded');
    expect(view.verdict).not.toBeNull();
  });
});
