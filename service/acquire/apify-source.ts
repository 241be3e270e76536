import { setTimeout as delay } from 'node:timers/promises';
import { AppError, PermanentError, UserError, err } from '../domain/errors.ts';
import { ApifyApiError, createApifyApi } from './apify-api.ts';
import { axessoToListing } from './axesso.ts';
import type { ListingFetchOptions, ListingResult, ListingSource } from './listing-source.ts';

/**
 * `ListingSource` over Apify, running Axesso's Amazon product actor once per ASIN, all ASINs in
 * parallel, under one overall timeout.
 *
 * Per ASIN, the calls apify-client's `actor().call()` and `dataset().listItems()` made: start the
 * run, long-polling for its end (`waitForFinish`, at most 60 s per call, ending before the
 * deadline so the run's id is always known); poll the run while it is not over; list its dataset.
 * A run still going at the deadline is aborted. Every request carries the deadline's signal.
 *
 * @see https://docs.apify.com/api/v2/act-runs-post
 * @see https://docs.apify.com/api/v2/actor-run-get
 * @see https://docs.apify.com/api/v2/dataset-items-get
 * @see https://apify.com/axesso_data/amazon-product-details-scraper/input-schema
 */

export const DEFAULT_APIFY_BASE_URL = 'https://api.apify.com';
export const DEFAULT_APIFY_ACTOR = 'axesso_data/amazon-product-details-scraper';
export const DEFAULT_APIFY_TIMEOUT_MS = 60_000;

export interface ApifySourceOptions {
  /** APIFY_TOKEN. */
  readonly token?: string;
  /** APIFY_BASE_URL: an origin without `/v2` (appended here). Default `https://api.apify.com`. */
  readonly baseUrl?: string;
  /** APIFY_ACTOR: `username/actor-name` or an actor id. Default `axesso_data/amazon-product-details-scraper`. */
  readonly actorId?: string;
  /** Overall timeout for one `fetch` (all ASINs), in ms. Default 60 000. */
  readonly timeoutMs?: number;
  /** Retries of each call's 429/5xx/network faults (default 2: the overall timeout bounds them anyway). */
  readonly maxRetries?: number;
}

/**
 * The actor's input for one ASIN — the one place that knows the Axesso actor's input shape:
 * `{ urls: ["https://www.amazon.com/dp/<ASIN>"] }`.
 */
export function axessoActorInput(asin: string): { urls: string[] } {
  return { urls: [`https://www.amazon.com/dp/${asin}`] };
}

/** The part of Apify's run object this source reads. */
interface ActorRun {
  readonly id: string;
  readonly status: string;
  readonly defaultDatasetId: string;
}

const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'ABORTED', 'TIMED-OUT']);
/** The API holds a `waitForFinish` call at most this long. */
const MAX_WAIT_SECS = 60;
/** The start call's long-poll ends this long before the deadline, so its answer (the run id) arrives. */
const START_MARGIN_MS = 2000;
/** A run just started may not be readable yet (replica lag): apify-client waited this long and asked again. */
const NOT_FOUND_RETRY_MS = 250;
/** How long a best-effort abort of a run may take. */
const ABORT_TIMEOUT_MS = 10_000;

