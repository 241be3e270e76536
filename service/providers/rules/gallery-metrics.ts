import type { Finding } from './findings.ts';
import { finding, pct, round } from './findings.ts';
import type { ImageMetrics } from './image-metrics.ts';
import { hammingDistance } from './image-metrics.ts';
import type { OcrResult } from './ocr.ts';
import { confidentWords } from './ocr.ts';
import type { RuleSet } from './rule-sets.ts';

/**
 * The gallery as a whole (all of a listing's images, the main image first): how many, which are
 * near-duplicates, what each one seems to do, and at what resolution. Roles are guesses from
 * honest measurements (background, text read by OCR, aspect ratio), each with its reason; a model
 * does better, and this is what the offline engine can stand behind.
 */

export type GalleryRole = 'white_background_detail' | 'lifestyle' | 'infographic' | 'scale' | 'comparison' | 'in_the_box' | 'unknown';

/** What OCR found on an image, reduced to what the gallery needs. */
export interface OcrSummary {
  /** Confident words (see ocr.ts `confidentWords`). */
  readonly words: number;
  readonly chars: number;
  /** The confident words joined, for cue matching. */
  readonly text: string;
}

export interface GalleryImageInput {
  readonly metrics: ImageMetrics;
  /** Absent when OCR did not run on this image. */
  readonly ocr?: OcrSummary;
}

export interface GalleryImageReport {
  /** Position in the listing's images (0 = main). */
  readonly index: number;
  readonly role: GalleryRole;
  readonly reason: string;
  readonly width: number;
  readonly height: number;
  readonly longSide: number;
  readonly zoomReady: boolean;
  readonly whiteNear: number;
  readonly ocrWords: number | null;
}

export interface NearDuplicate {
  readonly a: number;
  readonly b: number;
  readonly distance: number;
}

export interface GalleryReport {
  readonly count: number;
  readonly images: readonly GalleryImageReport[];
  readonly nearDuplicates: readonly NearDuplicate[];
  readonly findings: readonly Finding[];
}

/** Words at or above which an image is text-heavy (an infographic). */
export const INFOGRAPHIC_MIN_WORDS = 12;

export function summariseOcr(result: OcrResult): OcrSummary {
  const words = confidentWords(result);
  const text = words.map((w) => w.text).join(' ');
  return { words: words.length, chars: text.replace(/\s/g, '').length, text };
}

