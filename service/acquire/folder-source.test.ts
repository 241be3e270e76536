import { copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES_DIR } from '../../test/emulators/image-host.ts';
import { UserError } from '../domain/errors.ts';
import { readListingFolder } from './folder-source.ts';

let root: string;
let n = 0;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'listing-folder-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A fresh folder with the main photo (main.jpg) and the given listing.json (object or raw text). */
async function folder(listing: unknown): Promise<string> {
  const dir = join(root, `l${n++}`);
  await mkdir(dir);
  await copyFile(`${FIXTURES_DIR}abo/B0799CK52K/d80a51d3.jpg`, join(dir, 'main.jpg'));
  if (listing !== undefined) await writeFile(join(dir, 'listing.json'), typeof listing === 'string' ? listing : JSON.stringify(listing));
  return dir;
}

async function folderError(dir: string): Promise<string> {
  const error = await readListingFolder(dir).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserError);
  expect((error as UserError).code).toBe('bad_listing_folder');
  return (error as UserError).message;
}

describe('readListingFolder', () => {
  it('reads a valid folder: the listing, with local images resolved and URLs kept', async () => {
    const dir = await folder({
      asin: 'b0799ck52k',
      title: 'Yoga duffel',
      bullets: ['Mat sleeve'],
      images: ['main.jpg', 'https://m.media-amazon.com/images/I/71abc.jpg'],
      rating: 4.4,
      reviewInsights: { aspects: [{ name: 'Size', sentiment: 'POSITIVE', mentions: 3 }] },
    });
    const result = await readListingFolder(dir);
    expect(result.listing).toMatchObject({ asin: 'B0799CK52K', title: 'Yoga duffel', description: '', rating: 4.4 });
    expect(result.listing.reviewInsights?.aspects[0]).toMatchObject({ name: 'Size', positive: 0, snippets: [] });
    expect(result.images).toEqual([
      { kind: 'file', ref: 'main.jpg', path: join(result.dir, 'main.jpg') },
      { kind: 'url', ref: 'https://m.media-amazon.com/images/I/71abc.jpg', url: 'https://m.media-amazon.com/images/I/71abc.jpg' },
    ]);
  });

  it('names the field at fault', async () => {
    expect(await folderError(await folder({ title: '   ', images: ['main.jpg'] }))).toBe('listing.json: title: must not be empty');
    expect(await folderError(await folder({ images: ['main.jpg'] }))).toBe('listing.json: title: is required');
    expect(await folderError(await folder({ title: 'x', images: [] }))).toContain('listing.json: images: needs at least one image');
    expect(await folderError(await folder({ title: 'x', images: ['main.jpg'], rating: 7 }))).toMatch(/^listing\.json: rating: /);
    expect(await folderError(await folder({ title: 'x', images: ['main.jpg'], reviewInsights: { aspects: [{ name: '' }] } }))).toMatch(
      /^listing\.json: reviewInsights\.aspects\.0\.name: /,
    );
  });

  it('names a missing image file', async () => {
    const message = await folderError(await folder({ title: 'x', images: ['main.jpg', 'side.jpg'] }));
    expect(message).toBe('listing.json: images.1: image file not found: side.jpg');
  });

  it('keeps image files inside the folder', async () => {
    expect(await folderError(await folder({ title: 'x', images: ['../l0/main.jpg'] }))).toMatch(/images\.0: must be a file inside the listing folder/);
    expect(await folderError(await folder({ title: 'x', images: ['/etc/passwd'] }))).toMatch(/images\.0: must be a file name inside/);
    const dir = await folder({ title: 'x', images: ['link.jpg'] });
    await copyFile(join(dir, 'main.jpg'), join(root, 'outside.jpg'));
    await symlink(join(root, 'outside.jpg'), join(dir, 'link.jpg'));
    expect(await folderError(dir)).toMatch(/images\.0: must be a file inside the listing folder/);
    expect(await folderError(await folder({ title: 'x', images: ['ftp://example.com/a.jpg'] }))).toMatch(/images\.0: only http\(s\) URLs/);
  });

  it('reports a missing folder, a missing listing.json and bad JSON', async () => {
    expect(await folderError(join(root, 'nope'))).toMatch(/listing folder not found/);
    expect(await folderError(await folder(undefined))).toMatch(/no listing\.json/);
    expect(await folderError(await folder('{ "title": '))).toMatch(/^listing\.json: not valid JSON/);
  });
});
