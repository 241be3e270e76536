import type { WorkspaceRef } from '../../domain/workspace.ts';
import type { DataDeps } from './data-services.ts';
import type { ExportLink } from './types.ts';

/** STUB (being implemented): a signed, expiring link to the workspace's archive. */
export async function requestExport(_deps: DataDeps, _ref: WorkspaceRef, _requestedBy: string): Promise<ExportLink> {
  throw new Error('requestExport: not implemented yet');
}
