import { signCapability, verifyCapability } from '../../support/capability-token.ts';
import { isFinished, type RunView } from '../views/index.ts';

/**
 * Report links: `PUBLIC_URL/r/<token>`, a capability (support/capability-token.ts) naming one
 * run until it expires. Nothing is stored: the link is minted from the run's id and the time it
 * finished, so every rendering of a run (each edit of its root, a `status` reply) carries the same
 * URL, and it opens for `lifetimeDays` after the run finished.
 */

/** The token kind of report links: a token minted for anything else never opens a report. */
export const REPORT_KIND = 'report';

export interface ReportLinks {
  /** The signing key (config `reportLinks.key`): at least 32 bytes. */
  readonly key: Buffer;
  /** Where the service is reachable (PUBLIC_URL), without a trailing slash. */
  readonly baseUrl: string;
  /** How long a link opens after the run finished (default 30 days, DEFAULTS.reportLinks). */
  readonly lifetimeDays?: number;
}

const DAY_MS = 86_400_000;
const DEFAULT_DAYS = 30;

/** The token of a run's report link: valid `lifetimeDays` after `finishedAt` (or `from`, for a run without one). */
export function reportToken(links: Pick<ReportLinks, 'key' | 'lifetimeDays'>, runId: string, from: Date): string {
  return signCapability(links.key, REPORT_KIND, runId, new Date(from.getTime() + (links.lifetimeDays ?? DEFAULT_DAYS) * DAY_MS));
}

/** The run id a report token names, or undefined (unknown, altered, expired: all the same). */
export function reportRunId(key: Buffer, token: string, now: Date): string | undefined {
  return verifyCapability(key, REPORT_KIND, token, now)?.id;
}

/** The report page of a finished comparison, or undefined (links off, a draft, a run still going). */
export function reportUrl(links: ReportLinks | undefined, v: RunView): string | undefined {
  if (!links || v.kind !== 'compare' || !isFinished(v)) return undefined;
  return `${links.baseUrl}/r/${reportToken(links, v.id, v.finishedAt ?? v.createdAt)}`;
}

/** The view with its report URL when there is one (links on, a finished comparison); else as it was. */
export function withReportUrl(v: RunView, links: ReportLinks | undefined): RunView {
  const url = reportUrl(links, v);
  return url ? { ...v, reportUrl: url } : v;
}