const COMPARISON = /\b(?:vs\.?|versus|compared?|comparison|other brands?|competitors?|ordinary)\b/i;
const DIMENSION = /\d+(?:[.,]\d+)?\s?(?:cm|mm|m|in|inch(?:es)?|ft|feet|"|″)(?=\W|$)/gi;
const IN_THE_BOX = /\b(?:in the box|package includes|what'?s included|includes|contents|\d+\s?(?:pcs|pieces|pack))\b/i;

export function guessRole(input: GalleryImageInput): { role: GalleryRole; reason: string } {
  const m = input.metrics;
  const ocr = input.ocr;
  const aspect = m.width / Math.max(1, m.height);
  const bg = `border ${pct(m.background.whiteNear)} white`;
  if (ocr !== undefined && ocr.words >= 3) {
    const cmp = COMPARISON.exec(ocr.text);
    if (cmp !== null) return { role: 'comparison', reason: `text says "${cmp[0]}" (${ocr.words} words)` };
    const dims = ocr.text.match(DIMENSION) ?? [];
    if (dims.length >= 2) return { role: 'scale', reason: `${dims.length} measurements in the text (e.g. "${dims[0] ?? ''}")` };
    const box = IN_THE_BOX.exec(ocr.text);
    if (box !== null) return { role: 'in_the_box', reason: `text says "${box[0]}"` };
  }
  if (ocr !== undefined && ocr.words >= INFOGRAPHIC_MIN_WORDS) {
    return { role: 'infographic', reason: `text-heavy: OCR reads ${ocr.words} words` };
  }
  if (aspect > 2.2 || aspect < 0.45) {
    return { role: 'unknown', reason: `banner-shaped (${round(aspect, 2)}:1), ${bg}` };
  }
  const words = ocr === undefined ? 'no OCR' : `${ocr.words} words`;
  if (m.background.isWhite) return { role: 'white_background_detail', reason: `${bg}, ${words}` };
  if (m.background.uniformity < 0.6) {
    return { role: 'lifestyle', reason: `scene background (border only ${pct(m.background.uniformity)} uniform, mean ${m.background.meanColour}), ${words}` };
  }
  return { role: 'unknown', reason: `plain non-white background ${m.background.meanColour} (${bg}), ${words}` };
}

export function measureGallery(images: readonly GalleryImageInput[], rules: RuleSet): GalleryReport {
  const reports = images.map((input, index): GalleryImageReport => {
    const { role, reason } = guessRole(input);
    const m = input.metrics;
    return {
      index, role, reason, width: m.width, height: m.height, longSide: m.longSide, zoomReady: m.longSide >= rules.image.zoomMinPx,
      whiteNear: m.background.whiteNear, ocrWords: input.ocr?.words ?? null,
    };
  });
  const nearDuplicates: NearDuplicate[] = [];
  for (let a = 0; a < images.length; a++) {
    for (let b = a + 1; b < images.length; b++) {
      const ha = images[a]?.metrics.hash, hb = images[b]?.metrics.hash;
      if (ha === undefined || hb === undefined) continue;
      const distance = hammingDistance(ha, hb);
      if (distance <= rules.gallery.nearDuplicateMaxDistance) nearDuplicates.push({ a, b, distance });
    }
  }
  return { count: images.length, images: reports, nearDuplicates, findings: galleryFindings(reports, nearDuplicates, rules, images.some((i) => i.ocr !== undefined)) };
}

/** Images are numbered from 1 in messages, as a seller counts them. */
const n = (index: number) => index + 1;

function galleryFindings(images: readonly GalleryImageReport[], dups: readonly NearDuplicate[], rules: RuleSet, ocrRan: boolean): Finding[] {
  const { recommendedMin, slots } = rules.gallery;
  const count = images.length;
  const out: Finding[] = [];
  const countMeasured = { count, recommendedMin, slots };
  if (count >= recommendedMin) {
    out.push(finding('gallery.count_ok', 'gallery', 'info',
      `${count} images (≥ ${recommendedMin} recommended; Amazon shows ${slots} image slots plus a video)${count > slots ? `; only the first ${slots} are shown` : ''}`, countMeasured));
  } else {
    out.push(finding('gallery.count_low', 'gallery', count < 3 ? 'major' : 'minor',
      `Only ${count} image${count === 1 ? '' : 's'}: ${recommendedMin - count} short of the ${recommendedMin} recommended (${slots} slots plus a video)`, countMeasured));
  }

  if (dups.length > 0) {
    const pairs = dups.map((d) => `${n(d.a)} and ${n(d.b)}`).join(', ');
    out.push(finding('gallery.near_duplicates', 'gallery', 'minor',
      `${dups.length} near-duplicate pair${dups.length === 1 ? '' : 's'} (images that look almost the same at a glance): images ${pairs}; each slot should show something new`,
      { pairs: dups.length }));
  } else if (count > 1) {
    out.push(finding('gallery.no_duplicates', 'gallery', 'info', `No near-duplicates among the ${count} images: each one looks different at a glance`, { pairs: 0, maxDistance: rules.gallery.nearDuplicateMaxDistance }));
  }

  const small = images.filter((i) => !i.zoomReady);
  if (count === 0) {
    // Nothing to measure; the count finding already says so.
  } else if (small.length === 0) {
    out.push(finding('gallery.resolution_ok', 'gallery', 'info',
      `${count === 1 ? 'The image is' : `All ${count} images are`} ≥ ${rules.image.zoomMinPx} px on the long side (zoom enabled); smallest ${Math.min(...images.map((i) => i.longSide))} px`,
      { belowZoom: 0, smallestLongSide: Math.min(...images.map((i) => i.longSide)) }));
  } else {
    out.push(finding('gallery.low_resolution', 'gallery', 'minor',
      `${small.length} of ${count} image${count === 1 ? '' : 's'} ${small.length === 1 ? 'is' : 'are'} below ${rules.image.zoomMinPx} px on the long side (no zoom): ${small.map((i) => `image ${n(i.index)} ${i.width}×${i.height}`).join(', ')}`,
      { belowZoom: small.length, count, zoomMinPx: rules.image.zoomMinPx }));
  }

  const roles = new Map<GalleryRole, number[]>();
  for (const image of images) roles.set(image.role, [...(roles.get(image.role) ?? []), n(image.index)]);
  if (count > 0) {
    const summary = [...roles].map(([role, at]) => `${role.replaceAll('_', ' ')} (image${at.length === 1 ? '' : 's'} ${at.join(', ')})`).join('; ');
    out.push(finding('gallery.roles', 'gallery', 'info', `Image roles by measurement: ${summary}${ocrRan ? '' : ' — no OCR, so text-based roles were not detected'}`,
      Object.fromEntries([...roles].map(([role, at]) => [role, at.length]))));
  }
  if (count > 1 && !roles.has('lifestyle')) {
    out.push(finding('gallery.no_lifestyle', 'gallery', 'minor', 'No image reads as a lifestyle photo (product in use, in a real scene)', { lifestyle: 0 }));
  }
  if (ocrRan && count > 1 && !['infographic', 'scale', 'comparison', 'in_the_box'].some((r) => roles.has(r as GalleryRole))) {
    out.push(finding('gallery.no_infographic', 'gallery', 'minor',
      `No image carries explanatory text (no image has ≥ ${INFOGRAPHIC_MIN_WORDS} words, dimensions, a comparison or a what's-in-the-box list)`, { infographics: 0 }));
  }
  return out;
}
