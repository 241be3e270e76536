import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { PermanentError } from '../domain/errors.ts';

/**
 * Prompts are versioned files: prompts/<stage>/<semver>.md with a `# system` and a `# user`
 * section. At start the registry loads them all and hashes their content; a run pins the current
 * version and hash of each stage's prompt, and later uses exactly that file (a changed file under
 * the same version is refused rather than silently used).
 */

export const PROMPTS_DIR = path.resolve(import.meta.dirname, '../../prompts');

export interface Prompt {
  readonly stage: string;
  readonly version: string;
  readonly hash: string;
  readonly system: string;
  readonly user: string;
}

export type PinnedPrompts = Record<string, { version: string; hash: string }>;

export interface PromptRegistry {
  current(stage: string): Prompt;
  pinned(stage: string, pin: { version: string; hash: string }): Prompt;
  /** The versions a new run pins: the highest version of each stage. */
  pinAll(): PinnedPrompts;
}

function compareSemver(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export function parsePromptFile(stage: string, version: string, text: string): Prompt {
  const body = text.replace(/^---\n[\s\S]*?\n---\n/, '');
  const system = /^# system\n([\s\S]*?)(?=^# user\n)/m.exec(body)?.[1]?.trim();
  const user = /^# user\n([\s\S]*)$/m.exec(body)?.[1]?.trim();
  if (!system || !user) throw new Error(`prompts/${stage}/${version}.md needs a "# system" and a "# user" section`);
  return { stage, version, hash: createHash('sha256').update(text).digest('hex'), system, user };
}

export async function loadPrompts(dir: string = PROMPTS_DIR): Promise<PromptRegistry> {
  const byStage = new Map<string, Prompt[]>();
  for (const stage of await readdir(dir)) {
    const files = (await readdir(path.join(dir, stage)).catch(() => [])).filter((f) => /^\d+\.\d+\.\d+\.md$/.test(f));
    const prompts: Prompt[] = [];
    for (const f of files) prompts.push(parsePromptFile(stage, f.slice(0, -3), await readFile(path.join(dir, stage, f), 'utf8')));
    prompts.sort((a, b) => compareSemver(a.version, b.version));
    if (prompts.length) byStage.set(stage, prompts);
  }
  const registry: PromptRegistry = {
    current(stage) {
      const list = byStage.get(stage);
      const p = list?.[list.length - 1];
      if (!p) throw new Error(`no prompt for stage ${stage} in ${dir}`);
      return p;
    },
    pinned(stage, pin) {
      const p = byStage.get(stage)?.find((x) => x.version === pin.version);
      if (!p) throw new PermanentError('stage_failed', `prompt ${stage}@${pin.version} is no longer available`);
      if (p.hash !== pin.hash) throw new PermanentError('stage_failed', `prompt ${stage}@${pin.version} changed since the run started`);
      return p;
    },
    pinAll() {
      return Object.fromEntries([...byStage.keys()].sort().map((s) => {
        const p = registry.current(s);
        return [s, { version: p.version, hash: p.hash }];
      }));
    },
  };
  return registry;
}

/** Fills {{name}} placeholders; an unknown placeholder is a bug in the prompt file. */
export function renderTemplate(template: string, vars: Readonly<Record<string, string>>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_m, name: string) => {
    const v = vars[name];
    if (v === undefined) throw new Error(`prompt placeholder {{${name}}} has no value`);
    return v;
  });
}
