import { index, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { tsz } from './schema-columns.ts';
import { runs, workspaces } from './schema-core.ts';

/** What a workspace's data is made of beyond its rows: the images its runs use, and its data links (the entry is schema.ts). */

/**
 * Which stored images (`image_blobs`) each run uses: every `sha256` in its acquisition output
 * (`acquire`, `draft_acquire`) and in its inputs (a draft's uploaded photos, a manual listing's
 * `sha256:<hex>` image references). A derived index kept
 * by a trigger in the database (migration 0005), so no code path can forget it: what export,
 * delete ("images no other workspace references") and retention ("never remove what a young run
 * or a pinned experiment still uses") ask is one indexed join, not a scan of every stage output.
 * No foreign key to `image_blobs`: a run keeps naming an image retention has removed (its pages
 * then show it as gone).
 */
export const runImages = pgTable(
  'run_images',
  {
    runId: uuid('run_id').notNull().references(() => runs.id, { onDelete: 'cascade' }),
    sha256: text('sha256').notNull(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.sha256] }), index('run_images_sha256_idx').on(t.sha256)],
);

export const DATA_LINK_PURPOSES = ['export', 'delete'] as const;
export type DataLinkPurpose = (typeof DATA_LINK_PURPOSES)[number];

/**
 * A workspace admin's data request, recorded so it can expire, be used once and be revoked:
 * `export` — the signed link to the workspace's archive (`GET /exports/<token>`, the token names
 * this row); `delete` — the pending confirmation of a workspace delete (the button or typed name
 * must come back before `expires_at`, and `used_at` makes it one-shot). Expired rows are removed
 * by the retention sweep; a workspace delete removes its own.
 */
export const dataLinks = pgTable(
  'data_links',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    purpose: text('purpose', { enum: DATA_LINK_PURPOSES }).notNull(),
    /** The platform user id of the admin who asked (removed with the workspace's other user ids on delete). */
    requestedBy: text('requested_by'),
    createdAt: tsz('created_at').notNull().defaultNow(),
    expiresAt: tsz('expires_at').notNull(),
    /** When a delete confirmation was used (one-shot), or an export last downloaded. */
    usedAt: tsz('used_at'),
  },
  (t) => [index('data_links_expires_idx').on(t.expiresAt), index('data_links_workspace_idx').on(t.workspaceId, t.purpose)],
);
