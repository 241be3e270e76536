import { spawn } from 'node:child_process';

/** What a finished child process printed and how it ended. */
export interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `node <args…>` on the pinned Node (process.execPath) with exactly `env` (plus PATH), as a
 * user's shell would, and collects its output.
 */
export function runNode(args: readonly string[], opts: { cwd: string; env: Record<string, string> }): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: opts.cwd, env: { PATH: process.env.PATH ?? '', ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Whether a Postgres server whose command line names `dir` (a DATA_DIR) is still running. */
export function postgresRunning(dir: string): Promise<boolean> {
  return new Promise((resolve) => {
    const ps = spawn('ps', ['-eo', 'args'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    ps.stdout.on('data', (c: Buffer) => (out += c.toString()));
    ps.on('close', () => resolve(out.split('\n').some((l) => l.includes('postgres') && l.includes(dir))));
  });
}
