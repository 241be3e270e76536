import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { createLifecycle } from '../../service/main/lifecycle.ts';

/**
 * Shutdown is bounded whatever the parts do: a drain that never settles is abandoned at its
 * deadline, final closers (the embedded Postgres) run on every path, and a final closer that
 * cannot finish gets its emergency stop.
 */

const never = () => new Promise<void>(() => undefined);
const lifecycleModule = path.resolve(import.meta.dirname, '../../service/main/lifecycle.ts');

/** A Node process running `body` after a lifecycle with 500 ms budgets and signal handling. */
function processWithLifecycle(body: string): { child: ReturnType<typeof spawn>; output: () => string; exit: Promise<number | null> } {
  const script = `
    import { createLifecycle } from ${JSON.stringify(lifecycleModule)};
    const lifecycle = createLifecycle({ deadlineMs: 500, finalMs: 500 });
    lifecycle.handleSignals((m) => process.stdout.write(m + '\\n'));
    lifecycle.onShutdown('postgres', async () => { process.stdout.write('final ran\\n'); }, { final: true });
    setInterval(() => {}, 1000);
    ${body}
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const exit = new Promise<number | null>((r) => child.on('exit', r));
  return { child, output: () => out, exit };
}

describe('lifecycle', () => {
  test('a hanging drain is abandoned at the deadline and the final closer still runs', async () => {
    const lifecycle = createLifecycle({ deadlineMs: 300, finalMs: 300 });
    const order: string[] = [];
    lifecycle.onShutdown('postgres', async () => void order.push('postgres'), { final: true });
    lifecycle.onShutdown('pool', async () => void order.push('pool'));
    lifecycle.onShutdown('worker', never);
    lifecycle.onShutdown('http', async () => void order.push('http'));
    const started = Date.now();
    await lifecycle.shutdown('test');
    expect(Date.now() - started).toBeLessThan(1_000);
    // http first (last registered), the worker abandoned, the pool skipped or run, postgres last.
    expect(order[0]).toBe('http');
    expect(order.at(-1)).toBe('postgres');
  });

  test('a drain with its own timeout leaves time for the next one', async () => {
    const lifecycle = createLifecycle({ deadlineMs: 1_000 });
    const order: string[] = [];
    lifecycle.onShutdown('pool', async () => void order.push('pool'));
    lifecycle.onShutdown('http', never, { timeoutMs: 100 });
    await lifecycle.shutdown('test');
    expect(order).toEqual(['pool']);
  });

  test('a final closer that cannot finish gets its emergency stop', async () => {
    const lifecycle = createLifecycle({ deadlineMs: 100, finalMs: 100 });
    let forced = 0;
    lifecycle.onShutdown('postgres', never, { final: true, emergency: () => void forced++ });
    await lifecycle.shutdown('test');
    expect(forced).toBe(1);
  });

  test('a final closer that finished is not forced', async () => {
    const lifecycle = createLifecycle({ deadlineMs: 100, finalMs: 100 });
    let forced = 0;
    lifecycle.onShutdown('postgres', async () => undefined, { final: true, emergency: () => void forced++ });
    await lifecycle.shutdown('test');
    expect(forced).toBe(0);
  });

  test('SIGTERM to a process whose drain hangs: it exits within the bound and its final closer ran', async () => {
    const p = processWithLifecycle(`lifecycle.onShutdown('slack drain', () => new Promise(() => {})); process.stdout.write('ready\\n');`);
    while (!p.output().includes('ready')) await new Promise((r) => setTimeout(r, 20));
    const started = Date.now();
    p.child.kill('SIGTERM');
    expect(await p.exit).toBe(0);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(p.output()).toContain('slack drain did not finish');
    expect(p.output()).toContain('final ran');
  });

  test('an uncaught exception shuts down (final closers run) and exits 1', async () => {
    const p = processWithLifecycle(`setTimeout(() => { throw new Error('boom'); }, 10);`);
    expect(await p.exit).toBe(1);
    expect(p.output()).toContain('uncaught exception');
    expect(p.output()).toContain('final ran');
  });
});
