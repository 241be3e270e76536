/**
 * The few calls of Apify's REST API v2 that ListingLab makes, over Node's `fetch` (undici).
 *
 * Why not `apify-client`: for three calls per ASIN it brought `ow` validation, axios,
 * follow-redirects, proxy-agent and async-retry — about a fifth of the event loop's time while 20
 * comparisons acquired their listings, and ~3 MB of idle heap (issue 22). This keeps what we used of
 * it: the same endpoints, the token as `Authorization: Bearer`, and its retry rule (429, 5xx and
 * network faults retried with exponential backoff from 250 ms; any other status is final).
 *
 * Differences on purpose: every request takes the caller's `AbortSignal` (the overall deadline),
 * a retry is never scheduled past that deadline, and a 429's `Retry-After` is honoured.
 *
 * @see https://docs.apify.com/api/v2#authentication
 * @see https://docs.apify.com/api/v2#rate-limiting
 * @see https://docs.apify.com/api/client/js/docs/concepts/retries
 */

export interface ApifyApiOptions {
  /** An origin without `/v2`, e.g. `https://api.apify.com`. */
  readonly baseUrl: string;
  readonly token?: string | undefined;
  /** Retries of 429/5xx/network faults after the first attempt. */
  readonly maxRetries: number;
  /** The first retry's delay; each next one doubles, times a random factor in [1, 2). */
  readonly minRetryDelayMs?: number;
}

export interface ApifyRequest {
  readonly method: 'GET' | 'POST';
  /** Under `/v2`, e.g. `/actor-runs/abc`; ids already encoded. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number>>;
  /** Sent as JSON. */
  readonly body?: unknown;
  /** Aborts the request and any wait before a retry. */
  readonly signal: AbortSignal;
  /** No retry is scheduled to start at or after this time (ms since the epoch). */
  readonly deadline: number;
  /** Overrides `maxRetries` (0 for a best-effort call). */
  readonly maxRetries?: number;
}

/** Apify answered with an error status: `{ error: { type, message } }` when the body says so. */
export class ApifyApiError extends Error {
  readonly status: number;
  readonly type: string | undefined;
  constructor(status: number, type: string | undefined, message: string) {
    super(`${status} ${type ?? ''} ${message}`.replace(/\s+/g, ' ').trim());
    this.name = 'ApifyApiError';
    this.status = status;
    this.type = type;
  }
}

export type ApifyApi = (request: ApifyRequest) => Promise<unknown>;

const USER_AGENT = `listinglab (Node/${process.version})`;

/** Returns a function that performs one API call (with its retries) and resolves to its parsed JSON. */
export function createApifyApi(options: ApifyApiOptions): ApifyApi {
  const origin = options.baseUrl.replace(/\/+$/, '');
  const minDelay = options.minRetryDelayMs ?? 250;
  const headers: Record<string, string> = { accept: 'application/json', 'user-agent': USER_AGENT };
  // The token travels in this header only: never in a URL, where proxies and logs would keep it.
  if (options.token) headers.authorization = `Bearer ${options.token}`;

  return async function call(request) {
    const url = new URL(`${origin}/v2${request.path}`);
    for (const [key, value] of Object.entries(request.query ?? {})) url.searchParams.set(key, String(value));
    const init: RequestInit = {
      method: request.method,
      headers: request.body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
      signal: request.signal,
    };
    const maxRetries = request.maxRetries ?? options.maxRetries;
    for (let attempt = 0; ; attempt++) {
      let failure: Error;
      let retryAfterMs = 0;
      try {
        const response = await fetch(url, init);
        if (response.ok) return await response.json();
        failure = await apiError(response);
        if (response.status !== 429 && response.status < 500) throw failure;
        retryAfterMs = response.status === 429 ? parseRetryAfter(response.headers.get('retry-after')) : 0;
      } catch (error) {
        // The deadline or the caller: stop now, with the signal's reason.
        request.signal.throwIfAborted();
        if (error instanceof ApifyApiError) throw error;
        // A network fault, or a 2xx body cut short (invalid JSON): retryable, as apify-client did.
        failure = networkError(error);
      }
      const delay = Math.max(retryAfterMs, minDelay * 2 ** attempt * (1 + Math.random()));
      if (attempt >= maxRetries || Date.now() + delay >= request.deadline) throw failure;
      await sleep(delay, request.signal);
    }
  };
}

async function apiError(response: Response): Promise<ApifyApiError> {
  const text = await response.text().catch(() => '');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const error = (body as { error?: { type?: unknown; message?: unknown } } | undefined)?.error;
  const type = typeof error?.type === 'string' ? error.type : undefined;
  const message = typeof error?.message === 'string' ? error.message : text.slice(0, 200) || response.statusText;
  return new ApifyApiError(response.status, type, message);
}

/** undici's `fetch failed` names its reason (ECONNREFUSED, UND_ERR_SOCKET…) only in `cause`. */
function networkError(error: unknown): Error {
  if (!(error instanceof Error)) return new Error(String(error));
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
  const reason = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : '';
  return new Error(reason ? `${error.message} (${reason})` : error.message, { cause: error });
}

/** `Retry-After`: delay-seconds or an HTTP date (RFC 9110 §10.2.3); 0 when absent or unreadable. */
export function parseRetryAfter(value: string | null): number {
  if (value === null || value.trim() === '') return 0;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? 0 : Math.max(0, at - Date.now());
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    signal.throwIfAborted();
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
