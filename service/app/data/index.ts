/**
 * Workspace data — an admin's export of everything the workspace owns (`GET /exports/<token>`,
 * `listinglab data export`) and its deletion after a confirmation (`listinglab data delete`).
 * The contract is types.ts; the archive layout is docs/export-format.md.
 */
export type { DataServices, DeleteRequest, DeleteResult, ExportLink, WorkspaceDataCounts, WriteArchive } from './types.ts';
export { createDataServices, type DataDeps } from './data-services.ts';
export { createArchiveWriter, writeWorkspaceArchive, type ArchiveDeps } from './export-archive.ts';
export { EXPORT_KIND, createExports, exportFileName, exportWorkspace, type ExportDownload, type Exports, type ExportsDeps } from './export-link.ts';
