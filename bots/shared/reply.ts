import type { ExperimentView, Presentation, RunView } from '../../service/app/views/index.ts';
import type { CheckoutLink, CreditsSummary } from '../../service/app/credits/index.ts';
import type { DeleteRequest } from '../../service/app/data/index.ts';
import type { HistoryLine } from '../../service/app/workspaces/index.ts';
import type { ErrorCode } from '../../service/domain/errors.ts';

/**
 * What a subcommand answers, platform-neutral: built by dispatch.ts (and dispatch-experiment.ts),
 * rendered by bots/<platform>/.
 */
export type Reply =
  /** Shown only to the requester. `code`: the refusal's error code, when it was one (a front end may offer a way out, e.g. Buy credits). */
  | { readonly kind: 'private'; readonly text: string; readonly code?: ErrorCode }
  /** A comparison was created (or an existing one returned); its root message is posted by the delivery layer. */
  | {
      readonly kind: 'started';
      readonly runId: string;
      readonly shortId: string;
      readonly existing: null | 'same_request' | 'recent_pair';
      readonly balance: number | null;
      /** Waiting for a free slot (at most N running per workspace): 1 = next. Null when running. */
      readonly queuePosition: number | null;
      /** Set when the run is a re-run of an experiment (`experiment rerun`). */
      readonly experiment?: { readonly id: string; readonly shortId: string; readonly name: string; readonly tags: readonly string[] };
    }
  /** A Stripe Checkout link, shown only to the requester. */
  | { readonly kind: 'checkout'; readonly url: string; readonly pack: CheckoutLink['pack'] }
  | { readonly kind: 'credits'; readonly summary: CreditsSummary; readonly text: string }
  | { readonly kind: 'history'; readonly lines: readonly HistoryLine[]; readonly text: string }
  | { readonly kind: 'status'; readonly view: RunView }
  /** One experiment (save, show, pin, unpin), presented with what just happened. */
  | { readonly kind: 'experiment'; readonly experiment: ExperimentView; readonly presentation: Presentation }
  | { readonly kind: 'experiments'; readonly list: readonly ExperimentView[]; readonly presentation: Presentation }
  /**
   * `data delete`: what would go, and a confirmation to press before `request.expiresAt` (the
   * front end renders a danger button carrying `request.confirmationId`, and a Cancel).
   */
  | { readonly kind: 'delete_confirmation'; readonly request: DeleteRequest; readonly text: string };

/** What a run creation (comparison, draft or experiment re-run) tells the user. */
export function startedReply(r: {
  kind: 'created' | 'existing';
  run: { id: string };
  reason?: 'same_request' | 'recent_pair';
  balance?: number;
  queuePosition: number | null;
}): Extract<Reply, { kind: 'started' }> {
  return {
    kind: 'started',
    runId: r.run.id,
    shortId: r.run.id.slice(0, 8),
    existing: r.kind === 'existing' ? (r.reason ?? null) : null,
    balance: r.kind === 'created' ? (r.balance ?? null) : null,
    queuePosition: r.queuePosition,
  };
}
