import type { Attribute, DraftAttributes, DraftPhotos, Photo } from '../domain/draft-outputs.ts';
import { pct } from '../providers/rules/findings.ts';
import { applyHints, brandFromPhotos, PRODUCT_TYPES, productTypeFromFileName, type DraftHints } from './draft-brand.ts';

/**
 * Stage draft_analyze offline: attributes from what the rules engine measured — text OCR read on
 * the product, and the product's own colours — each with a confidence and the photo it rests on.
 * The brand is the most prominent name-like printed word (draft-brand.ts); the seller's hints win
 * over the photos. What measurement cannot tell (material, condition) stays null: the offline
 * engine says what it cannot see rather than guess.
 */

/** OCR words used as printed text: this confident, and at least this many letters. */
const WORD_CONFIDENCE = 70;
const WORD_LETTERS = 3;

const SIZE = /^(\d+(?:[.,]\d+)?)\s?(ml|cl|l|ltr|litre|liter|oz|fl\.?\s?oz|g|kg|lb|lbs|cm|mm|in)$/i;

export interface PrintedWord {
  readonly text: string;
  readonly photo: number;
  readonly confidence: number;
}

/** Confident printed words across the photos, the main photo first, each once (case-insensitive). */
export function printedWords(photos: DraftPhotos): PrintedWord[] {
  const order = [...photos.photos].sort((a, b) => Number(b.index === photos.main.index) - Number(a.index === photos.main.index) || a.index - b.index);
  const seen = new Set<string>();
  const out: PrintedWord[] = [];
  for (const p of order) {
    for (const w of p.text) {
      const text = w.text.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}%]+$/gu, '');
      const letters = text.match(/\p{L}/gu)?.length ?? 0;
      if (w.confidence < WORD_CONFIDENCE || (letters < WORD_LETTERS && !SIZE.test(text))) continue;
      const key = text.toLowerCase();
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ text, photo: p.index, confidence: w.confidence });
    }
  }
  return out;
}

const none = (evidence: string): Attribute => ({ value: null, confidence: 0, evidence });

function productType(words: readonly PrintedWord[]): Attribute {
  const hit = words.find((w) => PRODUCT_TYPES.includes(w.text.toLowerCase()));
  if (!hit) return none('No product word could be read on the photos; a vision model is needed to say what the product is');
  return { value: hit.text.toLowerCase(), confidence: 0.55, evidence: `"${hit.text}" printed on photo ${hit.photo + 1} (OCR ${Math.round(hit.confidence)}%)` };
}

function size(words: readonly PrintedWord[], photos: DraftPhotos): Attribute {
  const joined = photos.photos.flatMap((p) => p.text.map((w, i) => ({ p, t: `${w.text}${p.text[i + 1] ? ` ${p.text[i + 1]!.text}` : ''}` })));
  const single = words.find((w) => SIZE.test(w.text));
  const pair = joined.find((j) => SIZE.test(j.t));
  const text = single?.text ?? pair?.t;
  const photo = single?.photo ?? pair?.p.index;
  if (!text || photo === undefined) return none('No size or volume could be read on the photos');
  const m = SIZE.exec(text)!;
  return { value: `${m[1]!.replace(',', '.')} ${m[2]!.toLowerCase()}`, confidence: 0.6, evidence: `"${text}" printed on photo ${photo + 1}` };
}

/** The product's colour from the photo with the cleanest background (busy scenes mix in the room). */
function colour(photos: DraftPhotos): Attribute {
  const rank = { white: 0, off_white: 1, plain: 2, busy: 3 } as const;
  const best: Photo | undefined = [...photos.photos]
    .filter((p) => p.colours.length > 0)
    .sort((a, b) => rank[a.background] - rank[b.background] || Number(b.index === photos.main.index) - Number(a.index === photos.main.index) || a.index - b.index)[0];
  const top = best?.colours[0];
  if (!best || !top) return none('No product colour could be measured');
  const busy = best.background === 'busy';
  const confidence = busy ? 0.3 : top.share >= 0.4 ? 0.75 : 0.6;
  const second = best.colours[1];
  const also = second && second.share >= 0.2 ? `; also ${second.name} (${pct(second.share)})` : '';
  return {
    value: top.name,
    confidence,
    evidence: `${pct(top.share)} of the product's pixels are ${top.name} (${top.hex}) on photo ${best.index + 1}${busy ? ', a busy scene: the colour may be the surroundings' : ''}${also}`.slice(0, 300),
  };
}

export function attributesOffline(photos: DraftPhotos, hints?: DraftHints): DraftAttributes {
  const words = printedWords(photos);
  const type = productType(words);
  return applyHints({
    productType: type.value === null ? (productTypeFromFileName(photos) ?? type) : type,
    brand: brandFromPhotos(photos),
    material: none('Material cannot be measured from photos without a model'),
    colour: colour(photos),
    size: size(words, photos),
    condition: none('Condition cannot be judged from photos without a model'),
    features: [],
    printedText: words.filter((w) => !SIZE.test(w.text)).slice(0, 40).map((w) => w.text.slice(0, 80)),
  }, hints);
}

/** Grounding for the vision prompt: each photo's measurements, as lines. */
export function photoFacts(photos: DraftPhotos): string {
  return photos.photos
    .map((p) => {
      const colours = p.colours.map((c) => `${c.name} ${pct(c.share)}`).join(', ') || 'none measured';
      const text = p.text.filter((w) => w.confidence >= 60).map((w) => w.text).slice(0, 15).join(' ') || 'none read';
      return `- Photo ${p.index + 1} (${p.width}×${p.height} px, ${p.background.replace('_', '-')} background${p.fill === null ? '' : `, product fills ${pct(p.fill)}`}): product colours ${colours}; OCR text: ${text}`;
    })
    .join('\n');
}
