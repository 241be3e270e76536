import { pino, type Logger } from 'pino';
import { toLoggable } from './logging/loggable.ts';
import { createScrubber, type Scrubber } from './logging/scrubber.ts';

export type { Logger };

/**
 * The process logger (pino, JSON lines). Two guarantees, at every level and for any argument:
 * - it never throws: every logged value first becomes plain data (`toLoggable`: cycles, BigInt,
 *   Buffers, Errors with causes, Node and Fastify requests, Proxies that throw on access), and a
 *   line that still cannot be written becomes a short placeholder line;
 * - configured secrets never reach the output: the finished line is scrubbed where its bytes are
 *   written (`hooks.streamWrite`), whatever produced it — messages, keys, nested error messages,
 *   child bindings, Fastify's own lines. Keys that name a credential are redacted at any depth.
 */

const SCRUBBER = Symbol.for('listinglab.logger.scrubber');

export function createLogger(opts: { level: string; secrets?: readonly string[]; destination?: pino.DestinationStream }): Logger {
  const scrubber = createScrubber(opts.secrets ?? []);
  const safe = (v: unknown) => toLoggable(v, { scrub: (s) => scrubber.scrub(s) });
  const logger = pino(
    {
      level: opts.level,
      hooks: {
        logMethod(args, method) {
          let safeArgs: unknown[];
          try {
            safeArgs = loggableArgs(args, safe);
          } catch {
            safeArgs = ['[log arguments could not be read]'];
          }
          try {
            method.apply(this, safeArgs as Parameters<typeof method>);
          } catch (e) {
            try {
              method.call(this, { logError: safe(e) }, 'a log line could not be written');
            } catch {
              // Nothing more can be done without risking the caller: the line is dropped.
            }
          }
        },
        streamWrite(line) {
          try {
            return scrubber.scrub(line);
          } catch {
            return '{"msg":"[a log line was dropped: it could not be scrubbed]"}\n';
          }
        },
      },
      formatters: { bindings: (bindings) => asRecord(safe(bindings)) },
      // Values arrive already made loggable (Errors included): pino's own err serializer would
      // re-read them as a foreign object. Fastify's children inherit these.
      serializers: { err: passThrough, error: passThrough },
    },
    opts.destination ?? pino.destination({ fd: 2, sync: false }),
  );
  // Children's bindings are serialised once, at creation: make them plain data first.
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called with each child as `this` below
  const baseChild = logger.child as unknown as (this: unknown, bindings: pino.Bindings, options?: pino.ChildLoggerOptions) => Logger;
  const child = function (this: unknown, bindings: pino.Bindings, options?: pino.ChildLoggerOptions) {
    return baseChild.call(this, asRecord(safe(bindings)), options);
  };
  Object.defineProperty(logger, 'child', { value: child, writable: true, configurable: true });
  Object.defineProperty(logger, SCRUBBER, { value: scrubber });
  return logger;
}

/** Secrets learned after the logger was made (e.g. the embedded Postgres password). */
export function addLogSecrets(logger: Logger, secrets: readonly string[]): void {
  (logger as unknown as { [SCRUBBER]?: Scrubber })[SCRUBBER]?.add(secrets);
}

/**
 * pino's call shapes: (obj, msg?, ...args), (err, msg?), (msg, ...args). The merging object becomes
 * plain data (an Error goes under `err`, as pino would put it); format arguments likewise.
 */
function loggableArgs(args: readonly unknown[], safe: (v: unknown) => unknown): unknown[] {
  if (args.length === 0) return [];
  const [first, ...rest] = args;
  const restSafe = rest.map((a) => (typeof a === 'string' ? a : safe(a)));
  if (typeof first === 'string') return [first, ...restSafe];
  if (typeof first !== 'object' || first === null) return [first === null ? {} : String(safe(first)), ...restSafe];
  const loggable = safe(first);
  if (isErrorLike(first)) return [{ err: loggable }, ...restSafe];
  return [asRecord(loggable), ...restSafe];
}

function passThrough(v: unknown): unknown {
  return v;
}

function isErrorLike(v: object): boolean {
  try {
    return v instanceof Error;
  } catch {
    return false;
  }
}

function asRecord(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : { value: v };
}
