import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { readPhotoFiles, storePhotos, startDraft } from '../../service/app/drafts/index.ts';
import { comparisonDeps } from '../../service/main/wiring.ts';
import { FIXTURES_DIR } from '../emulators/image-host.ts';
import { startOpenAiEmulator, type EmulatorReply } from '../emulators/openai.ts';
import { startTestPipeline } from '../support/pipeline.ts';

/**
 * The model path of a draft, on the real OpenAI SDK against the emulator: the vision model sees
 * the photos and returns attributes; the writer's drafts are validated — a claim the photos do
 * not show ("eco-friendly", "BPA-free") is flagged as an error, one printed on the pack
 * ("organic", read by the model) is accepted — and the same photos reuse the stored evaluations.
 */

const attributes = {
  productType: { value: 'oat drink', confidence: 0.92, evidence: 'carton labelled HAVRE DRYCK (oat drink) in photo 1' },
  brand: { value: 'Oatly', confidence: 0.95, evidence: 'OATLY logo on the front of the carton, photo 1' },
  material: { value: 'carton', confidence: 0.8, evidence: 'gable-top paper carton with a screw cap' },
  colour: { value: 'light blue', confidence: 0.85, evidence: 'the carton is light blue' },
  size: { value: '1 l', confidence: 0.7, evidence: '"1 l" printed at the bottom of the front' },
  condition: { value: 'new', confidence: 0.6, evidence: 'sealed cap' },
  features: [{ value: 'screw cap', confidence: 0.9, evidence: 'white screw cap on top, photo 1' }],
  printedText: ['OATLY', 'HAVRE DRYCK', 'ORGANIC'],
};

const bullets = [
  'Oat drink from Oatly in a 1 l carton with a screw cap, as shown.',
  'Organic oats, as printed on the pack.',
  'Eco-friendly packaging that is BPA-free.',
  'Light blue carton that stands upright in the fridge door.',
  'Pour, close with the screw cap and keep chilled after opening.',
];
const drafts = {
  amazon: { title: 'Oatly Oat Drink, 1 l, Light Blue Carton', bullets, description: 'Oatly oat drink in a 1 l carton.', searchTerms: 'havre dryck oatmilk dairy alternative' },
  ebay: { title: 'Oatly Oat Drink 1 l', itemSpecifics: [{ name: 'Brand', value: 'Oatly' }, { name: 'Type', value: 'Oat drink' }], condition: 'New', description: 'Oatly oat drink, 1 l.' },
  etsy: { title: 'Oatly Oat Drink 1 l', tags: ['oat drink', 'oatly'], materials: ['carton'], description: 'Oatly oat drink.' },
  shopify: { title: 'Oatly Oat Drink', description: 'Oatly oat drink, 1 l.', seoTitle: 'Oatly Oat Drink 1 l', metaDescription: 'Oatly oat drink in a 1 l carton.' },
};

const schemaName = (body: { response_format?: unknown }) => (body.response_format as { json_schema?: { name?: string } } | undefined)?.json_schema?.name;

const openai = await startOpenAiEmulator({
  handler: (req): EmulatorReply => {
    const name = schemaName(req.body);
    if (name === 'draft_attributes') return { kind: 'json', body: attributes };
    if (name === 'listing_drafts') return { kind: 'json', body: drafts };
    return { kind: 'status', status: 500 };
  },
});
afterAll(() => openai.close());

const pipeline = await startTestPipeline({ OPENAI_API_KEY: 'sk-test-openai-key-0009', OPENAI_BASE_URL: openai.url, OPENAI_MODEL: 'gpt-test' });
const deps = await comparisonDeps(pipeline.config, { ...pipeline.tdb, embedded: false });
const oatly = path.join(FIXTURES_DIR, 'grocery/Oatly-Oat-Milk');
const files = readdirSync(oatly).filter((f) => f.endsWith('.jpg')).sort().map((f) => path.join(oatly, f));

async function draftRun() {
  const photos = await storePhotos(pipeline.tdb.db, await readPhotoFiles(files));
  const started = await startDraft(deps, { workspace: { platform: 'cli', externalId: 'local' }, photos });
  return pipeline.waitForRun(started.run.id);
}

describe('draft stages with a model', () => {
  test('attributes from the vision model; drafts validated, unseen claims flagged, printed ones accepted', async () => {
    const view = await draftRun();
    expect(view.status).toBe('succeeded');
    for (const name of ['draft_analyze', 'draft_write']) {
      const s = view.stages.find((x) => x.name === name)!;
      expect(s.provider).toBe('openai');
      expect(s.madeWithoutModel).toBe(false);
    }
    expect(view.draft?.madeWithoutModel).toBe(false);
    expect(view.draft?.attributes?.brand.value).toBe('Oatly');

    // The vision call saw the photos (main first, high detail) and the measured facts.
    const vision = openai.requests.find((r) => schemaName(r.body) === 'draft_attributes')!;
    const sent = JSON.stringify(vision.body.messages);
    expect(sent.match(/"type":"image_url"/g)).toHaveLength(3);
    expect(sent).toContain('"detail":"high"');
    expect(sent).toContain('white background');

    const amazon = view.draft!.drafts!.amazon;
    expect(amazon.valid).toBe(false);
    const flagged = amazon.problems.filter((p) => p.code === 'unverified_claim').map((p) => p.message).join('\n');
    expect(flagged).toContain('eco-friendly');
    expect(flagged).toContain('BPA-free');
    expect(flagged).not.toContain('"organic"');
    expect(amazon.claims.find((c) => c.term === 'organic')).toMatchObject({ verified: true });
    expect(amazon.improve[0]!.action).toMatch(/^Remove "(eco-friendly|BPA-free)"/);
    // The other drafts claim nothing unseen: within their rules.
    for (const m of ['ebay', 'shopify'] as const) expect(view.draft!.drafts![m].valid, m).toBe(true);
    expect(view.draft!.drafts!.etsy.problems.find((p) => p.code === 'unused_tags')?.message).toBe('2 of 13 tags used');
  });

  test('the same photos, prompts and model reuse the stored evaluations', async () => {
    const before = openai.requests.length;
    const view = await draftRun();
    expect(view.status).toBe('succeeded');
    expect(openai.requests.length).toBe(before);
    expect(view.draft?.attributes?.brand.value).toBe('Oatly');
  });
});
