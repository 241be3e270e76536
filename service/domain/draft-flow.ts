/**
 * The draft run's state machine (pure): four stages one after another, all or nothing.
 *
 *   draft_acquire ─▶ draft_analyze ─▶ draft_write ─▶ draft_score ─▶ run succeeded
 *   any stage failed → the rest skipped, the run failed, full refund
 *
 * A draft is paid when its drafts are delivered: the whole price rides on draft_score, the stage
 * whose success puts them in front of the seller, so any failure before it — or the sweep of a
 * dead run — refunds everything through the engine's usual per-stage refund. The run engine
 * (app/comparisons/run-engine.ts) applies the step this module decides, under the run's row lock.
 */

export const DRAFT_STAGES = ['draft_acquire', 'draft_analyze', 'draft_write', 'draft_score'] as const;
export type DraftStage = (typeof DRAFT_STAGES)[number];

export const isDraftStage = (s: string): s is DraftStage => (DRAFT_STAGES as readonly string[]).includes(s);

export type StageStatus = 'pending' | 'queued' | 'running' | 'succeeded' | 'failed' | 'skipped';

export type DraftStep =
  | { readonly kind: 'enqueue'; readonly stage: DraftStage }
  | { readonly kind: 'fail'; readonly code: string }
  | { readonly kind: 'succeed' }
  | { readonly kind: 'wait' };

/** What to do next, given each stage's status (and a failed stage's error code). */
export function nextDraftStep(rows: readonly { stage: string; status: StageStatus; errorCode?: string | null }[]): DraftStep {
  const byStage = new Map(rows.map((r) => [r.stage, r]));
  for (const stage of DRAFT_STAGES) {
    const row = byStage.get(stage);
    switch (row?.status ?? 'skipped') {
      case 'succeeded':
        continue;
      case 'failed':
      case 'skipped':
        return { kind: 'fail', code: row?.errorCode ?? 'stage_failed' };
      case 'pending':
        return { kind: 'enqueue', stage };
      case 'queued':
      case 'running':
        return { kind: 'wait' };
    }
  }
  return { kind: 'succeed' };
}

/** The stages of a draft with their credits; `metered: false` is the operator's own terminal (nothing charged). */
export function draftStagePrices(price: number, metered: boolean): { stage: DraftStage; credits: number }[] {
  return DRAFT_STAGES.map((stage) => ({ stage, credits: metered && stage === 'draft_score' ? price : 0 }));
}
