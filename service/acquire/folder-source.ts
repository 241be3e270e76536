import { readFile, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { z } from 'zod';
import { UserError } from '../domain/errors.ts';
import { ListingSchema } from '../domain/listing.ts';
import type { Listing } from '../domain/listing.ts';

/**
 * A listing given by hand: a folder holding `listing.json` (PRODUCT.md's format) and the image
 * files it names. Every problem is a `UserError('bad_listing_folder')` whose message names the
 * field or file at fault, e.g. `listing.json: title: must not be empty`.
 *
 * Image entries are file names relative to the folder (they must stay inside it: no `..`, no
 * absolute paths, no symlink out) or http(s) URLs. Files are checked to exist here; their content
 * is checked by `readLocalImage`, URLs by `fetchImage` (its host allow-list applies).
 */

export const LISTING_FILE = 'listing.json';
/** A listing.json over 1 MB is not a listing. */
const MAX_LISTING_JSON_BYTES = 1024 * 1024;

export type FolderImage =
  | { readonly kind: 'file'; readonly ref: string; /** absolute, symlinks resolved */ readonly path: string }
  | { readonly kind: 'url'; readonly ref: string; readonly url: string };

export interface FolderListing {
  readonly listing: Listing;
  /** Absolute, symlinks resolved. */
  readonly dir: string;
  /** One per `listing.images` entry, same order (the first is the main image). */
  readonly images: readonly FolderImage[];
}

export async function readListingFolder(folder: string): Promise<FolderListing> {
  const dir = await resolveFolder(folder);
  const file = join(dir, LISTING_FILE);
  const text = await readListingJson(file, folder);

  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw bad(`${LISTING_FILE}: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const parsed = ListingSchema.safeParse(json);
  if (!parsed.success) throw bad(`${LISTING_FILE}: ${describeIssues(parsed.error.issues)}`);
  const listing = parsed.data;

  const images: FolderImage[] = [];
  for (const [index, ref] of listing.images.entries()) {
    images.push(await resolveImage(dir, ref, `images.${index}`));
  }
  return { listing, dir, images };
}

/** "title: must not be empty; images: needs at least one image …" */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 5)
    .map((issue) => {
      const where = issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)';
      const message = /received undefined$/.test(issue.message) ? 'is required' : issue.message;
      return `${where}: ${message}`;
    })
    .join('; ');
}

async function resolveFolder(folder: string): Promise<string> {
  try {
    const dir = await realpath(resolve(folder));
    if (!(await stat(dir)).isDirectory()) throw bad(`${folder} is not a folder`);
    return dir;
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw bad(`listing folder not found: ${folder}`, error);
  }
}

async function readListingJson(file: string, folder: string): Promise<string> {
  try {
    const info = await stat(file);
    if (!info.isFile()) throw bad(`${LISTING_FILE} in ${folder} is not a file`);
    if (info.size > MAX_LISTING_JSON_BYTES) throw bad(`${LISTING_FILE}: over ${MAX_LISTING_JSON_BYTES} bytes`);
    return await readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw bad(`no ${LISTING_FILE} in ${folder}`, error);
  }
}

async function resolveImage(dir: string, ref: string, field: string): Promise<FolderImage> {
  const where = `${LISTING_FILE}: ${field}`;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(ref)) {
    let url: URL;
    try {
      url = new URL(ref);
    } catch {
      throw bad(`${where}: not a valid URL: ${ref}`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw bad(`${where}: only http(s) URLs or file names: ${ref}`);
    return { kind: 'url', ref, url: url.href };
  }
  if (isAbsolute(ref) || /^[a-z]:[\\/]/i.test(ref)) throw bad(`${where}: must be a file name inside the listing folder: ${ref}`);
  const candidate = resolve(dir, ref);
  if (!isInside(dir, candidate)) throw bad(`${where}: must be a file inside the listing folder: ${ref}`);
  let path: string;
  try {
    path = await realpath(candidate);
  } catch (error) {
    throw bad(`${where}: image file not found: ${ref}`, error);
  }
  if (!isInside(dir, path)) throw bad(`${where}: must be a file inside the listing folder: ${ref}`);
  if (!(await stat(path)).isFile()) throw bad(`${where}: not a file: ${ref}`);
  return { kind: 'file', ref, path };
}

function isInside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
}

function bad(message: string, cause?: unknown): UserError {
  return new UserError('bad_listing_folder', message, cause === undefined ? undefined : { cause });
}
