import type { Writable } from 'node:stream';
import { DEFAULTS } from '../../config/defaults.ts';
import type { Db } from '../../db/client.ts';
import { insertExportLink, useExportLink, workspaceRowCounts, type ExportWorkspaceRow } from '../../db/repos/workspace-data.ts';
import { findWorkspace } from '../../db/repos/workspaces.ts';
import { UserError } from '../../domain/errors.ts';
import type { WorkspaceRef } from '../../domain/workspace.ts';
import type { Clock } from '../../providers/provider.ts';
import { signCapability, verifyCapability } from '../../support/capability-token.ts';
import type { ReportLinks } from '../reports/index.ts';
import { writeWorkspaceArchive } from './export-archive.ts';
import type { ExportLink, WorkspaceDataCounts } from './types.ts';

/**
 * Export links: `PUBLIC_URL/exports/<token>`, a capability (support/capability-token.ts, kind
 * `export`) naming a `data_links` row. Unlike a report link the link is recorded, so it expires
 * with its row (DEFAULTS.data.exportLinkHours), is revoked by deleting the row or the workspace,
 * and its last download is noted (`used_at`). The archive is built when the link is opened.
 */

/** The token kind of export links: a token minted for anything else (a report) never opens an export. */
export const EXPORT_KIND = 'export';

const HOUR_MS = 3_600_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Never a data link's id (they are random v4 UUIDs): what a token that does not verify is looked up as. */
const NO_LINK = '00000000-0000-0000-0000-000000000000';

/** One workspace's archive, ready to be written: what the route and the CLI stream. */
export interface ExportDownload {
  /** `listinglab-export-<platform>-<external id>-<yyyy-mm-dd>.tar.gz` (the id's unsafe characters as `-`). */
  readonly fileName: string;
  write(out: Writable): Promise<WorkspaceDataCounts>;
}

/** The archive's file name for a workspace on the day `at` (UTC). */
export function exportFileName(ws: Pick<ExportWorkspaceRow, 'platform' | 'externalId'>, at: Date): string {
  const id = ws.externalId.replace(/[^A-Za-z0-9_.-]/g, '-');
  return `listinglab-export-${ws.platform}-${id}-${at.toISOString().slice(0, 10)}.tar.gz`;
}

function download(deps: { db: Db; clock: Clock }, ws: ExportWorkspaceRow): ExportDownload {
  return { fileName: exportFileName(ws, new Date(deps.clock.now())), write: (out) => writeWorkspaceArchive(deps, ws.id, out) };
}

/** The workspace an export is asked for; UserError('not_found') in plain words when there is none to export. */
async function exportableWorkspace(db: Db, ref: WorkspaceRef): Promise<ExportWorkspaceRow> {
  const ws = await findWorkspace(db, ref);
  if (!ws) throw new UserError('not_found', `There is no ${ref.platform} workspace ${ref.externalId} here: nothing was ever run or bought in it, so there is nothing to export.`);
  if (ws.deletedAt) throw new UserError('not_found', `The data of ${ref.platform} workspace ${ref.externalId} was deleted: there is nothing left to export.`);
  return ws;
}

/** A workspace's archive for an operator (`listinglab data export`): no link, written where they say. */
export async function exportWorkspace(deps: { db: Db; clock: Clock }, ref: WorkspaceRef): Promise<ExportDownload & { counts: WorkspaceDataCounts }> {
  const ws = await exportableWorkspace(deps.db, ref);
  return { ...download(deps, ws), counts: await workspaceRowCounts(deps.db, ws.id) };
}

/** What `requestExport` needs (DataDeps, named here so this file does not import the file that wires it). */
export interface ExportLinkDeps {
  readonly db: Db;
  readonly clock: Clock;
  /** The link key and PUBLIC_URL; undefined: links are off. */
  readonly links: Pick<ReportLinks, 'key' | 'baseUrl'> | undefined;
}

/** A signed link to the workspace's archive, recorded for DEFAULTS.data.exportLinkHours. */
export async function requestExport(deps: ExportLinkDeps, ref: WorkspaceRef, requestedBy: string): Promise<ExportLink> {
  const ws = await exportableWorkspace(deps.db, ref);
  if (!deps.links) {
    throw new UserError(
      'bad_command',
      'Export links need PUBLIC_URL (the address this service is reachable at), and it is not set on this server; an operator can run `listinglab data export <platform> <workspace id>` to write the archive to a file instead.',
    );
  }
  const now = new Date(deps.clock.now());
  // Whole seconds: the token carries its expiry in seconds, and the row must say the same.
  const expiresAt = new Date(Math.floor((now.getTime() + DEFAULTS.data.exportLinkHours * HOUR_MS) / 1000) * 1000);
  const id = await insertExportLink(deps.db, { workspaceId: ws.id, requestedBy, createdAt: now, expiresAt });
  const token = signCapability(deps.links.key, EXPORT_KIND, id, expiresAt);
  return { url: `${deps.links.baseUrl}/exports/${token}`, expiresAt, counts: await workspaceRowCounts(deps.db, ws.id) };
}

export interface ExportsDeps {
  readonly db: Db;
  /** The link key (config `reportLinks.key`: export and report links share it; their kinds differ). */
  readonly key: Buffer;
  readonly clock: Clock;
}

/** What the export route (service/http/routes/exports.ts) reads through. */
export interface Exports {
  /**
   * The archive a token opens — an export link not expired, of a workspace not deleted; its
   * download is noted — or undefined for every token that opens nothing, whatever the reason.
   */
  open(token: string): Promise<ExportDownload | undefined>;
}

export function createExports(deps: ExportsDeps): Exports {
  return {
    async open(token) {
      const now = new Date(deps.clock.now());
      const id = verifyCapability(deps.key, EXPORT_KIND, token, now)?.id;
      // A token that does not verify costs the same query as a link that expired: the answer says nothing of why.
      const ws = await useExportLink(deps.db, id && UUID.test(id) ? id : NO_LINK, now);
      return ws ? download(deps, ws) : undefined;
    },
  };
}
