import { Writable } from 'node:stream';

/**
 * A pino destination for a person at a terminal: each JSON line (already scrubbed by the logger)
 * becomes `listinglab: warning: <message> (key=value …)` on the given stream. The JSON stays the
 * format of the service's logs, where machines read them.
 */

const LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warning', 50: 'error', 60: 'fatal' };
const HIDDEN = new Set(['level', 'time', 'pid', 'hostname', 'msg']);

export function humanDestination(out: NodeJS.WritableStream = process.stderr): Writable {
  let pending = '';
  return new Writable({
    write(chunk: Buffer, _enc, cb) {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) out.write(`${humanLine(line)}\n`);
      cb();
    },
  });
}

export function humanLine(json: string): string {
  let rec: Record<string, unknown>;
  try {
    rec = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return `listinglab: ${json}`;
  }
  const level = LEVELS[Number(rec.level)] ?? 'log';
  const details = Object.entries(rec)
    .filter(([k]) => !HIDDEN.has(k))
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  const errMessage = typeof rec.err === 'object' && rec.err !== null ? (rec.err as { message?: unknown }).message : undefined;
  const msg = typeof rec.msg === 'string' ? rec.msg : typeof errMessage === 'string' ? errMessage : '';
  return `listinglab: ${level}: ${msg}${details.length ? ` (${details.join(', ')})` : ''}`;
}
