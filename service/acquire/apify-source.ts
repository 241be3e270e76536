import { ApifyApiError, ApifyClient } from 'apify-client';
import type { ActorRun } from 'apify-client';
import { AppError, PermanentError, UserError, err } from '../domain/errors.ts';
import { axessoToListing } from './axesso.ts';
import type { ListingFetchOptions, ListingResult, ListingSource } from './listing-source.ts';

/**
 * `ListingSource` over Apify, running Axesso's Amazon product actor once per ASIN, all ASINs in
 * parallel, under one overall timeout.
 *
 * @see https://docs.apify.com/api/client/js/reference/class/ActorClient#call
 * @see https://apify.com/axesso_data/amazon-product-details-scraper/input-schema
 */

export const DEFAULT_APIFY_BASE_URL = 'https://api.apify.com';
export const DEFAULT_APIFY_ACTOR = 'axesso_data/amazon-product-details-scraper';
export const DEFAULT_APIFY_TIMEOUT_MS = 60_000;

export interface ApifySourceOptions {
  /** APIFY_TOKEN. */
  readonly token?: string;
  /** APIFY_BASE_URL: an origin without `/v2` (apify-client appends it). Default `https://api.apify.com`. */
  readonly baseUrl?: string;
  /** APIFY_ACTOR: `username/actor-name` or an actor id. Default `axesso_data/amazon-product-details-scraper`. */
  readonly actorId?: string;
  /** Overall timeout for one `fetch` (all ASINs), in ms. Default 60 000. */
  readonly timeoutMs?: number;
  /** apify-client's retries of 429/5xx/network errors (default 2: the overall timeout bounds them anyway). */
  readonly maxRetries?: number;
}

/**
 * The actor's input for one ASIN — the one place that knows the Axesso actor's input shape:
 * `{ urls: ["https://www.amazon.com/dp/<ASIN>"] }`.
 */
export function axessoActorInput(asin: string): { urls: string[] } {
  return { urls: [`https://www.amazon.com/dp/${asin}`] };
}

const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'ABORTED', 'TIMED-OUT']);

export function createApifySource(options: ApifySourceOptions = {}): ListingSource {
  const timeoutMs = options.timeoutMs ?? DEFAULT_APIFY_TIMEOUT_MS;
  const actorId = options.actorId ?? DEFAULT_APIFY_ACTOR;
  const client = new ApifyClient({
    baseUrl: options.baseUrl ?? DEFAULT_APIFY_BASE_URL,
    ...(options.token === undefined ? {} : { token: options.token }),
    maxRetries: options.maxRetries ?? 2,
    minDelayBetweenRetriesMillis: 250,
    // Per HTTP request; the run's long-poll (waitForFinish) must fit inside it.
    timeoutSecs: Math.ceil(timeoutMs / 1000) + 5,
    userAgentSuffix: 'listinglab',
  });

  /** Runs the actor for one ASIN and maps its item; every failure becomes a typed error. */
  async function fetchOne(asin: string, deadline: number): Promise<ListingResult> {
    let run: ActorRun;
    try {
      const waitSecs = Math.max(1, Math.ceil((deadline - Date.now()) / 1000));
      // log: null — no log streaming (it would cost extra API calls per run).
      run = await client.actor(actorId).call(axessoActorInput(asin), { waitSecs, log: null });
    } catch (error) {
      return err(apiFailure(asin, error));
    }
    if (!TERMINAL.has(run.status)) {
      await abortQuietly(run.id);
      return err(timeoutError(asin, timeoutMs));
    }
    if (run.status === 'TIMED-OUT') return err(new PermanentError('timeout', `Apify run ${run.id} for ${asin} timed out.`));
    if (run.status !== 'SUCCEEDED') {
      return err(new PermanentError('acquisition_failed', `Apify run ${run.id} for ${asin} ended ${run.status}.`));
    }
    let items: unknown[];
    try {
      ({ items } = await client.dataset(run.defaultDatasetId).listItems({ limit: 10 }));
    } catch (error) {
      return err(apiFailure(asin, error));
    }
    const item = items.find((i) => itemAsin(i) === asin) ?? items[0];
    if (item === undefined) {
      return err(new UserError('listing_not_found', `Listing ${asin} was not found on amazon.com (the actor returned nothing).`));
    }
    return axessoToListing(item, asin);
  }

  async function abortQuietly(runId: string): Promise<void> {
    try {
      await client.run(runId).abort();
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
      const onAbort = () => stop.abort();
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      const stopped = new Promise<'stopped'>((resolve) => {
        stop.signal.addEventListener('abort', () => resolve('stopped'), { once: true });
      });
      try {
        const settled = await Promise.all(
          unique.map(async (asin): Promise<[string, ListingResult]> => {
            // apify-client takes no AbortSignal: race it. A call still running at the deadline
            // ends by its own long-poll limit (waitSecs), then its run is aborted (fetchOne).
            const outcome = await Promise.race([fetchOne(asin, deadline), stopped]);
            return [asin, outcome === 'stopped' ? err(timeoutError(asin, timeoutMs)) : outcome];
          }),
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

function timeoutError(asin: string, timeoutMs: number): PermanentError {
  return new PermanentError('timeout', `Fetching ${asin} from Apify took longer than ${Math.round(timeoutMs / 1000)} s.`);
}

function apiFailure(asin: string, error: unknown): AppError {
  if (error instanceof AppError) return error;
  const detail =
    error instanceof ApifyApiError
      ? `${error.statusCode} ${error.type ?? ''} ${error.message}`.replace(/\s+/g, ' ').trim()
      : error instanceof Error
        ? error.message
        : String(error);
  return new PermanentError('acquisition_failed', `Apify could not fetch ${asin}: ${detail}`, { cause: error });
}

function itemAsin(item: unknown): string | undefined {
  if (typeof item !== 'object' || item === null) return undefined;
  const asin = (item as { asin?: unknown }).asin;
  return typeof asin === 'string' ? asin.toUpperCase() : undefined;
}
