import type { Attribute, DraftAttributes, DraftPhotos } from '../domain/draft-outputs.ts';

/**
 * The brand and the product type, from three sources, strongest first:
 * 1. what the seller told us (the form's Brand / Product type fields, Discord's options, the CLI's
 *    --brand / --product-type): always wins;
 * 2. the photos: the most prominent confidently read word that looks like a name (capitalised,
 *    letters only) and is not a generic packaging word ("PRESSED", "ORGANIC", "APPLE");
 * 3. the photo's file name ("starter-duffel.jpg"): a weaker hint — it confirms a word read on the
 *    photos, and on its own is only a suggestion the seller is asked to confirm (not written into
 *    the drafts).
 */

export interface DraftHints {
  readonly brand?: string | undefined;
  readonly productType?: string | undefined;
}

/** Attributes below this are shown as suggestions but never written into a draft (draft-writer.ts). */
const FILE_NAME_ONLY = 0.45;
/** A printed word must be this sure to be taken for a brand. */
const BRAND_MIN_OCR = 85;

/** Product nouns that, printed on a pack or in a file name, say what the product is. */
export const PRODUCT_TYPES: readonly string[] = [
  'juice', 'milk', 'drink', 'water', 'soda', 'coffee', 'tea', 'oil', 'sauce', 'soup', 'cereal', 'granola', 'yogurt', 'yoghurt',
  'cheese', 'butter', 'chocolate', 'candy', 'cookies', 'biscuits', 'crackers', 'chips', 'crisps', 'honey', 'jam', 'vinegar',
  'shampoo', 'conditioner', 'soap', 'lotion', 'cream', 'serum', 'toothpaste', 'deodorant', 'perfume', 'fragrance', 'candle',
  'vitamins', 'vitamin', 'supplement', 'capsules', 'tablets', 'detergent', 'cleaner', 'spray', 'gel', 'powder', 'wipes',
  'shirt', 't-shirt', 'tee', 'hoodie', 'socks', 'cap', 'hat', 'bag', 'backpack', 'wallet', 'mug', 'bottle', 'cushion', 'pillow',
  'sunglasses', 'watch', 'lamp', 'bulb', 'charger', 'cable', 'headphones', 'speaker', 'notebook', 'pen', 'toy', 'puzzle',
  'duffel', 'duffle', 'tote', 'jacket', 'dress', 'shoes', 'sneakers', 'boots', 'scarf', 'gloves', 'blanket', 'towel', 'vase',
];

/** Words printed on packs (or in file names) that are never a brand. */
const GENERIC = new Set([
  ...PRODUCT_TYPES,
  'the', 'and', 'with', 'for', 'from', 'new', 'original', 'classic', 'premium', 'pure', 'natural', 'organic', 'fresh', 'pressed',
  'apple', 'orange', 'lemon', 'lime', 'berry', 'strawberry', 'banana', 'mango', 'peach', 'cherry', 'grape', 'vanilla', 'mint',
  'oat', 'oats', 'soy', 'soya', 'almond', 'coconut', 'rice', 'whole', 'skimmed', 'semi', 'light', 'lite', 'low', 'fat', 'free',
  'sugar', 'salt', 'gluten', 'vegan', 'dairy', 'protein', 'fibre', 'fiber', 'calcium', 'energy', 'nutrition', 'ingredients',
  'made', 'product', 'products', 'quality', 'best', 'before', 'store', 'keep', 'chilled', 'shake', 'open', 'here', 'recycle',
  'recyclable', 'contains', 'serving', 'servings', 'pack', 'size', 'net', 'weight', 'volume', 'high', 'strength', 'extra', 'super',
  'ultra', 'mini', 'max', 'large', 'small', 'medium', 'edition', 'limited', 'collection', 'series', 'style', 'design', 'home',
  'kitchen', 'men', 'women', 'kids', 'baby', 'unisex', 'sport', 'sports', 'travel', 'daily', 'everyday', 'food', 'drinks',
  'white', 'black', 'grey', 'gray', 'red', 'blue', 'green', 'yellow', 'pink', 'purple', 'brown', 'beige', 'cream', 'silver', 'gold',
  'img', 'dsc', 'dscn', 'pxl', 'photo', 'photos', 'image', 'images', 'pic', 'picture', 'iconic', 'front', 'back', 'side', 'top',
  'bottom', 'main', 'label', 'shot', 'copy', 'final', 'edit', 'edited', 'screenshot', 'whatsapp', 'scaled', 'thumb', 'listing', 'item',
]);

