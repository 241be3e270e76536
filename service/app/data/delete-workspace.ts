import type { WorkspaceRef } from '../../domain/workspace.ts';
import type { DataDeps } from './data-services.ts';
import type { DeleteRequest, DeleteResult } from './types.ts';

/** STUB (being implemented): records a delete confirmation. */
export async function requestDelete(_deps: DataDeps, _ref: WorkspaceRef, _requestedBy: string): Promise<DeleteRequest> {
  throw new Error('requestDelete: not implemented yet');
}

/** STUB (being implemented): deletes the workspace's data after a valid confirmation. */
export async function confirmDelete(_deps: DataDeps, _ref: WorkspaceRef, _confirmationId: string, _confirmedBy: string): Promise<DeleteResult> {
  throw new Error('confirmDelete: not implemented yet');
}
