import { execFileSync } from 'node:child_process';
import { lstatSync, readFileSync, readlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';

/**
 * The repository stands alone: a clone in an empty folder has everything its code, tests, demo
 * and docs use. This fails when a tracked text file refers to a path outside the repository:
 * - a relative path that climbs above the root from the file's own folder (an import specifier,
 *   `new URL('…', import.meta.url)`, `path.resolve(import.meta.dirname, '…', …)`, a Markdown link
 *   or code span — every `../…` is resolved against the folder of the file it is written in);
 * - an absolute path on a development machine: into the folder this checkout sits in, or into
 *   the workspace the project was first built in, beside a `shared/` folder it no longer needs;
 * - a tracked symlink whose target lies outside.
 * Comments and docs named the `shared/` folder that sat beside the checkout with a leading `..`,
 * whatever folder they were in; so such a reference that names nothing tracked from its own
 * folder is read from the root as well. A `../…` inside a longer path (`a/../b`, a URL) is not a reference of its own. A
 * test input that must climb (path traversal) is built at run time, e.g.
 * `['..', '..', 'etc'].join('/')`, as the planted cases below are.
 */

interface Escape {
  readonly file: string;
  readonly line: number;
  readonly ref: string;
  /** Where the reference leads, relative to the root (starts with `..`) or absolute. */
  readonly leadsTo: string;
}

const root = execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: import.meta.dirname, encoding: 'utf8' }).trim();
const trackedFiles = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).split('\0').filter(Boolean);
/** Tracked files and every folder holding one, relative to the root. */
const trackedPaths = new Set(trackedFiles.flatMap((f) => f.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/'))));

/** Spelled in parts so that this file's own text does not contain what it looks for. */
const WORK_DIR = ['', 'work', ''].join('/');
const NOT_A_CHECKOUT_PARENT = new Set(['/', os.tmpdir(), os.homedir()].map((d) => path.resolve(d)));

/** Absolute prefixes no tracked file may contain. */
function forbiddenAbsolute(repoRoot: string): string[] {
  const parent = path.dirname(repoRoot);
  return NOT_A_CHECKOUT_PARENT.has(parent) ? [WORK_DIR] : [WORK_DIR, `${parent}/`];
}

/** Folders that once sat beside the checkout (see the note above). */
const FORMER_SIBLINGS = new Set(['shared']);

/** A `./`-or-`../` relative path that starts a token (not the middle of `a/../b` or a URL). */
const RELATIVE = /(?<![\w./\\:-])(?:\.\/)?(?:\.\.\/)+[^\s'"`)\]>,;|]*/g;
/** `resolve(import.meta.dirname, 'a', 'b')` / `join(__dirname, …)`: the literal segments, joined. */
const FROM_DIRNAME = /\b(?:resolve|join)\(\s*(?:import\.meta\.dirname|__dirname)\s*((?:,\s*(?:'[^'\n]*'|"[^"\n]*"|`[^`\n$]*`)\s*)+)[,)]/g;
/** `new URL('…', import.meta.url)`, including a bare `'..'`. */
const URL_FROM_MODULE = /new URL\(\s*(['"`])([^'"`\n]*)\1\s*,\s*import\.meta\.url\s*\)/g;

function leadsOutside(repoRoot: string, resolved: string): string | undefined {
  const rel = path.relative(repoRoot, resolved);
  return rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel) ? rel : undefined;
}

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** The static part of a path: the segments before the first placeholder, glob, query or ellipsis. */
function staticPart(ref: string): string {
  const segments = ref.split('/');
  const dynamic = segments.findIndex((s) => /[$*{}<>#?…]/.test(s));
  return (dynamic === -1 ? segments : segments.slice(0, dynamic)).join('/');
}

/** A reference into a former sibling that names nothing tracked from its own folder is read from the root. */
function readFromRoot(file: string, ref: string): boolean {
  const firstName = ref.split('/').find((s) => s !== '..' && s !== '.');
  if (firstName === undefined || !FORMER_SIBLINGS.has(firstName)) return false;
  return !trackedPaths.has(path.posix.normalize(path.posix.join(path.posix.dirname(file), staticPart(ref))));
}

/** Every reference in `text` (the content of `file`, relative to `repoRoot`) that leaves the repository. */
function scanText(file: string, text: string, repoRoot = root): Escape[] {
  const dir = path.resolve(repoRoot, path.dirname(file));
  const found = new Map<string, Escape>();
  /** Records the reference if it leaves the repository; says whether it did. */
  const check = (index: number, ref: string, relativePath: string, from = dir): boolean => {
    const outside = leadsOutside(repoRoot, path.resolve(from, relativePath));
    if (outside === undefined) return false;
    const line = lineAt(text, index);
    found.set(`${line}\0${ref}`, { file, line, ref, leadsTo: from === dir ? outside : `${outside}, read from the root` });
    return true;
  };
  for (const m of text.matchAll(RELATIVE)) {
    if (!check(m.index, m[0], m[0]) && readFromRoot(file, m[0])) check(m.index, m[0], m[0], repoRoot);
  }
  for (const m of text.matchAll(FROM_DIRNAME)) {
    const segments = [...m[1]!.matchAll(/'([^'\n]*)'|"([^"\n]*)"|`([^`\n]*)`/g)].map((s) => s[1] ?? s[2] ?? s[3] ?? '');
    check(m.index, m[0], path.join(...segments));
  }
  for (const m of text.matchAll(URL_FROM_MODULE)) if (!/^[a-z][\w+.-]*:/i.test(m[2]!)) check(m.index, m[0], m[2]!);
  for (const prefix of forbiddenAbsolute(repoRoot)) {
    for (let i = text.indexOf(prefix); i !== -1; i = text.indexOf(prefix, i + 1)) {
      const line = lineAt(text, i);
      const ref = /[^\s'"`)\]>,;|]*/.exec(text.slice(i))![0];
      found.set(`${line}\0${ref}`, { file, line, ref, leadsTo: ref });
    }
  }
  return [...found.values()];
}

/** A tracked symlink at `file` whose `target` leads out of the repository. */
function scanSymlink(file: string, target: string, repoRoot = root): Escape[] {
  const leadsTo = leadsOutside(repoRoot, path.resolve(repoRoot, path.dirname(file), target));
  return leadsTo === undefined ? [] : [{ file, line: 0, ref: `symlink → ${target}`, leadsTo }];
}

/** Files git tracks, minus the lockfile (registry URLs only) and binaries (a NUL in the first 8 KB, as git decides). */
function scanRepository(): { scanned: string[]; escapes: Escape[] } {
  const scanned: string[] = [];
  const escapes: Escape[] = [];
  for (const file of trackedFiles) {
    if (path.basename(file) === 'package-lock.json') continue;
    const full = path.join(root, file);
    const stat = lstatSync(full, { throwIfNoEntry: false });
    if (!stat) continue; // tracked but deleted in this working tree
    if (stat.isSymbolicLink()) {
      escapes.push(...scanSymlink(file, readlinkSync(full)));
      continue;
    }
    if (!stat.isFile()) continue;
    const bytes = readFileSync(full);
    if (bytes.subarray(0, 8000).includes(0)) continue;
    scanned.push(file);
    escapes.push(...scanText(file, bytes.toString('utf8')));
  }
  return { scanned, escapes };
}

const up = (levels: number) => '../'.repeat(levels);
const format = (e: Escape) => `${e.file}:${e.line}: ${e.ref} leads outside the repository (${e.leadsTo})`;

describe('the repository stands alone', () => {
  test('no tracked file refers to a path outside the repository', () => {
    const { scanned, escapes } = scanRepository();
    expect(scanned).toContain('README.md');
    expect(scanned).toContain('package.json');
    expect(scanned.some((f) => f.endsWith('.jpg') || f.endsWith('.png'))).toBe(false);
    expect(escapes.map(format)).toEqual([]);
  });

  // Planted in strings, never in committed files: each must be caught.
  test.each([
    ['an import specifier', 'bots/discord/planted.test.ts', `import { x } from '${up(3)}shared/fixtures/x.ts';`],
    ['a template literal in new URL()', 'bots/discord/planted.test.ts', `readFileSync(new URL(\`${up(3)}shared/fixtures/discord/\${name}\`, import.meta.url))`],
    ['new URL() from the module', 'test/emulators/image-host.ts', `export const FIXTURES_DIR = fileURLToPath(new URL('${up(3)}shared/fixtures/', import.meta.url));`],
    ['a bare .. in new URL()', 'vitest.config.ts', `const parent = new URL('..', import.meta.url);`],
    ['path.resolve(import.meta.dirname, …)', 'service/providers/rules/ocr.test.ts', `const FIXTURES = path.resolve(import.meta.dirname, '${up(4)}shared/fixtures');`],
    ['segments climbing one at a time', 'test/foundation/planted.ts', `path.join(import.meta.dirname, ${"'..', ".repeat(3)}'shared', 'x')`],
    ['__dirname', 'bench/planted.cjs', `path.resolve(__dirname, "${up(2)}shared")`],
    ['a Markdown code span', 'README.md', `The specification is \`${up(1)}shared/PRODUCT.md\`.`],
    ['a Markdown link', 'docs/product.md', `See [the style](${up(2)}shared/STYLE.md).`],
    ['a shell script', '.ci/run', `cp -r ${up(2)}shared/fixtures test/`],
    ['a comment that meant the root’s sibling', 'test/emulators/image-host.ts', ` *   \`${up(1)}shared/fixtures\` (relative to the repo root), byte for byte`],
    ['a doc comment that meant the root’s sibling', 'golden_tests/make-images.ts', ` * Builds the golden pairs' derived images from the real photos in ${up(1)}shared/fixtures (run once;`],
    ['an absolute path to the original workspace', 'test/emulators/stripe.ts', ` * events shaped like Stripe's (see ${WORK_DIR}shared/fixtures/stripe)`],
  ])('catches %s', (_what, file, text) => {
    expect(scanText(file, text)).not.toEqual([]);
  });

  test('catches an absolute path into the folder that holds the checkout', () => {
    const fakeRoot = '/srv/checkouts/listinglab';
    expect(scanText('README.md', 'copy /srv/checkouts/shared/fixtures/abo first', fakeRoot).map((e) => e.ref)).toEqual(['/srv/checkouts/shared/fixtures/abo']);
  });

  test('catches a symlink that points out', () => {
    expect(scanSymlink('test/fixtures/abo', `${up(3)}shared/fixtures/abo`)).not.toEqual([]);
    expect(scanSymlink('test/fixtures/latest', 'abo/B0799CK52K')).toEqual([]);
  });

  test('passes ordinary in-repo relative paths', () => {
    const fine: [string, string][] = [
      ['bots/discord/commands.ts', `import { EXPERIMENT_TAGS } from '${up(1)}shared/command.ts';`],
      ['bots/slack/commands/buy.ts', `import type { Reply } from '${up(2)}shared/dispatch.ts';`],
      ['bots/discord/render.ts', `import { STAGE_ICONS } from '${up(1)}shared/\${name}.ts';`],
      ['test/foundation/process.test.ts', `const root = path.resolve(import.meta.dirname, '../..');`],
      ['service/providers/rules/ocr.test.ts', `const FIXTURES = path.resolve(import.meta.dirname, '${up(3)}test/fixtures');`],
      ['test/emulators/image-host.ts', `new URL('../fixtures/', import.meta.url); if (rel === '..') return;`],
      ['golden_tests/make-images.ts', `path.resolve(import.meta.dirname, '..', 'test', 'fixtures')`],
      ['README.md', 'See [ARCHITECTURE.md](ARCHITECTURE.md) and [the spec](docs/product.md); https://example.com/a/../b'],
      ['docs/style.md', '[ARCHITECTURE.md](../ARCHITECTURE.md), `test/fixtures/SOURCES.md`, /tmp/listinglab-x'],
      ['service/acquire/image-fetch.ts', `if (rel.startsWith(\`..\${sep}\`)) throw new Error('a/../b is refused');`],
    ];
    for (const [file, text] of fine) expect(scanText(file, text), `${file}: ${text}`).toEqual([]);
  });
});
