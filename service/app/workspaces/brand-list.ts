import type { Db } from '../../db/client.ts';
import { countBrands, deleteBrand, findBrand, insertBrand, listBrands, type BrandKind, type BrandRow } from '../../db/repos/brands.ts';
import { ensureWorkspace, findWorkspace, lockWorkspace, type WorkspaceRef } from '../../db/repos/workspaces.ts';
import { UserError } from '../../domain/errors.ts';

/**
 * A workspace's brand list (`/listing brand add|remove|list`): its own brands and ASINs. A
 * comparison where exactly one side's ASIN or brand is on the list is marked as the workspace's
 * listing (comparisons/mark-mine.ts). Presentation only: the verdict never depends on it.
 * Every lookup is scoped to the asking workspace; another workspace's list is never read.
 */

/** Entries one workspace may keep. */
export const BRAND_LIST_MAX = 50;
/** Longest entry, in characters (code points). */
export const BRAND_VALUE_MAX = 100;

/** An ASIN as the brand list recognises one: 10 letters and digits starting with B0. */
const ASIN_SHAPE = /^B0[A-Z0-9]{8}$/;

export interface BrandEntry {
  readonly kind: BrandKind;
  /** As the person typed it (an ASIN: upper case). */
  readonly value: string;
}

/** What an add or remove did, and what the list holds afterwards. */
export interface BrandListChange {
  /** The entry as stored (an existing entry keeps the spelling it was added with). */
  readonly entry: BrandEntry;
  /** False: it was already on the list (add), or was not on it (remove); nothing was written. */
  readonly changed: boolean;
  readonly list: readonly BrandEntry[];
}

export interface BrandListServices {
  /** Adds a brand or an ASIN; UserError when it is blank, too long, or the list is full. */
  add(ref: WorkspaceRef, raw: string, addedBy?: string): Promise<BrandListChange>;
  /** Removes a brand or an ASIN (matched as it would be marked: case and spacing do not matter). */
  remove(ref: WorkspaceRef, raw: string): Promise<BrandListChange>;
  /** The list, in the order it was built. Reading never creates the workspace. */
  list(ref: WorkspaceRef): Promise<readonly BrandEntry[]>;
}

/** How a brand is matched: Unicode-compatible form, lower case, runs of whitespace as one space, trimmed. */
export function brandKey(value: string): string {
  return value.normalize('NFKC').replace(/\s+/gu, ' ').trim().toLowerCase();
}

/** A typed value → what is stored: an ASIN-shaped value as an upper-case ASIN, anything else as a brand. */
export function brandEntryOf(raw: string): { kind: BrandKind; value: string; key: string } {
  const value = raw.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, ' ').replace(/\s+/gu, ' ').trim();
  if (value === '') throw new UserError('missing_argument', 'Give a brand name (as Amazon shows it) or an ASIN.');
  const length = Array.from(value).length;
  if (length > BRAND_VALUE_MAX) {
    throw new UserError('bad_command', `A brand name is at most ${BRAND_VALUE_MAX} characters; that one is ${length}.`);
  }
  const upper = value.toUpperCase();
  if (ASIN_SHAPE.test(upper)) return { kind: 'asin', value: upper, key: upper };
  return { kind: 'brand', value, key: brandKey(value) };
}

const entryOf = (row: Pick<BrandRow, 'kind' | 'value'>): BrandEntry => ({ kind: row.kind, value: row.value });

export function createBrandList(deps: { readonly db: Db; readonly freeCredits: number; readonly metered: (platform: WorkspaceRef['platform']) => boolean }): BrandListServices {
  const { db } = deps;
  const free = (ref: WorkspaceRef) => (deps.metered(ref.platform) ? deps.freeCredits : 0);
  return {
    add(ref, raw, addedBy) {
      const wanted = brandEntryOf(raw);
      return db.transaction(async (tx) => {
        // The workspace's row lock serialises adds, so the limit holds under concurrent commands.
        const ws = await lockWorkspace(tx, (await ensureWorkspace(tx, ref, free(ref))).id);
        const existing = await findBrand(tx, ws.id, wanted.kind, wanted.key);
        if (existing) return { entry: entryOf(existing), changed: false, list: (await listBrands(tx, ws.id)).map(entryOf) };
        if ((await countBrands(tx, ws.id)) >= BRAND_LIST_MAX) {
          throw new UserError('bad_command', `The brand list is full (${BRAND_LIST_MAX} entries): remove one before adding ${wanted.value}.`);
        }
        const row = await insertBrand(tx, { workspaceId: ws.id, ...wanted, addedBy: addedBy ?? null });
        return { entry: entryOf(row ?? wanted), changed: row !== undefined, list: (await listBrands(tx, ws.id)).map(entryOf) };
      });
    },
    remove(ref, raw) {
      const wanted = brandEntryOf(raw);
      return db.transaction(async (tx) => {
        const ws = await findWorkspace(tx, ref);
        if (!ws) return { entry: { kind: wanted.kind, value: wanted.value }, changed: false, list: [] };
        const removed = await deleteBrand(tx, ws.id, wanted.kind, wanted.key);
        return { entry: entryOf(removed ?? wanted), changed: removed !== undefined, list: (await listBrands(tx, ws.id)).map(entryOf) };
      });
    },
    async list(ref) {
      const ws = await findWorkspace(db, ref);
      return ws ? (await listBrands(db, ws.id)).map(entryOf) : [];
    },
  };
}
