import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { formatRefusals, openAiAutoReply, requestedSchema, startOpenAiEmulator } from '../emulators/openai.ts';
import type { FormatRefusal, RecordedRequest } from '../emulators/openai.ts';

/**
 * The model path as deployed: `listinglab compare <dirA> <dirB> --json` run exactly as a user
 * runs it (the package's bin on the pinned Node, a fresh DATA_DIR, only OPENAI_API_KEY and
 * OPENAI_BASE_URL set) against an OpenAI-compatible server — once one that takes strict
 * `json_schema`, once one that refuses it the way DeepSeek does. Every model stage must come from
 * that server (not the rules engine), ctr and pdp must send images, and the key must be printed
 * nowhere.
 */

const root = path.resolve(import.meta.dirname, '../..');
const pair = path.join(root, 'golden_tests/pairs/duffel-compliance');
// Distinctive, so a leak anywhere in the output is unmistakable; its middle is checked too.
const KEY = 'sk-proj-MODELPATH7q4Zx9Lw2Kc8Vb5Nm3Hj6Gf1Dd0Ss-deployed';
const MODEL_STAGES = ['ctr', 'pdp', 'text', 'avatars'] as const;

const emulator = await startOpenAiEmulator({ handler: openAiAutoReply });
const parents: string[] = [];
afterAll(async () => {
  await emulator.close();
  await Promise.all(parents.map((p) => rm(p, { recursive: true, force: true })));
});

interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly dataDir: string;
}

/** `listinglab compare A B --json` through the package's bin, with a DATA_DIR of its own. */
async function compare(): Promise<Ran> {
  const parent = await mkdtemp(path.join(os.tmpdir(), 'listinglab-model-path-'));
  parents.push(parent);
  await chmod(parent, 0o755); // Postgres runs as the `postgres` user when we are root: it must reach DATA_DIR
  const dataDir = path.join(parent, 'data');
  const child = spawn(process.execPath, [path.join(root, 'bin/listinglab.js'), 'compare', path.join(pair, 'A'), path.join(pair, 'B'), '--json'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, OPENAI_API_KEY: KEY, OPENAI_BASE_URL: emulator.url, LOG_LEVEL: 'debug' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { code, stdout, stderr, dataDir };
}

function processesUsing(dir: string): Promise<string[]> {
  return new Promise((resolve) => {
    const ps = spawn('ps', ['-eo', 'pid,args'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    ps.stdout.on('data', (c: Buffer) => (out += c.toString()));
    ps.on('close', () => resolve(out.split('\n').filter((l) => l.includes(dir))));
  });
}

interface StageDoc {
  readonly status: string;
  readonly provider: string | null;
  readonly model: string | null;
  readonly madeWithoutModel: boolean;
}
interface CompareDoc {
  readonly status: string;
  readonly verdict: { readonly winner: string; readonly rulesOnly: boolean; readonly hash: string } | null;
  readonly avatars: unknown[];
  readonly stages: Record<string, StageDoc>;
}

type ChatRequest = RecordedRequest<Parameters<typeof requestedSchema>[0]>;

/** The data-URL images a request carried. */
function imagesIn(request: ChatRequest): string[] {
  const user = request.body.messages.find((m) => m.role === 'user')?.content;
  if (!Array.isArray(user)) return [];
  return user.flatMap((part) => (part.type === 'image_url' ? [part.image_url.url] : []));
}

async function runAgainst(refusal: FormatRefusal | undefined): Promise<{ doc: CompareDoc; sent: ChatRequest[] }> {
  emulator.setRefusal(refusal);
  const before = emulator.requests.length;
  const ran = await compare();
  const sent = emulator.requests.slice(before);

  expect(ran.code, ran.stderr.slice(-4_000)).toBe(0);
  // Exactly one JSON document: the whole of stdout parses as one value, and it is an object.
  const doc = JSON.parse(ran.stdout) as CompareDoc;
  expect(ran.stdout.trim().startsWith('{')).toBe(true);
  expect(doc.status).toBe('succeeded');

  // Every model stage was made by the configured provider and model, not the rules engine.
  const models = new Set(sent.map((r) => r.body.model));
  expect(models.size).toBe(1);
  const [model] = [...models];
  for (const name of MODEL_STAGES) {
    expect(doc.stages[name], name).toMatchObject({ status: 'succeeded', provider: 'openai', model, madeWithoutModel: false });
  }
  expect(doc.verdict?.rulesOnly).toBe(false);
  expect(doc.avatars).toHaveLength(3);

  // The server saw the key (so it was used) and the images for ctr and pdp.
  expect(sent.every((r) => r.headers.authorization === `Bearer ${KEY}`)).toBe(true);
  const answered = (name: string) => sent.filter((r) => requestedSchema(r.body)?.name === name);
  for (const name of ['ctr_evaluation', 'pdp_evaluation']) {
    const images = imagesIn(answered(name).at(-1)!);
    expect(images.length, name).toBeGreaterThanOrEqual(2); // at least A's and B's
    for (const url of images) expect(url).toMatch(/^data:image\/(?:jpeg|png|webp);base64,[A-Za-z0-9+/]{100,}/);
  }
  expect(answered('text_evaluation').length).toBeGreaterThan(0);
  expect(answered('buyer_personas').length).toBeGreaterThan(0);

  // The key is printed nowhere: not on stdout (the JSON included), not on stderr (debug logs included).
  const printed = `${ran.stdout}\n${ran.stderr}`;
  expect(printed.includes(KEY)).toBe(false);
  expect(printed.includes(KEY.slice(8, 30))).toBe(false);

  // Nothing the CLI started outlives it: no Postgres (or anything else) on its DATA_DIR.
  expect(await processesUsing(ran.dataDir)).toEqual([]);
  return { doc, sent };
}

describe('listinglab compare --json against an OpenAI-compatible server', () => {
  test('a server that takes strict json_schema: every model stage asked for it', async () => {
    const { sent } = await runAgainst(undefined);
    expect(sent.map((r) => r.body.response_format?.type)).toEqual(sent.map(() => 'json_schema'));
    expect(new Set(sent.map((r) => requestedSchema(r.body)?.name))).toEqual(new Set(['ctr_evaluation', 'pdp_evaluation', 'text_evaluation', 'buyer_personas']));
  }, 180_000);

  test('a server that refuses json_schema (DeepSeek\'s 400): JSON mode, remembered, every stage still from the model', async () => {
    const { sent } = await runAgainst(formatRefusals.deepseek);
    const modes = sent.map((r) => r.body.response_format?.type ?? 'none');
    // ctr, pdp and text start together, each in both orders, so each call may meet the refusal once; then JSON mode only.
    expect(modes.filter((m) => m === 'json_schema').length).toBeGreaterThan(0);
    expect(modes.filter((m) => m === 'json_schema').length).toBeLessThanOrEqual(6);
    expect(modes.filter((m) => m !== 'json_schema').every((m) => m === 'json_object')).toBe(true);
    // Avatars run after ctr, pdp and text: by then the provider knows, and asks in JSON mode at once.
    expect(sent.filter((r) => requestedSchema(r.body)?.name === 'buyer_personas').map((r) => r.body.response_format?.type)).toEqual(['json_object', 'json_object']); // both orders
  }, 180_000);
});
