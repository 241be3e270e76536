import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../test/db.ts';
import { getImage, insertImage, putImage, touchImage } from './blobs.ts';

const tdb = await useTestDatabase();

const image = (sha: string) => ({ sha256: sha.repeat(64), mediaType: 'image/png', width: 3, height: 2, bytes: Buffer.from([1, 2, 3]), sourceUrl: 'https://example.com/x.png' });
/** Whether the image was last used within the past minute. */
const usedJustNow = async (sha: string) => (await tdb.sql<{ recent: boolean }[]>`select last_used_at > now() - interval '1 minute' as recent from image_blobs where sha256 = ${sha}`)[0]?.recent;

describe('image storage by content hash', () => {
  it('touchImage knows nothing of content never stored', async () => {
    expect(await touchImage(tdb.db, 'a'.repeat(64))).toBeUndefined();
  });

  it('touchImage returns what was recorded and refreshes the last use', async () => {
    const img = image('b');
    await putImage(tdb.db, img);
    await tdb.sql`update image_blobs set last_used_at = now() - interval '3 days' where sha256 = ${img.sha256}`;
    expect(await usedJustNow(img.sha256)).toBe(false);
    expect(await touchImage(tdb.db, img.sha256)).toEqual({ mediaType: 'image/png', width: 3, height: 2 });
    expect(await usedJustNow(img.sha256)).toBe(true);
  });

  it('stores each content once, however many times and ways it arrives', async () => {
    const img = image('c');
    await Promise.all([putImage(tdb.db, img), insertImage(tdb.db, img), insertImage(tdb.db, img)]);
    const rows = await tdb.sql<{ n: number }[]>`select count(*)::int as n from image_blobs where sha256 = ${img.sha256}`;
    expect(rows[0]?.n).toBe(1);
    expect((await getImage(tdb.db, img.sha256))?.bytes.equals(img.bytes)).toBe(true);
  });
});
