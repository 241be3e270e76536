import { z } from 'zod';
import { DRAFT_STAGES } from '../domain/draft-flow.ts';

/**
 * Every task's name and payload schema. Payloads carry ids, never state: a task reads the state
 * it needs from the database when it runs (graphile-worker's habit), so a retried or late job
 * always acts on the truth.
 */
export const TASK_PAYLOADS = {
  /** Retention (db/retention.ts): one bounded pass over expired caches, links, unused images and old raw answers. Recurring; a pass that leaves more schedules one follow-up. */
  sweep_expired: z.object({}).loose(),
  /** Stage 0: fetch both listings, store their images, measure them. */
  acquire_listings: z.object({ runId: z.uuid() }),
  /** One evaluation stage of a run (ctr, pdp, text, avatars, verdict). */
  run_stage: z.object({ runId: z.uuid(), stage: z.enum(['ctr', 'pdp', 'text', 'avatars', 'verdict']) }),
  /** One stage of a draft run (photos → listing drafts): draft_acquire, draft_analyze, draft_write, draft_score. */
  draft_stage: z.object({ runId: z.uuid(), stage: z.enum(DRAFT_STAGES) }),
  /** Bring a run's chat messages up to date (rendered from the database, never the payload). */
  deliver_run: z.object({ runId: z.uuid() }),
  /** Give up runs whose worker died (no live job, no progress): refund, fail 'timeout'. Recurring. */
  reclaim_stale_runs: z.object({}).loose(),
  /**
   * A notice in a workspace channel, outside any run, rendered from the database when it runs:
   * `purchase` — the credits bought with Checkout session `ref` (its ledger row) and the balance;
   * `reversal` — credits taken back after a refund or a lost dispute (`ref`: that ledger row's key).
   */
  notify_workspace: z.object({ workspaceId: z.uuid(), channelId: z.string().min(1), notice: z.enum(['purchase', 'reversal']), ref: z.string().min(1) }),
} as const;

export type TaskName = keyof typeof TASK_PAYLOADS;
export type TaskPayload<N extends TaskName> = z.infer<(typeof TASK_PAYLOADS)[N]>;

/** Recurring tasks (graphile-worker crontab syntax). */
export const CRONTAB = `
*/15 * * * * sweep_expired ?fill=1h&max=1
* * * * * reclaim_stale_runs ?max=1
`;
