/**
 * Golden tests outside vitest, through the real CLI:
 *   node golden_tests/run.ts --live     against the configured model providers (OPENAI_API_KEY /
 *                                       ANTHROPIC_API_KEY in the environment): winners must hold,
 *                                       scores within each pair's tolerance
 *   node golden_tests/run.ts --update   re-freeze the offline scores after a reviewed change
 * The offline check runs in `npm test` (golden.test.ts).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const live = process.argv.includes('--live');
const update = process.argv.includes('--update');
if (live && !process.env.OPENAI_API_KEY && !process.env.ANTHROPIC_API_KEY) {
  process.stderr.write('--live needs OPENAI_API_KEY or ANTHROPIC_API_KEY in the environment\n');
  process.exit(2);
}
const cli = path.resolve(import.meta.dirname, '../service/main/cli.ts');
const pairsDir = path.resolve(import.meta.dirname, 'pairs');
let failures = 0;
for (const name of readdirSync(pairsDir).sort()) {
  const file = path.join(pairsDir, name, 'expected.json');
  const expected = JSON.parse(readFileSync(file, 'utf8')) as { winner: string; score: { A: number; B: number }; tolerance: number; liveTolerance?: number };
  const env = live ? process.env : { ...process.env, OPENAI_API_KEY: '', ANTHROPIC_API_KEY: '', OPENAI_BASE_URL: '', ANTHROPIC_BASE_URL: '' };
  const out = execFileSync(process.execPath, [cli, 'compare', path.join(pairsDir, name, 'A'), path.join(pairsDir, name, 'B'), '--fresh', '--json'], { env, stdio: ['ignore', 'pipe', 'ignore'] });
  const doc = JSON.parse(out.toString()) as { verdict: { winner: string; score: { A: number; B: number } } | null };
  if (!doc.verdict) {
    failures++;
    process.stdout.write(`✗ ${name}: no verdict\n`);
    continue;
  }
  if (update) {
    writeFileSync(file, `${JSON.stringify({ ...expected, winner: doc.verdict.winner, score: doc.verdict.score }, null, 2)}\n`);
    process.stdout.write(`↻ ${name}: ${doc.verdict.winner} A ${doc.verdict.score.A} B ${doc.verdict.score.B}\n`);
    continue;
  }
  const tol = live ? (expected.liveTolerance ?? 1.5) : expected.tolerance;
  const ok = doc.verdict.winner === expected.winner && Math.abs(doc.verdict.score.A - expected.score.A) <= tol && Math.abs(doc.verdict.score.B - expected.score.B) <= tol;
  if (!ok) failures++;
  process.stdout.write(`${ok ? '✓' : '✗'} ${name}: ${doc.verdict.winner} (expected ${expected.winner}), A ${doc.verdict.score.A} B ${doc.verdict.score.B} (expected A ${expected.score.A} B ${expected.score.B} ± ${tol})\n`);
}
process.exit(failures ? 1 : 0);
