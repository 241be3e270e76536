/**
 * Graceful shutdown for a process, bounded whatever the parts do.
 *
 * - Closers run in reverse order of registration (last started, first stopped: HTTP, the worker,
 *   pools, then the embedded Postgres). Each gets at most its own timeout and never more than
 *   what is left of the shutdown's deadline: a drain that hangs (a Slack listener, a Discord
 *   edit, a job) is abandoned, and the next closer runs.
 * - `final` closers (the embedded Postgres) run on every exit path: after the drains, after the
 *   deadline, on a second signal, on an uncaught error. Past the deadline their `emergency` hook
 *   (synchronous: a signal to the Postgres we started) runs before the process exits.
 *
 * Invariant: a process that installed `handleSignals` exits within `deadlineMs` + `finalMs` of
 * its first signal, and never leaves behind a Postgres it started.
 */
export interface CloserOptions {
  /** At most this long for this closer (default: whatever is left of the drain budget). */
  readonly timeoutMs?: number;
  /** Runs on every exit path, after the drains (default false). */
  readonly final?: boolean;
  /** Synchronous last resort when `close` could not finish in time (final closers). */
  readonly emergency?: () => void;
}

export interface Lifecycle {
  onShutdown(name: string, close: () => Promise<void>, opts?: CloserOptions): void;
  /** Runs the closers once (bounded by the deadline); resolves when all are done or abandoned. */
  shutdown(reason: string): Promise<void>;
  /**
   * Installs SIGINT/SIGTERM handlers (shut down, exit 0; a second signal exits at once, 1) and
   * uncaught-error handlers (log, shut down, exit 1).
   */
  handleSignals(log: (msg: string) => void): void;
}

export interface LifecycleOptions {
  /** Drains must finish within this (default 8 s; fly.toml's kill_timeout is 15 s). */
  readonly deadlineMs?: number;
  /** Final closers get this much more (default 5 s). */
  readonly finalMs?: number;
}

interface Closer extends CloserOptions {
  readonly name: string;
  readonly close: () => Promise<void>;
}

const TIMED_OUT = Symbol('timed out');

export function createLifecycle(opts: LifecycleOptions = {}): Lifecycle {
  const closers: Closer[] = [];
  const deadlineMs = opts.deadlineMs ?? 8_000;
  const finalMs = opts.finalMs ?? 5_000;
  let running: Promise<void> | undefined;
  let skipDrains = false;
  const unfinishedFinals = new Set<Closer>();

  const within = async (c: Closer, ms: number, log: (m: string) => void): Promise<void> => {
    let timer: NodeJS.Timeout | undefined;
    try {
      const outcome = await Promise.race([
        c.close().then(() => undefined),
        new Promise<typeof TIMED_OUT>((resolve) => {
          timer = setTimeout(() => resolve(TIMED_OUT), Math.max(0, ms));
        }),
      ]);
      if (outcome === TIMED_OUT) log(`shutdown: ${c.name} did not finish within ${Math.round(ms)} ms; going on without it`);
      else unfinishedFinals.delete(c);
    } catch (e) {
      log(`shutdown: ${c.name} failed: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      clearTimeout(timer);
    }
  };

  const runClosers = async (log: (m: string) => void) => {
    const started = Date.now();
    const ordered = closers.toReversed();
    for (const c of ordered) if (c.final) unfinishedFinals.add(c);
    for (const c of ordered.filter((x) => !x.final)) {
      if (skipDrains) break;
      const left = deadlineMs - (Date.now() - started);
      if (left <= 0) {
        log(`shutdown: deadline passed before ${c.name}; skipping it`);
        continue;
      }
      await within(c, Math.min(left, c.timeoutMs ?? left), log);
    }
    for (const c of ordered.filter((x) => x.final)) await within(c, c.timeoutMs ?? finalMs, log);
    emergency(log);
  };

  /** Final closers that did not finish get their synchronous last resort. */
  const emergency = (log: (m: string) => void) => {
    for (const c of unfinishedFinals) {
      log(`shutdown: ${c.name} forced`);
      try {
        c.emergency?.();
      } catch {
        // Exiting anyway.
      }
    }
    unfinishedFinals.clear();
  };

  const lifecycle: Lifecycle = {
    onShutdown(name, close, o = {}) {
      closers.push({ name, close, ...o });
    },
    shutdown(_reason) {
      running ??= runClosers(() => undefined);
      return running;
    },
    handleSignals(log) {
      const exitAfterShutdown = (code: number) => {
        const hard = setTimeout(() => {
          log('shutdown deadline passed: exiting');
          emergency(log);
          process.exit(1);
        }, deadlineMs + finalMs + 1_000);
        hard.unref();
        running ??= runClosers(log);
        void running.then(() => process.exit(code));
      };
      const onSignal = (signal: NodeJS.Signals) => {
        if (running) {
          log(`${signal} again: stopping what must be stopped, then exiting`);
          skipDrains = true;
          emergency(log);
          process.exit(1);
        }
        log(`${signal}: shutting down`);
        exitAfterShutdown(0);
      };
      const onFatal = (kind: string) => (e: unknown) => {
        log(`${kind}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}; shutting down`);
        if (running) return;
        exitAfterShutdown(1);
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      process.on('uncaughtException', onFatal('uncaught exception'));
      process.on('unhandledRejection', onFatal('unhandled rejection'));
    },
  };
  return lifecycle;
}
