import type { Writable } from 'node:stream';
import type { WorkspaceRowCounts } from '../../db/repos/workspace-data.ts';
import type { WorkspaceRef } from '../../domain/workspace.ts';

/**
 * The contract of the workspace-data capability (issue 21, item 1): an admin's export of
 * everything the workspace owns, and its deletion after a confirmation. Who counts as an admin is
 * the front end's call (Slack: workspace admins and owners; Discord: Administrator or Manage Server;
 * the terminal: the operator) — these use-cases trust their caller on that, and on nothing else.
 */

/** How many of each thing the workspace holds: what an export carries and a delete removes. */
export type WorkspaceDataCounts = WorkspaceRowCounts;

export interface ExportLink {
  /** `PUBLIC_URL/exports/<token>`: one .tar.gz of the workspace's data, built when downloaded. */
  readonly url: string;
  readonly expiresAt: Date;
  readonly counts: WorkspaceDataCounts;
}

export interface DeleteRequest {
  /** The pending confirmation (`data_links` row, purpose 'delete'): what the button carries. */
  readonly confirmationId: string;
  readonly expiresAt: Date;
  /** What would be removed (images: those no other workspace uses). */
  readonly counts: WorkspaceDataCounts;
  /** Runs still going: they are cancelled (and their reservations refunded) first. */
  readonly runningRuns: number;
}

export interface DeleteResult {
  /** What was removed. */
  readonly removed: WorkspaceDataCounts & { readonly installations: number };
  readonly cancelledRuns: number;
  /** Ledger and purchase lines kept for accounting, their user ids removed. */
  readonly keptLedgerLines: number;
  readonly keptPurchases: number;
  /** The balance after the delete (it equals the kept ledger's sum). */
  readonly balance: number;
}

export interface DataServices {
  /** A signed, expiring link to the workspace's archive (the link is recorded: it can expire and be revoked). */
  requestExport(ref: WorkspaceRef, requestedBy: string): Promise<ExportLink>;
  /** Records a delete confirmation that expires shortly; nothing is removed yet. */
  requestDelete(ref: WorkspaceRef, requestedBy: string): Promise<DeleteRequest>;
  /**
   * Deletes the workspace's data if `confirmationId` is its own unexpired, unused delete
   * confirmation; otherwise UserError('not_found' | 'expired') and nothing changes.
   */
  confirmDelete(ref: WorkspaceRef, confirmationId: string, confirmedBy: string): Promise<DeleteResult>;
}

/** Streams a workspace's archive (the layout in docs/export-format.md) into `out`. */
export type WriteArchive = (workspaceId: string, out: Writable) => Promise<WorkspaceDataCounts>;
