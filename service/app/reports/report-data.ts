import type { Db } from '../../db/client.ts';
import { getImage } from '../../db/repos/blobs.ts';
import { getRun, getStage } from '../../db/repos/runs.ts';
import { getWorkspace } from '../../db/repos/workspaces.ts';
import type { PdpOutput } from '../../domain/stage-outputs.ts';
import type { AcquireOutput } from '../../stages/acquired.ts';
import { experimentCardFor, loadRunView, type ExperimentCard, type RunView } from '../views/index.ts';
import { reportRunId } from './report-links.ts';

/**
 * What a report page shows, read from the database only, for whoever holds a valid report token:
 * the run's view (rendered by bots/web through the same Presentation as every chat message),
 * its images with their roles, an experiment re-run's deltas, and the versions behind the verdict.
 *
 * Every refusal is `undefined`, whatever the reason (malformed, altered or expired token, a draft,
 * a deleted run or workspace, an image of another run), and takes the same path through the
 * database: a token that does not verify is looked up as a run id that never exists, so a refusal
 * costs the same queries as a run deleted yesterday.
 */

export type Side = 'A' | 'B';

/** One of a listing's stored images, as the page shows it. */
export interface ReportImage {
  readonly side: Side;
  /** Position in the listing: 0 is the main image. */
  readonly index: number;
  readonly sha256: string;
  readonly width: number | null;
  readonly height: number | null;
  /** What the gallery stage (pdp) saw it as (`lifestyle`, `infographic` …); null when it did not say. */
  readonly role: string | null;
  readonly note: string | null;
}

export interface ReportData {
  /** The token the page was opened with: its image URLs carry it. */
  readonly token: string;
  readonly view: RunView;
  /** Each listing's stored images in listing order (refused ones are not stored, so not here). */
  readonly images: { readonly A: readonly ReportImage[]; readonly B: readonly ReportImage[] };
  /** The rules engine's rule set each listing was measured with. */
  readonly ruleSets: { readonly A: string | null; readonly B: string | null };
  /** A re-run of a saved experiment: its deltas against the baseline; undefined otherwise. */
  readonly experiment: ExperimentCard | undefined;
}

export interface ReportDeps {
  readonly db: Db;
  /** The report-link key (config `reportLinks.key`). */
  readonly key: Buffer;
  /** Now (default the system clock): tokens expire against it. */
  readonly now?: () => Date;
}

/** Never a run's id (runs get random v4 UUIDs): what a token that does not verify is looked up as. */
const NO_RUN = '00000000-0000-0000-0000-000000000000';

/** The run a token opens, if it is a comparison whose workspace is still there. */
async function openRun(deps: ReportDeps, token: string) {
  const runId = reportRunId(deps.key, token, (deps.now ?? (() => new Date()))()) ?? NO_RUN;
  const run = await getRun(deps.db, runId);
  const workspace = run ? await getWorkspace(deps.db, run.workspaceId) : undefined;
  return run && run.kind === 'compare' && workspace && !workspace.deletedAt ? run : undefined;
}

function imagesOf(acquired: AcquireOutput | undefined, pdp: PdpOutput | undefined, side: Side): ReportImage[] {
  const roles = new Map((pdp?.listings[side].images ?? []).map((i) => [i.index, i]));
  return (acquired?.[side].images ?? []).flatMap((i): ReportImage[] => {
    if (!i.sha256 || i.refused) return [];
    const r = roles.get(i.index);
    return [{ side, index: i.index, sha256: i.sha256, width: i.width ?? null, height: i.height ?? null, role: r?.role ?? (i.index === 0 ? 'main' : null), note: r?.note ?? null }];
  });
}

const output = <T>(v: RunView, stage: string) => (v.stages.find((s) => s.name === stage)?.output ?? undefined) as T | undefined;

/** The report a token opens, or undefined for every token that opens nothing. */
export async function loadReport(deps: ReportDeps, token: string): Promise<ReportData | undefined> {
  const run = await openRun(deps, token);
  const view = run ? await loadRunView(deps.db, run.id, run) : undefined;
  if (!run || !view) return undefined;
  const acquired = output<AcquireOutput>(view, 'acquire');
  const pdp = output<PdpOutput>(view, 'pdp');
  return {
    token,
    view,
    images: { A: imagesOf(acquired, pdp, 'A'), B: imagesOf(acquired, pdp, 'B') },
    ruleSets: { A: acquired?.facts.A.ruleSet ?? null, B: acquired?.facts.B.ruleSet ?? null },
    experiment: view.verdict ? await experimentCardFor(deps.db, run.id) : undefined,
  };
}

/**
 * One of the run's stored images (its bytes and stored media type), or undefined — also for an
 * image that exists but belongs to another run: a token opens its own run's images only.
 */
export async function loadReportImage(deps: ReportDeps, token: string, sha256: string): Promise<{ mediaType: string; bytes: Buffer } | undefined> {
  const run = await openRun(deps, token);
  const row = await getStage(deps.db, run?.id ?? NO_RUN, 'acquire');
  const acquired = row?.status === 'succeeded' ? (row.output as AcquireOutput | null) : null;
  const belongs = !!acquired && (['A', 'B'] as const).some((s) => acquired[s].images.some((i) => i.sha256 === sha256 && !i.refused));
  if (!belongs) return undefined;
  const image = await getImage(deps.db, sha256);
  return image ? { mediaType: image.mediaType, bytes: image.bytes } : undefined;
}

/** What the report routes (service/http/routes/report.ts) read through. */
export interface Reports {
  load(token: string): Promise<ReportData | undefined>;
  image(token: string, sha256: string): Promise<{ mediaType: string; bytes: Buffer } | undefined>;
}

export function createReports(deps: ReportDeps): Reports {
  return { load: (token) => loadReport(deps, token), image: (token, sha256) => loadReportImage(deps, token, sha256) };
}
