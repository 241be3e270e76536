import os from 'node:os';
import type { Db } from '../db/client.ts';
import { beat, forget, reapDeadWorkers } from '../db/repos/heartbeats.ts';
import type { Logger } from '../logger.ts';

/**
 * graphile-worker leaves the jobs of a killed worker locked for 4 hours. Every worker process
 * here writes a heartbeat for its workers every `intervalMs`, and reaps workers whose heartbeat
 * is older than `staleMs` (force_unlock_workers), so a crashed run resumes within seconds. Tasks
 * are idempotent, so a job that runs again after its worker died does no harm.
 */
export interface HeartbeatOptions {
  readonly db: Db;
  readonly logger: Logger;
  /** How often to beat and reap (default 5 s). */
  readonly intervalMs?: number;
  /** A heartbeat older than this means the worker is dead (default 20 s: 4 missed beats). */
  readonly staleMs?: number;
}

export interface Heartbeat {
  add(workerId: string): void;
  remove(workerId: string): void;
  /** One beat + reap now (also run on a timer). */
  tick(): Promise<string[]>;
  stop(): Promise<void>;
}

export function startHeartbeat(opts: HeartbeatOptions): Heartbeat {
  const ids = new Set<string>();
  /** Released cleanly (nothing locked): their rows are deleted, not left to be reaped as dead. */
  const released = new Set<string>();
  const intervalMs = opts.intervalMs ?? 5_000;
  const staleMs = opts.staleMs ?? 20_000;
  const me = `${os.hostname()}:${process.pid}`;
  let running: Promise<string[]> | undefined;

  const tick = async (): Promise<string[]> => {
    const now = new Date();
    if (released.size) {
      const gone = [...released];
      await forget(opts.db, gone);
      for (const id of gone) released.delete(id);
    }
    await beat(opts.db, [...ids], me, now);
    const dead = await reapDeadWorkers(opts.db, new Date(now.getTime() - staleMs));
    if (dead.length) opts.logger.warn({ workers: dead }, 'unlocked the jobs of dead workers');
    return dead;
  };
  const safeTick = () => {
    running ??= tick()
      .catch((e: unknown) => {
        // The database may be restarting: the next tick tries again.
        opts.logger.warn({ err: e instanceof Error ? e.message : String(e) }, 'heartbeat failed');
        return [];
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const timer = setInterval(() => void safeTick(), intervalMs);
  timer.unref();
  void safeTick();

  return {
    add: (id) => {
      ids.add(id);
      void safeTick();
    },
    remove: (id) => {
      if (ids.delete(id)) released.add(id);
    },
    tick: safeTick,
    async stop() {
      clearInterval(timer);
      await running;
      await forget(opts.db, [...ids, ...released]).catch(() => undefined);
      ids.clear();
      released.clear();
    },
  };
}
