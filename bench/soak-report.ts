/**
 * The soak's figures (soak.ts) as one JSON object (`--json`) or a readable table: the bounds first,
 * then the figures behind them.
 */
import type { Bound } from './soak-checks.ts';

export function printSoak(result: { readonly bounds: readonly Bound[] } & Record<string, unknown>, opts: { readonly json: boolean; readonly keptLog: string | undefined }): void {
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ ...result, ...(opts.keptLog ? { log_file: opts.keptLog } : {}) })}\n`);
    return;
  }
  const out = (s: string) => process.stdout.write(`${s}\n`);
  out(`ListingLab soak — ${String(result['runs'])} comparisons, ${String(result['concurrency'])} in flight, model latency ÷${String(result['scale'])}`);
  for (const b of result.bounds) out(`${b.pass ? 'PASS' : b.notCounted ? 'n/a ' : 'FAIL'}  ${b.name.padEnd(42)} ${b.detail}${b.notCounted ? ` (not counted: ${b.notCounted})` : ''}`);
  out('');
  for (const [k, v] of Object.entries(result)) {
    if (k === 'bounds' || k === 'memory_mb') continue;
    out(`${k.padEnd(16)} ${JSON.stringify(v)}`);
  }
  const log = result['log'] as { first_errors?: readonly string[] } | undefined;
  for (const line of log?.first_errors ?? []) out(`  error line: ${line}`);
  if (opts.keptLog) out(`service log: ${opts.keptLog}`);
}
