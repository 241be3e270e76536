import { loadRunView, type RunView, type StageView } from '../app/views/index.ts';
import type { Database } from './database.ts';

const TERMINAL = new Set(['succeeded', 'partial', 'failed']);

/**
 * Follows a run until it ends, calling `onView` with every fresh RunView (the terminal prints
 * from it). Woken by the pipeline's NOTIFY on each change, with a 500 ms poll as a backstop.
 */
export async function watchRun(db: Database, runId: string, onView: (view: RunView) => void): Promise<RunView> {
  let wake: (() => void) | undefined;
  const listener = await db.sql.listen('listinglab_run', (payload) => {
    if (payload === runId) wake?.();
  });
  try {
    for (;;) {
      const view = await loadRunView(db.db, runId);
      if (!view) throw new Error(`run ${runId} disappeared`);
      onView(view);
      if (TERMINAL.has(view.status)) return view;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 500);
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  } finally {
    await listener.unlisten();
  }
}

/** An `onView` that prints each stage once, when it settles. */
export function printSettledStages(line: (view: RunView, stage: StageView) => string): (view: RunView) => void {
  const printed = new Set<string>();
  return (view) => {
    for (const s of view.stages) {
      if (!['succeeded', 'failed', 'skipped'].includes(s.status) || printed.has(s.name)) continue;
      printed.add(s.name);
      process.stderr.write(`${line(view, s)}\n`);
    }
  };
}
