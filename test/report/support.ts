import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterAll } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createReports, withReportUrl, type ReportLinks } from '../../service/app/reports/index.ts';
import type { RunView } from '../../service/app/views/index.ts';
import { databaseReadiness } from '../../service/db/readiness.ts';
import { buildApp } from '../../service/http/app.ts';
import { startTestPipeline, type TestPipeline } from '../support/pipeline.ts';
import { memoryLogger } from '../support/logger.ts';

/**
 * A server that serves finished runs' report pages, for tests (and the browser tests): the real
 * pipeline (offline rules engine, its own database) and the real HTTP app from `buildApp` with
 * report routes on. `compare(pair)` runs a golden pair to the end and returns its view carrying
 * `reportUrl` (`https://ll.example.com/r/<token>`); `pathOf(url)` is what to inject or fetch.
 */

export const PAIRS = path.resolve(import.meta.dirname, '../../golden_tests/pairs');

export interface ReportServer {
  readonly pipeline: TestPipeline;
  readonly app: FastifyInstance;
  readonly links: ReportLinks;
  /** A golden pair (`duffel-compliance`, …) through the whole pipeline: its finished view, with `reportUrl`. */
  compare(pair: string, opts?: { mine?: 'A' | 'B' }): Promise<RunView & { reportUrl: string }>;
  /** `/r/<token>` of a report URL. */
  pathOf(url: string): string;
  logLines(): string[];
}

export async function startReportServer(): Promise<ReportServer> {
  const pipeline = await startTestPipeline();
  const links: ReportLinks = { key: randomBytes(32), baseUrl: 'https://ll.example.com' };
  const { logger, lines } = memoryLogger([]);
  const app = await buildApp({ logger, readiness: () => databaseReadiness(pipeline.tdb.sql), reports: createReports({ db: pipeline.tdb.db, key: links.key }) });
  afterAll(() => app.close());
  return {
    pipeline,
    app,
    links,
    async compare(pair, opts = {}) {
      const view = await pipeline.compareFolders(path.join(PAIRS, pair, 'A'), path.join(PAIRS, pair, 'B'), opts);
      const linked = withReportUrl(view, links);
      if (!linked.reportUrl) throw new Error(`run ${view.id} (${view.status}) has no report URL`);
      return linked as RunView & { reportUrl: string };
    },
    pathOf: (url) => new URL(url).pathname,
    logLines: lines,
  };
}