export function createApifySource(options: ApifySourceOptions = {}): ListingSource {
  const timeoutMs = options.timeoutMs ?? DEFAULT_APIFY_TIMEOUT_MS;
  // The actor id's `/` travels as `~` (apify-client's safe id); the path is apify-client's `actors/`.
  const actorPath = `/actors/${encodeURIComponent((options.actorId ?? DEFAULT_APIFY_ACTOR).replace('/', '~'))}`;
  const api = createApifyApi({
    baseUrl: options.baseUrl ?? DEFAULT_APIFY_BASE_URL,
    token: options.token,
    maxRetries: options.maxRetries ?? 2,
  });

  /** Runs the actor for one ASIN and maps its item; every failure becomes a typed error. */
  async function fetchOne(asin: string, deadline: number, signal: AbortSignal): Promise<ListingResult> {
    let run: ActorRun | undefined;
    try {
      run = actorRun(
        await api({
          method: 'POST',
          path: `${actorPath}/runs`,
          query: { waitForFinish: waitSecs(deadline - START_MARGIN_MS, Math.floor) },
          body: axessoActorInput(asin),
          signal,
          deadline,
        }),
      );
      while (!TERMINAL.has(run.status)) run = await poll(run, deadline, signal);
    } catch (error) {
      if (!signal.aborted) return err(apiFailure(asin, error));
      // The deadline (or the caller) stopped us: the run must not go on (and bill) without us.
      if (run !== undefined && !TERMINAL.has(run.status)) void abortQuietly(run.id);
      return err(timeoutError(asin, timeoutMs));
    }
    if (run.status === 'TIMED-OUT') return err(new PermanentError('timeout', `Apify run ${run.id} for ${asin} timed out.`));
    if (run.status !== 'SUCCEEDED') {
      return err(new PermanentError('acquisition_failed', `Apify run ${run.id} for ${asin} ended ${run.status}.`));
    }
    let items: unknown;
    try {
      const path = `/datasets/${encodeURIComponent(run.defaultDatasetId)}/items`;
      items = await api({ method: 'GET', path, query: { limit: 10 }, signal, deadline });
    } catch (error) {
      return err(signal.aborted ? timeoutError(asin, timeoutMs) : apiFailure(asin, error));
    }
    if (!Array.isArray(items)) return err(apiFailure(asin, new Error('dataset items are not a JSON array')));
    const list: readonly unknown[] = items;
    const item = list.find((i) => itemAsin(i) === asin) ?? list[0];
    if (item === undefined) {
      return err(new UserError('listing_not_found', `Listing ${asin} was not found on amazon.com (the actor returned nothing).`));
    }
    return axessoToListing(item, asin);
  }

  /** One long-poll of the run; it ends by the API's limit, the run's end or the deadline's abort. */
  async function poll(run: ActorRun, deadline: number, signal: AbortSignal): Promise<ActorRun> {
    try {
      const path = `/actor-runs/${encodeURIComponent(run.id)}`;
      return actorRun(await api({ method: 'GET', path, query: { waitForFinish: waitSecs(deadline, Math.ceil) }, signal, deadline }));
    } catch (error) {
      if (!(error instanceof ApifyApiError && error.status === 404 && error.type === 'record-not-found')) throw error;
      await delay(NOT_FOUND_RETRY_MS, undefined, { signal });
      return run;
    }
  }

  async function abortQuietly(runId: string): Promise<void> {
    try {
      const signal = AbortSignal.timeout(ABORT_TIMEOUT_MS);
      await api({ method: 'POST', path: `/actor-runs/${encodeURIComponent(runId)}/abort`, signal, deadline: Date.now() + ABORT_TIMEOUT_MS, maxRetries: 0 });
    } catch {
      // Best effort: the run's own timeout ends it otherwise.
    }
  }

  return {
    async fetch(asins: readonly string[], opts: ListingFetchOptions = {}) {
      opts.signal?.throwIfAborted();
      const unique = [...new Set(asins.map((a) => a.trim().toUpperCase()))];
      const deadline = Date.now() + timeoutMs;
      const stop = new AbortController();
      const timer = setTimeout(() => stop.abort(), timeoutMs);
      const onAbort = () => stop.abort(opts.signal?.reason);
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      try {
        const settled = await Promise.all(
          unique.map(async (asin): Promise<[string, ListingResult]> => [asin, await fetchOne(asin, deadline, stop.signal)]),
        );
        opts.signal?.throwIfAborted();
        return new Map(settled);
      } finally {
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
      }
    },
  };
}

/** Seconds left until `until`, rounded by `round`, within what the API accepts (0–60). */
function waitSecs(until: number, round: (x: number) => number): number {
  return Math.min(MAX_WAIT_SECS, Math.max(0, round((until - Date.now()) / 1000)));
}

/** The `data` of a run response, checked for the fields this source reads. */
function actorRun(body: unknown): ActorRun {
  const run = (body as { data?: Partial<Record<keyof ActorRun, unknown>> } | null)?.data;
  if (typeof run?.id !== 'string' || typeof run.status !== 'string' || typeof run.defaultDatasetId !== 'string') {
    throw new Error('the run response has no id, status or defaultDatasetId');
  }
  return { id: run.id, status: run.status, defaultDatasetId: run.defaultDatasetId };
}

function timeoutError(asin: string, timeoutMs: number): PermanentError {
  return new PermanentError('timeout', `Fetching ${asin} from Apify took longer than ${Math.round(timeoutMs / 1000)} s.`);
}

function apiFailure(asin: string, error: unknown): AppError {
  if (error instanceof AppError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new PermanentError('acquisition_failed', `Apify could not fetch ${asin}: ${detail}`, { cause: error });
}

function itemAsin(item: unknown): string | undefined {
  if (typeof item !== 'object' || item === null) return undefined;
  const asin = (item as { asin?: unknown }).asin;
  return typeof asin === 'string' ? asin.toUpperCase() : undefined;
}
