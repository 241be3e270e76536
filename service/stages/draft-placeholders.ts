/**
 * Placeholders: the slots a draft leaves for the seller ("[Brand]", "[Product type]", "{size}",
 * "TBD", "Your Brand"). A draft holding one is not finished: it never passes a
 * marketplace's rules and is never called copy-ready. Each slot is named in words a seller reads
 * ("brand", "size/volume"), so the drafts can say plainly what to fill in.
 */

const SLOT = /\[[^\]\n]{1,120}\]|\{\{?[^}\n]{1,80}\}?\}|\b(?:TBD|TODO|XXX+|lorem ipsum|your brand|brand name|product name|insert [a-z ]{1,30})\b/gi;

/** What the offline writer's own slots ask for, in a seller's words. */
const NAMES: readonly (readonly [RegExp, string])[] = [
  [/describe/i, 'description'],
  [/^(?:your )?brand(?: name)?$/i, 'brand'],
  [/^product(?: type| name)?$/i, 'product type'],
  [/size|volume|dimension/i, 'size/volume'],
  [/made of|material/i, 'material'],
  [/colou?r/i, 'colour'],
  [/what the product does|benefit/i, 'key benefit'],
  [/how, where|used\b|^use$/i, 'how it is used'],
  [/contents|included/i, "what's included"],
  [/care|storage|safety/i, 'care instructions'],
];

/** The slots in `text`, as written, each once. */
export function placeholdersIn(text: string): string[] {
  return [...new Set(text.match(SLOT) ?? [])];
}

export const hasPlaceholder = (text: string): boolean => placeholdersIn(text).length > 0;

/** "[Brand]" → "brand"; "[size, volume or dimensions]" → "size/volume"; anything else: its own words. */
export function fillInName(slot: string): string {
  const inner = slot.replace(/^[[{<]+|[\]}>]+$/g, '').trim();
  const known = NAMES.find(([pattern]) => pattern.test(inner));
  if (known) return known[1];
  const words = inner.toLowerCase().replace(/[.\s]+$/, '');
  return /^(?:tbd|todo|x+|lorem ipsum)$/.test(words) ? 'the text marked TBD' : words.slice(0, 60);
}

/** "the brand", but "how it is used" and "what's included" as they are. */
export const withArticle = (name: string): string => (/^(?:how|what|the)\b/.test(name) ? name : `the ${name}`);

/** What a seller must fill in across `texts`, each once, in the order first met. */
export function fillInNames(texts: readonly string[]): string[] {
  return [...new Set(texts.flatMap((t) => placeholdersIn(t).map(fillInName)))];
}

/** "brand", "brand and product type", "brand, product type and size/volume". */
export function andList(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
