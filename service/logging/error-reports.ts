import type * as SentryNode from '@sentry/node';
import { isUserError } from '../domain/errors.ts';
import { createScrubber, REDACTED } from './scrubber.ts';

/**
 * Error reports to Sentry, only when SENTRY_DSN is set (`initErrorReports`, called once by the
 * preload service/main/instrument.ts). Before that call — or without a DSN — every function here is
 * a no-op and nothing is sent.
 *
 * Invariants:
 * - no configured secret leaves in an event: `beforeSend` runs every string of the event (keys
 *   included) through the logger's scrubber, fed the same secrets as the logger;
 * - no personal data or request bodies: every `dataCollection` category is off (SDK 11's form of
 *   `sendDefaultPii: false`), and request bodies, cookies and headers are dropped again in
 *   `beforeSend`;
 * - a UserError (bad input, shown to the person who asked) is never reported.
 *
 * `@sentry/node` (~10 MB of heap once loaded, marked on every major GC) is imported by
 * `initErrorReports` itself, so a deployment without SENTRY_DSN never loads it.
 *
 * @see https://docs.sentry.io/platforms/javascript/guides/node/install/esm/
 */

const scrubber = createScrubber();
/** The loaded SDK once `initErrorReports` has run; undefined means reports are off. */
let sentry: typeof SentryNode | undefined;

export interface ErrorReportsOptions {
  readonly dsn: string;
  /** Sentry's `environment` (default: Sentry's own, "production"). */
  readonly environment?: string | undefined;
  /** Configured secrets scrubbed from every event (the logger's list). */
  readonly secrets: readonly string[];
}

export async function initErrorReports(opts: ErrorReportsOptions): Promise<void> {
  // A DSN with a secret part (the legacy `public:secret@` form): that part is a secret too.
  const dsnSecret = safeUrl(opts.dsn)?.password;
  scrubber.add([...opts.secrets, ...(dsnSecret ? [decodeURIComponent(dsnSecret)] : [])]);
  const Sentry = await import('@sentry/node');
  Sentry.init({
    dsn: opts.dsn,
    ...(opts.environment ? { environment: opts.environment } : {}),
    // No personal data and no payloads (SDK 11's `dataCollection` replaces `sendDefaultPii: false`):
    // no user, cookies, headers, bodies, query strings, local variables or queue arguments.
    dataCollection: {
      userInfo: false,
      cookies: false,
      httpHeaders: false,
      httpBodies: [],
      urlQueryParams: false,
      graphQL: { document: false, variables: false },
      genAI: { inputs: false, outputs: false },
      mcp: { inputs: false, outputs: false },
      databaseQueryData: false,
      queues: false,
      stackFrameVariables: false,
    },
    // Errors only: no performance tracing, so no spans to scrub and no auto-instrumentation needed.
    tracesSampleRate: 0,
    // Fastify's automatic capture would report again what the error handler reports (and user
    // errors too): service/http/app.ts reports 5xx itself.
    integrations: (defaults) => defaults.filter((i) => i.name !== 'Fastify'),
    beforeSend: (event, hint) => (isUserError(hint.originalException) ? null : scrubEvent(event)),
    beforeBreadcrumb: (crumb) => scrubDeep(crumb),
  });
  sentry = Sentry;
}

/** Secrets learned after start (e.g. the embedded Postgres password); see addLogSecrets. */
export function addReportSecrets(secrets: readonly string[]): void {
  scrubber.add(secrets);
}

/** Tags that find the failure: run id, stage, task, route… (no personal data, no bodies). */
export type ReportTags = Readonly<Record<string, string | number | undefined>>;

/** Reports an unexpected error (a UserError is expected, and never reported). */
export function reportError(error: unknown, tags: ReportTags = {}): void {
  if (!sentry || isUserError(error)) return;
  const defined = Object.fromEntries(Object.entries(tags).filter(([, v]) => v !== undefined)) as Record<string, string | number>;
  sentry.captureException(error, { tags: defined });
}

/** Waits (at most `timeoutMs`) for reports in flight; call before `process.exit`. */
export async function flushErrorReports(timeoutMs = 2_000): Promise<void> {
  if (sentry) await sentry.flush(timeoutMs).catch(() => false);
}

function scrubEvent<E extends SentryNode.ErrorEvent>(event: E): E | null {
  try {
    if (event.request) {
      delete event.request.data;
      delete event.request.cookies;
      delete event.request.headers;
    }
    return scrubDeep(event);
  } catch {
    return null; // an event that cannot be scrubbed is not sent
  }
}

/** A copy of `value` with every string — values and keys — scrubbed. */
export function scrubDeep<T>(value: T, seen = new WeakSet<object>()): T {
  if (typeof value === 'string') return scrubber.scrub(value) as T;
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return REDACTED as T;
  seen.add(value);
  if (Array.isArray(value)) return value.map((v: unknown) => scrubDeep(v, seen)) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[scrubber.scrub(k)] = scrubDeep(v, seen);
  return out as T;
}

function safeUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}