const none = (evidence: string): Attribute => ({ value: null, confidence: 0, evidence });
const clean = (w: string) => w.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
const titleCase = (w: string) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase();
const looksLikeName = (w: string) => /^\p{Lu}[\p{L}&'’-]{2,29}$/u.test(w) && (w.match(/\p{L}/gu)?.length ?? 0) >= 3;
const isGeneric = (w: string) => GENERIC.has(w.toLowerCase());

/** The words of a file name: "natural_Starter-Duffel_001.jpg" → ["natural", "Starter", "Duffel"]. */
export function fileNameWords(name: string): string[] {
  return name
    .replace(/\.[a-z0-9]{2,5}$/i, '')
    .replace(/(\p{Ll})(\p{Lu})/gu, '$1 $2')
    .split(/[^\p{L}]+/u)
    .filter((w) => w.length >= 2);
}

interface FileNameHint {
  readonly brand: string | null;
  readonly productType: string | null;
  readonly name: string;
}

/** A brand is the first non-generic word of a file name that also names a product type ("starter-duffel.jpg"). */
export function fileNameHint(names: readonly string[]): FileNameHint | null {
  for (const name of names) {
    const words = fileNameWords(name);
    const type = words.find((w) => PRODUCT_TYPES.includes(w.toLowerCase()));
    if (!type) continue;
    const brand = words.slice(0, words.indexOf(type)).find((w) => w.length >= 3 && !isGeneric(w)) ?? null;
    return { brand: brand && titleCase(brand), productType: type.toLowerCase(), name };
  }
  return null;
}

function photoNames(photos: DraftPhotos): string[] {
  return [...photos.photos].sort((a, b) => Number(b.index === photos.main.index) - Number(a.index === photos.main.index) || a.index - b.index).map((p) => p.name);
}

/** The most prominent name-like printed word: tallest × surest, a Title-case logo word before ALL CAPS descriptors. */
export function brandFromPhotos(photos: DraftPhotos): Attribute {
  const hint = fileNameHint(photoNames(photos));
  const candidates = photos.photos.flatMap((p) =>
    p.text.map((w) => ({ word: clean(w.text), confidence: w.confidence, height: w.height, photo: p.index }))
      .filter((w) => w.confidence >= BRAND_MIN_OCR && looksLikeName(w.word) && !isGeneric(w.word)));
  const named = (w: string) => hint?.brand?.toLowerCase() === w.toLowerCase();
  const rank = (c: (typeof candidates)[number]) => c.height * c.confidence * (named(c.word) ? 3 : 1) * (/\p{Ll}/u.test(c.word) ? 1.5 : 1);
  const best = [...candidates].sort((a, b) => rank(b) - rank(a) || a.word.localeCompare(b.word))[0];
  if (best) {
    const confirmed = named(best.word);
    return {
      value: /\p{Ll}/u.test(best.word) ? best.word : titleCase(best.word),
      confidence: confirmed ? 0.85 : /\p{Ll}/u.test(best.word) ? 0.7 : 0.55,
      evidence: `"${best.word}", the most prominent name printed on photo ${best.photo + 1} (OCR ${Math.round(best.confidence)}%)${confirmed ? `, also in the file name ${hint!.name}` : ''}`.slice(0, 300),
    };
  }
  if (hint?.brand) {
    return { value: hint.brand, confidence: FILE_NAME_ONLY, evidence: `Suggested by the file name ${hint.name}, not read on the photos: confirm the brand`.slice(0, 300) };
  }
  return none('No brand could be read on the photos: fill in the brand');
}

/** The product type the file name suggests (weak: confirm it), when the photos said nothing. */
export function productTypeFromFileName(photos: DraftPhotos): Attribute | null {
  const hint = fileNameHint(photoNames(photos));
  return hint?.productType ? { value: hint.productType, confidence: FILE_NAME_ONLY, evidence: `Suggested by the file name ${hint.name}, not read on the photos: confirm the product type`.slice(0, 300) } : null;
}

/** The seller's hints win over whatever the photos (or a model) said. */
export function applyHints(a: DraftAttributes, hints: DraftHints | undefined): DraftAttributes {
  const given = (value: string | undefined, field: string): Attribute | null =>
    value?.trim() ? { value: value.trim().slice(0, 120), confidence: 1, evidence: `Given by the seller (the ${field} hint)` } : null;
  return {
    ...a,
    brand: given(hints?.brand, 'brand') ?? a.brand,
    productType: given(hints?.productType, 'product type') ?? a.productType,
  };
}
