/**
 * `npm run bench -- --against <git-ref> [--rounds R] [bench options…]`
 *
 * The same load on two builds in one invocation: the other ref is checked out into a temporary git
 * worktree (its node_modules linked from this checkout when the lockfiles match, else installed
 * with `npm ci`), and `bench/run.ts --json` with the same options runs in each tree as a child
 * process, one at a time, in the order other, this, this, other… (ABBA), so drift on a noisy
 * machine falls on both alike. Each figure is averaged over the rounds and printed for both with
 * their ratio (this ÷ other: below 1 means this build needs less). `--json` prints
 * `{ other: {ref, figures}, this: {figures}, ratio }` instead.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

type Figures = Record<string, number>;

const root = path.resolve(import.meta.dirname, '..');

function run(cmd: string, args: readonly string[], cwd: string, quiet = false): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      if (!quiet) process.stderr.write(c);
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** `{ack_ms: {p50, p99}}` → `{ 'ack_ms.p50': …, 'ack_ms.p99': … }`; numbers only. */
export function flatten(x: unknown, prefix = ''): Figures {
  if (typeof x === 'number') return { [prefix]: x };
  if (x === null || typeof x !== 'object') return {};
  return Object.assign({}, ...Object.entries(x).map(([k, v]) => flatten(v, prefix ? `${prefix}.${k}` : k))) as Figures;
}

/** The mean of each figure over the rounds that reported it. */
export function mean(rounds: readonly Figures[]): Figures {
  const keys = [...new Set(rounds.flatMap((r) => Object.keys(r)))];
  return Object.fromEntries(
    keys.map((k) => {
      const xs = rounds.map((r) => r[k]).filter((v): v is number => typeof v === 'number');
      return [k, xs.reduce((a, b) => a + b, 0) / xs.length];
    }),
  );
}

async function benchIn(tree: string, options: readonly string[]): Promise<Figures> {
  const out = await run(process.execPath, ['bench/run.ts', ...options, '--json'], tree, true);
  const line = out.stdout.trim().split('\n').at(-1) ?? '';
  if (out.code !== 0 && out.code !== 1) throw new Error(`bench in ${tree} exited ${out.code}:\n${out.stderr.slice(-2000)}`);
  try {
    return flatten(JSON.parse(line));
  } catch {
    throw new Error(`bench in ${tree} printed no JSON:\n${out.stdout.slice(-1000)}\n${out.stderr.slice(-2000)}`);
  }
}

export async function runAgainst(argv: readonly string[]): Promise<number> {
  const at = argv.indexOf('--against');
  const ref = argv[at + 1];
  if (at < 0 || !ref || ref.startsWith('--')) {
    process.stderr.write('Usage: npm run bench -- --against <git-ref> [--rounds R] [--concurrency N] [--scale S] [--json]\n');
    return 2;
  }
  const rest = argv.filter((_, i) => i !== at && i !== at + 1);
  const json = rest.includes('--json');
  const r = rest.indexOf('--rounds');
  const rounds = r >= 0 ? Math.max(1, Number(rest[r + 1]) || 1) : 2;
  const options = rest.filter((a, i) => a !== '--json' && !(r >= 0 && (i === r || i === r + 1)));

  const resolved = await run('git', ['rev-parse', '--verify', `${ref}^{commit}`], root, true);
  if (resolved.code !== 0) {
    process.stderr.write(`bench: ${ref} is not a commit of this repository\n`);
    return 2;
  }
  const commit = resolved.stdout.trim();
  const tree = await mkdtemp(path.join(os.tmpdir(), 'listinglab-against-'));
  try {
    const added = await run('git', ['worktree', 'add', '--detach', tree, commit], root, true);
    if (added.code !== 0) throw new Error(`git worktree add failed: ${added.stderr}`);
    const [ours, theirs] = await Promise.all([readFile(path.join(root, 'package-lock.json'), 'utf8'), readFile(path.join(tree, 'package-lock.json'), 'utf8').catch(() => '')]);
    if (ours === theirs) {
      await symlink(path.join(root, 'node_modules'), path.join(tree, 'node_modules'), 'dir');
    } else {
      process.stderr.write(`bench: ${ref} has other dependencies: npm ci in ${tree}\n`);
      const ci = await run('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], tree);
      if (ci.code !== 0) throw new Error(`npm ci for ${ref} failed`);
    }
    // The warm-up's default changed (2 runs, then one burst as large as the measured one): both
    // builds are given the same explicitly, unless the other predates the option.
    if (!options.includes('--warm-up')) {
      const c = options.indexOf('--concurrency');
      const warmUp = c >= 0 ? String(options[c + 1]) : '20';
      if ((await readFile(path.join(tree, 'bench', 'run.ts'), 'utf8')).includes("'warm-up'")) options.push('--warm-up', warmUp);
      else process.stderr.write(`bench: ${ref} has no --warm-up (it warms up with 2 runs; this checkout with ${warmUp})\n`);
    }
    const other: Figures[] = [];
    const ours2: Figures[] = [];
    for (let i = 0; i < rounds; i++) {
      // ABBA: other, this, this, other, other, this…
      const order = i % 2 === 0 ? (['other', 'this'] as const) : (['this', 'other'] as const);
      for (const which of order) {
        process.stderr.write(`bench: round ${i + 1}/${rounds}, ${which === 'other' ? ref : 'this checkout'}…\n`);
        (which === 'other' ? other : ours2).push(await benchIn(which === 'other' ? tree : root, options));
      }
    }
    const a = mean(other);
    const b = mean(ours2);
    const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
    const ratio = Object.fromEntries(keys.flatMap((k) => (a[k] && b[k] !== undefined ? [[k, Math.round((b[k] / a[k]) * 1000) / 1000]] : [])));
    if (json) {
      process.stdout.write(`${JSON.stringify({ other: { ref, commit, figures: a }, this: { figures: b }, ratio, rounds })}\n`);
    } else {
      const fmt = (v: number | undefined) => (v === undefined ? '—' : String(Math.round(v * 1000) / 1000));
      process.stdout.write(`ListingLab bench, the same load on two builds (${rounds} rounds each, ABBA), options: ${options.join(' ') || '(defaults)'}\n`);
      process.stdout.write(`${'figure'.padEnd(52)}${ref.slice(0, 14).padStart(16)}${'this'.padStart(16)}${'this ÷ other'.padStart(14)}\n`);
      for (const k of keys) process.stdout.write(`${k.padEnd(52)}${fmt(a[k]).padStart(16)}${fmt(b[k]).padStart(16)}${(ratio[k] === undefined ? '—' : String(ratio[k])).padStart(14)}\n`);
    }
    return 0;
  } finally {
    await run('git', ['worktree', 'remove', '--force', tree], root, true);
    await rm(tree, { recursive: true, force: true });
  }
}
