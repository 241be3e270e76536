import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { notFoundItem } from './axesso-items.ts';
import type { AxessoItemFixture } from './axesso-items.ts';

/**
 * A local emulator of the Apify API, enough to run an actor and read its dataset the way
 * `apify-client` 2.x does — the calls service/acquire/apify-source.ts now makes with `fetch`;
 * `APIFY_BASE_URL=emulator.url` (an origin; the source adds `/v2`).
 *
 * Endpoints (apify-client 2.x paths; the actor id's `/` travels as `~`, `acts/` is accepted too):
 * - `POST /v2/actors/:actor/runs[?waitForFinish=s]` — starts a run; the input's first
 *   `urls[]` entry names the ASIN (`https://www.amazon.com/dp/<ASIN>`)
 * - `POST /v2/actors/:actor/run-sync-get-dataset-items` — runs and returns the items
 * - `GET /v2/actor-runs/:run[?waitForFinish=s]` — long-polls up to `s` seconds (max 60)
 * - `POST /v2/actor-runs/:run/abort`, `GET /v2/actor-runs/:run/log`, `GET /v2/actors/:actor`
 * - `GET /v2/datasets/:dataset/items[?offset&limit]`
 *
 * Per ASIN (`setItem`): the item the run's dataset holds, how long the run takes and how it ends.
 * An ASIN never set gets a not-found item (`notFoundItem`). Items come from `axesso-items.ts`:
 * by default in the actor's own dataset-item shape (`title`, `mainImage`, `categoriesExtended`,
 * `reviewInsights.featureAspects[].featureMention*Count`), or with `{ shape: 'rest' }` in the
 * shape of Axesso's REST lookup (`productTitle`, `responseStatus`, `categories`); sources of both
 * in test/fixtures/axesso/SOURCES.md. The emulator serves whatever item it is given.
 *
 * ListingLab's own source (service/acquire/apify-source.ts) calls the same endpoints with `fetch`.
 * `failNext` makes the next matching requests fail the ways the API documents — 429 with
 * `rate-limit-exceeded` (https://docs.apify.com/api/v2#rate-limiting), 5xx, any 4xx with Apify's
 * `{ error: { type, message } }` body (https://docs.apify.com/api/v2#errors) — or drops the
 * connection unanswered: the faults apify-client's http_client.js retried (429, 5xx, network) and
 * the ones it did not (other 4xx).
 *
 * @see https://docs.apify.com/api/v2
 */

export type RunStatus = 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED-OUT';

export interface ApifyEmulatorOptions {
  /** The only actor that exists (default `axesso_data/amazon-product-details-scraper`). */
  readonly actorId?: string;
  /** When set, every request must carry `Authorization: Bearer <token>` (401 otherwise). */
  readonly token?: string;
  /** Default run duration in ms (default 0: a run has finished by the first poll). */
  readonly runMs?: number;
}

export interface SetItemOptions {
  /** How long the run takes (default: the emulator's `runMs`). */
  readonly runMs?: number;
  /** How the run ends (default `SUCCEEDED`); a run that does not succeed has an empty dataset. */
  readonly status?: RunStatus;
}

/** The next requests matching `method`/`pathPrefix` fail (`times` of them, default 1). */
export interface ApifyFault {
  readonly method?: string;
  /** e.g. `/v2/actor-runs/` (default: any path). */
  readonly pathPrefix?: string;
  readonly times?: number;
  /** An HTTP status answered with Apify's error body, or `'network'`: the socket is destroyed unanswered. */
  readonly status: number | 'network';
  /** The error body's `type` (default by status: `rate-limit-exceeded` for 429, `internal-error` for 5xx…). */
  readonly type?: string;
  /** Sent as `Retry-After` (seconds). */
  readonly retryAfterSecs?: number;
}

/** One request as received. */
export interface ApifyCall {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly body: unknown;
  /** ms since the emulator started */
  readonly at: number;
}

export interface EmulatedRun {
  readonly id: string;
  readonly asin: string | undefined;
  readonly input: unknown;
  /** ms since the emulator started */
  readonly startedAt: number;
  readonly aborted: boolean;
  readonly status: string;
}

export interface ApifyEmulator {
  /** Origin for `APIFY_BASE_URL`, e.g. `http://127.0.0.1:40123` (no `/v2`). */
  readonly url: string;
  readonly calls: readonly ApifyCall[];
  readonly runs: readonly EmulatedRun[];
  /** The item for an ASIN (`null`: a `PRODUCT NOT FOUND` item). */
  setItem(asin: string, item: AxessoItemFixture | null, options?: SetItemOptions): void;
  /** Fails the next matching requests (see `ApifyFault`); faults queue in the order given. */
  failNext(fault: ApifyFault): void;
  close(): Promise<void>;
}

