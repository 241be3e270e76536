/**
 * Drafts — product photos in, a listing draft per marketplace out. What the rest of the code may
 * call: starting a draft run, the draft_stage task, and reading photos from disk for the CLI. A
 * draft is a run like a comparison (same ledger, slots, queue and run engine: ../comparisons).
 */
export { startDraft, DRAFT_PHOTOS_MAX, type DraftHints, type DraftPhotoInput, type StartDraftInput, type StartDraftResult } from './start-draft.ts';
export { runDraftStage, type DraftStageDeps } from './run-draft-stage.ts';
export type { DraftModelDeps } from './draft-model.ts';
export { readPhotoFiles, storePhotos, type LocalPhoto } from './import-photos.ts';
