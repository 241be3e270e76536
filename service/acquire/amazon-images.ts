/**
 * Amazon serves one picture under many size modifiers: `/images/I/71itkDwgyyL._AC_SL1500_.jpg`
 * and `/images/I/71itkDwgyyL._AC_US40_.jpg` are the same image at 1500 and 40 px. Scrapers list
 * both (a thumbnail strip next to the hi-res gallery), so a gallery is de-duplicated by image id.
 */

/**
 * One URL per image, in first-seen order, each the highest-resolution variant seen (a URL
 * without modifiers is the original, the largest of all). URLs that are not Amazon image URLs are
 * de-duplicated as they are.
 */
export function dedupeAmazonImages(urls: readonly string[]): string[] {
  const best = new Map<string, { url: string; size: number; order: number }>();
  urls.forEach((url, order) => {
    const { key, size } = amazonImageKey(url);
    const seen = best.get(key);
    if (!seen) best.set(key, { url, size, order });
    else if (size > seen.size) best.set(key, { url, size, order: seen.order });
  });
  return [...best.values()].sort((a, b) => a.order - b.order).map((b) => b.url);
}

/** The image id (URL without modifiers) and the variant's size (largest number in the modifiers). */
export function amazonImageKey(url: string): { key: string; size: number } {
  const match = /^(.*\/images\/I\/[^./]+)((?:\.[^/]*?)?)(\.[a-z0-9]+)$/i.exec(url);
  if (!match) return { key: url, size: 0 };
  const [, base = url, modifiers = '', ext = ''] = match;
  const numbers = (modifiers.match(/\d+/g) ?? []).map(Number);
  const size = modifiers === '' ? Number.MAX_SAFE_INTEGER : Math.max(0, ...numbers);
  return { key: `${base}${ext.toLowerCase()}`, size };
}
