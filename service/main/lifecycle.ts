/**
 * Graceful shutdown for a process: closers run in reverse order of registration (last started,
 * first stopped: HTTP, then the worker, then pools, then the embedded Postgres). A second signal
 * or the deadline forces the exit, still trying to stop Postgres so nothing is orphaned.
 */
export interface Lifecycle {
  onShutdown(name: string, close: () => Promise<void>): void;
  /** Runs the closers once; resolves when all are done. */
  shutdown(reason: string): Promise<void>;
  /** Installs SIGINT/SIGTERM handlers that shut down and exit with `exitCode`. */
  handleSignals(log: (msg: string) => void): void;
}

export function createLifecycle(opts: { deadlineMs?: number } = {}): Lifecycle {
  const closers: { name: string; close: () => Promise<void> }[] = [];
  let running: Promise<void> | undefined;
  const deadlineMs = opts.deadlineMs ?? 8_000;

  const runClosers = async (log: (m: string) => void) => {
    for (const { name, close } of closers.toReversed()) {
      try {
        await close();
      } catch (e) {
        log(`shutdown: ${name} failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  };

  const lifecycle: Lifecycle = {
    onShutdown(name, close) {
      closers.push({ name, close });
    },
    shutdown(_reason) {
      running ??= runClosers(() => undefined);
      return running;
    },
    handleSignals(log) {
      const onSignal = (signal: NodeJS.Signals) => {
        if (running) {
          log(`${signal} again: exiting now`);
          process.exit(1);
        }
        log(`${signal}: shutting down`);
        const timer = setTimeout(() => {
          log('shutdown deadline passed: exiting');
          process.exit(1);
        }, deadlineMs);
        timer.unref();
        running = runClosers(log);
        void running.then(() => process.exit(0));
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
    },
  };
  return lifecycle;
}