interface Behaviour {
  readonly items: readonly unknown[];
  readonly runMs: number | undefined;
  readonly status: RunStatus;
}

interface Run {
  readonly id: string;
  readonly datasetId: string;
  readonly asin: string | undefined;
  readonly input: unknown;
  readonly startedAt: number;
  readonly finishAt: number;
  readonly behaviour: Behaviour;
  aborted: boolean;
}

export const EMULATED_ACTOR = 'axesso_data/amazon-product-details-scraper';

export async function startApifyEmulator(options: ApifyEmulatorOptions = {}): Promise<ApifyEmulator> {
  const actorId = options.actorId ?? EMULATED_ACTOR;
  const epoch = Date.now();
  const behaviours = new Map<string, Behaviour>();
  const runs = new Map<string, Run>();
  const calls: ApifyCall[] = [];
  const faults: { fault: ApifyFault; left: number }[] = [];
  const timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  let closed = false;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const entry = { timer: setTimeout(() => done(), Math.max(0, ms)), resolve: () => done() };
      function done() {
        clearTimeout(entry.timer);
        timers.delete(entry);
        resolve();
      }
      timers.add(entry);
    });

  const statusOf = (run: Run): string =>
    run.aborted ? 'ABORTED' : Date.now() >= run.finishAt ? run.behaviour.status : 'RUNNING';
  const isTerminal = (run: Run) => statusOf(run) !== 'RUNNING';

  const runJson = (run: Run) => ({
    id: run.id,
    actId: actorId.replace('/', '~'),
    status: statusOf(run),
    startedAt: new Date(epoch + run.startedAt).toISOString(),
    finishedAt: isTerminal(run) ? new Date(Math.min(Date.now(), epoch + run.finishAt)).toISOString() : null,
    defaultDatasetId: run.datasetId,
    defaultKeyValueStoreId: `kvs-${run.id}`,
    defaultRequestQueueId: `rq-${run.id}`,
    buildNumber: '0.0.1',
    exitCode: isTerminal(run) ? (statusOf(run) === 'SUCCEEDED' ? 0 : 1) : null,
    options: { build: 'latest', timeoutSecs: 3600, memoryMbytes: 1024 },
    stats: {},
  });

  /** Waits until the run ends or `secs` pass (the API caps a long-poll at 60 s). */
  const waitFor = async (run: Run, secs: number) => {
    const until = Date.now() + Math.min(Math.max(secs, 0), 60) * 1000;
    while (!isTerminal(run) && Date.now() < until && !closed) {
      await sleep(Math.min(run.finishAt - Date.now(), until - Date.now(), 50));
    }
  };

  const startRun = (input: unknown): Run => {
    const url = (input as { urls?: unknown[] } | null)?.urls?.[0];
    const asin = typeof url === 'string' ? /\/dp\/([A-Z0-9]{10})/i.exec(url)?.[1]?.toUpperCase() : undefined;
    const behaviour = (asin && behaviours.get(asin)) || {
      items: [notFoundItem(asin ?? 'UNKNOWN')],
      runMs: undefined,
      status: 'SUCCEEDED' as const,
    };
    const id = randomBytes(9).toString('hex');
    const startedAt = Date.now() - epoch;
    const run: Run = {
      id,
      datasetId: `ds-${id}`,
      asin,
      input,
      startedAt,
      finishAt: Date.now() + (behaviour.runMs ?? options.runMs ?? 0),
      behaviour,
      aborted: false,
    };
    runs.set(id, run);
    return run;
  };

  const itemsOf = (run: Run) => (statusOf(run) === 'SUCCEEDED' ? run.behaviour.items : []);

  async function route(req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const q = Object.fromEntries(url.searchParams);
    const p = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const method = req.method ?? 'GET';
    const fault = faults.find(
      (f) => f.left > 0 && (f.fault.method ?? method) === method && url.pathname.startsWith(f.fault.pathPrefix ?? '/'),
    );
    if (fault) {
      fault.left -= 1;
      return answerFault(req, res, fault.fault);
    }
    if (options.token !== undefined && req.headers.authorization !== `Bearer ${options.token}`) {
      return send(res, 401, { error: { type: 'token-not-valid', message: 'Authentication token is not valid.' } });
    }
    if (p[0] !== 'v2') return notFound(res);
    const [, resource, id, sub] = p;
    if ((resource === 'actors' || resource === 'acts') && id) {
      if (id.replace('~', '/') !== actorId && id !== actorId) return notFound(res, 'Actor was not found');
      if (method === 'GET' && !sub) return send(res, 200, { data: { id: actorId.replace('/', '~'), name: actorId.split('/')[1] ?? actorId, username: actorId.split('/')[0] } });
      if (method === 'POST' && sub === 'runs') {
        const run = startRun(body);
        await waitFor(run, Number(q.waitForFinish ?? 0));
        return send(res, 201, { data: runJson(run) });
      }
      if (method === 'POST' && sub === 'run-sync-get-dataset-items') {
        const run = startRun(body);
        await waitFor(run, 300);
        if (statusOf(run) !== 'SUCCEEDED') {
          return send(res, 400, { error: { type: 'run-failed', message: `Actor run did not succeed (run ID: ${run.id}, status: ${statusOf(run)}).` } });
        }
        return send(res, 201, itemsOf(run));
      }
    }
    if (resource === 'actor-runs' && id) {
      const run = runs.get(id);
      if (!run) return notFound(res, 'Actor run was not found');
      if (method === 'GET' && !sub) {
        await waitFor(run, Number(q.waitForFinish ?? 0));
        return send(res, 200, { data: runJson(run) });
      }
      if (method === 'POST' && sub === 'abort') {
        if (!isTerminal(run)) run.aborted = true;
        return send(res, 200, { data: runJson(run) });
      }
      if (method === 'GET' && sub === 'log') {
        res.writeHead(200, { 'content-type': 'text/plain' }).end(`run ${run.id} for ${run.asin ?? '?'}\n`);
        return;
      }
    }
    if (resource === 'datasets' && id && sub === 'items' && method === 'GET') {
      const run = [...runs.values()].find((r) => r.datasetId === id);
      if (!run) return notFound(res, 'Dataset was not found');
      const all = itemsOf(run);
      const offset = Number(q.offset ?? 0) || 0;
      const limit = Number(q.limit ?? 0) || all.length;
      const page = all.slice(offset, offset + limit);
      res.setHeader('x-apify-pagination-total', String(all.length));
      res.setHeader('x-apify-pagination-offset', String(offset));
      res.setHeader('x-apify-pagination-limit', String(limit));
      res.setHeader('x-apify-pagination-count', String(page.length));
      res.setHeader('x-apify-pagination-desc', 'false');
      return send(res, 200, page);
    }
    return notFound(res);
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON: keep the text
      }
      const url = new URL(req.url ?? '/', 'http://emulator');
      calls.push({ method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), body, at: Date.now() - epoch });
      route(req, res, body).catch((error: unknown) => {
        if (!res.headersSent) send(res, 500, { error: { type: 'internal-error', message: String(error) } });
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    get runs() {
      return [...runs.values()].map((r) => ({ id: r.id, asin: r.asin, input: r.input, startedAt: r.startedAt, aborted: r.aborted, status: statusOf(r) }));
    },
    setItem(asin, item, itemOptions = {}) {
      behaviours.set(asin.toUpperCase(), {
        items: [item ?? notFoundItem(asin)],
        runMs: itemOptions.runMs,
        status: itemOptions.status ?? 'SUCCEEDED',
      });
    },
    failNext(fault) {
      faults.push({ fault, left: fault.times ?? 1 });
    },
    async close() {
      closed = true;
      for (const entry of [...timers]) entry.resolve();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function send(res: ServerResponse, status: number, json: unknown): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(json));
}

function notFound(res: ServerResponse, message = 'Not found'): void {
  send(res, 404, { error: { type: 'record-not-found', message } });
}

/** Error types by status, as Apify's API reference names them. */
const FAULT_TYPES: Readonly<Record<number, string>> = {
  400: 'invalid-input',
  401: 'token-not-valid',
  403: 'permission-denied',
  404: 'record-not-found',
  429: 'rate-limit-exceeded',
};

function answerFault(req: IncomingMessage, res: ServerResponse, fault: ApifyFault): void {
  if (fault.status === 'network') {
    req.socket.destroy();
    return;
  }
  if (fault.retryAfterSecs !== undefined) res.setHeader('retry-after', String(fault.retryAfterSecs));
  const type = fault.type ?? FAULT_TYPES[fault.status] ?? (fault.status >= 500 ? 'internal-error' : 'bad-request');
  const message =
    fault.status === 429 ? 'You have exceeded the rate limit of 30 requests per second' : `Emulated ${fault.status} (${type}).`;
  send(res, fault.status, { error: { type, message } });
}
