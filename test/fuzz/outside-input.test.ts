import fc from 'fast-check';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { commandFromOptions, parseCommand } from '../../bots/shared/command-grammar.ts';
import { readListingFolder } from '../../service/acquire/folder-source.ts';
import { axessoToListing } from '../../service/acquire/axesso.ts';
import { parseConfig } from '../../service/config/schema.ts';
import { UserError } from '../../service/domain/errors.ts';
import { ListingSchema } from '../../service/domain/listing.ts';
import { STAGE_SCHEMAS } from '../../service/domain/stage-outputs.ts';
import { parseModelJson } from '../../service/providers/openai.ts';

/**
 * Every parser of outside input, fuzzed: it never throws (except the typed UserError it
 * documents) and never accepts something its schema would refuse.
 */

const anyJson = fc.jsonValue({ maxDepth: 4 });
const runs = { numRuns: 300 };

describe('outside input never crashes a parser', () => {
  test('slash-command text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 400 }), (text) => void parseCommand(text)), runs);
    fc.assert(fc.property(fc.array(fc.constantFrom('compare', 'fresh', 'B0799CK52K', 'https://www.amazon.com/dp/B074M5HPBD', 'buy', 'status', 'experiment', 'rerun', '`x`', '<https://a.co/x>', '\u0000'), { maxLength: 6 }), (words) => void parseCommand(words.join(' '))), runs);
  });

  test('Discord options', () => {
    const opt = fc.oneof(fc.string({ maxLength: 80 }), fc.integer(), fc.boolean(), fc.constant(undefined));
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), fc.dictionary(fc.constantFrom('a', 'b', 'fresh', 'pack', 'job', 'id', 'name', 'tags', '__proto__', 'constructor'), opt), (sub, options) => {
        void commandFromOptions(sub, options);
      }),
      runs,
    );
  });

  test('listing.json values (schema) and files (folder source)', async () => {
    fc.assert(fc.property(anyJson, (value) => void ListingSchema.safeParse(value)), runs);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'fuzz-listing-'));
    afterAll(() => rm(dir, { recursive: true, force: true }));
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ maxLength: 200 }), anyJson.map((v) => JSON.stringify(v))), async (text) => {
        await writeFile(path.join(dir, 'listing.json'), text);
        try {
          await readListingFolder(dir);
        } catch (e) {
          expect(e).toBeInstanceOf(UserError);
        }
      }),
      { numRuns: 100 },
    );
  });

  test('Axesso items', () => {
    fc.assert(fc.property(anyJson, (value) => void axessoToListing(value, 'B0799CK52K')), runs);
  });

  test('model outputs: only schema-valid output is accepted', () => {
    for (const schema of Object.values(STAGE_SCHEMAS)) {
      fc.assert(
        fc.property(fc.oneof(fc.string({ maxLength: 300 }), anyJson.map((v) => JSON.stringify(v))), (text) => {
          const r = parseModelJson(schema as never, text);
          if (r.success) expect((schema as { safeParse(v: unknown): { success: boolean } }).safeParse(r.data).success).toBe(true);
        }),
        { numRuns: 200 },
      );
    }
  });

  test('the environment', () => {
    const keys = ['PORT', 'DATABASE_URL', 'IMAGE_HOSTS', 'ENCRYPTION_KEY', 'SLACK_BOT_TOKEN', 'DISCORD_PUBLIC_KEY', 'STRIPE_SECRET_KEY', 'WORKER_STALE_SECONDS'];
    fc.assert(fc.property(fc.dictionary(fc.constantFrom(...keys), fc.string({ maxLength: 70 })), (env) => void parseConfig(env)), runs);
  });
});
