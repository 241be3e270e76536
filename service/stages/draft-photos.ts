import type { BackgroundKind, DraftPhotos, Photo, PhotoFeedback } from '../domain/draft-outputs.ts';
import { pct, round } from '../providers/rules/findings.ts';
import type { ImageMetrics } from '../providers/rules/image-metrics.ts';
import { confidentWords, type OcrResult, type OcrWord } from '../providers/rules/ocr.ts';
import type { ProductColour } from '../providers/rules/product-colours.ts';
import { ruleSetFor } from '../providers/rules/rule-sets.ts';

/**
 * Stage draft_acquire's judgement of the photos, from measurements alone: which photo should be
 * the main image, and what to reshoot (background, fill, resolution, legibility), each with the
 * numbers it rests on. The thresholds are Amazon's image rules (the strictest of the four
 * marketplaces), from the rule set in force.
 */

export interface MeasuredPhoto {
  readonly index: number;
  readonly name: string;
  readonly sha256: string;
  readonly metrics: ImageMetrics;
  readonly ocr: OcrResult | null;
  readonly colours: readonly ProductColour[];
}

export interface RefusedPhoto {
  readonly index: number;
  readonly name: string;
  readonly reason: string;
}

const BACKGROUND_POINTS: Record<BackgroundKind, number> = { white: 4, off_white: 3, plain: 1.5, busy: 0 };

function backgroundOf(m: ImageMetrics, whiteMinShare: number): BackgroundKind {
  const bg = m.background;
  const purity = bg.whiteNear === 0 ? 0 : bg.whitePure / bg.whiteNear;
  if (bg.isWhite) return purity >= whiteMinShare ? 'white' : 'off_white';
  return bg.uniformity >= 0.6 ? 'plain' : 'busy';
}

function toPhoto(p: MeasuredPhoto, whiteMinShare: number, fillMin: number, zoomPx: number, recommendedPx: number): Photo {
  const m = p.metrics;
  const background = backgroundOf(m, whiteMinShare);
  const fill = background === 'busy' ? null : round(Math.min(1, m.fillLongSide));
  const resolution = m.longSide >= recommendedPx ? 2 : m.longSide >= zoomPx ? 1.5 : (1.5 * m.longSide) / zoomPx;
  const suitability = BACKGROUND_POINTS[background] + (fill === null ? 0.5 : 3 * Math.min(1, fill / fillMin)) + resolution + m.legibility;
  const words = p.ocr ? printedOn(p.ocr) : [];
  return {
    index: p.index,
    name: p.name.slice(0, 200),
    sha256: p.sha256,
    width: m.width,
    height: m.height,
    background,
    whiteNear: round(m.background.whiteNear),
    uniformity: round(m.background.uniformity),
    fill,
    legibility: round(m.legibility),
    colours: p.colours.slice(0, 5).map((c) => ({ hex: c.hex, share: Math.min(1, c.share), name: c.name })),
    text: words
      .map((w) => ({ text: w.text.slice(0, 80), confidence: Math.round(w.confidence), height: w.bbox.y1 - w.bbox.y0 }))
      .sort((a, b) => b.height * b.confidence - a.height * a.confidence || a.text.localeCompare(b.text))
      .slice(0, 60),
    suitability: Math.round(Math.min(10, suitability) * 10) / 10,
  };
}

/** A name read this surely (a logo: "Tropicana", "Starter") is text even when no dictionary knows it. */
const NAME_CONFIDENCE = 85;
const NAME = /^[^\p{L}]*\p{Lu}[\p{L}&'’-]{2,29}[^\p{L}]*$/u;

/** The words OCR is sure of, plus confidently read names (brands are rarely dictionary words). */
function printedOn(ocr: OcrResult): OcrWord[] {
  const sure = confidentWords(ocr);
  const kept = new Set(sure);
  return [...sure, ...ocr.words.filter((w) => !kept.has(w) && w.confidence >= NAME_CONFIDENCE && NAME.test(w.text))];
}

const label = (p: { index: number; name: string }) => `Photo ${p.index + 1} (${p.name})`;

function feedbackFor(p: Photo, m: ImageMetrics, fillMin: number, zoomPx: number, recommendedPx: number): PhotoFeedback[] {
  const out: PhotoFeedback[] = [];
  const add = (issue: PhotoFeedback['issue'], severity: PhotoFeedback['severity'], message: string, fix: string) =>
    out.push({ photo: p.index, name: p.name, issue, severity, message: `${label(p)}: ${message}`.slice(0, 400), fix });
  const bg = m.background;
  switch (p.background) {
    case 'white':
      break;
    case 'off_white':
      add('background', 'minor', `the background looks white (${pct(bg.whiteNear)} of the border at ≥ 250) but only ${pct(bg.whitePure)} is pure white RGB 255,255,255`,
        'Set the background to pure white (RGB 255,255,255) when editing, or reshoot on a brightly lit white sweep');
      break;
    case 'plain':
      add('background', 'major', `a plain ${bg.meanColour} background (${pct(bg.uniformity)} of the border one colour), not white`,
        'Reshoot on pure white, or cut the product out onto white: marketplaces want a white main image');
      break;
    case 'busy':
      add('background', 'major', `a busy background: only ${pct(bg.uniformity)} of the border is one colour and ${pct(bg.whiteNear)} is white (a shop shelf or a room)`,
        'Reshoot the product alone on a plain white backdrop (a sheet of white card works), or cut it out onto white');
      break;
  }
  if (p.fill !== null && p.fill < fillMin) {
    add('fill', p.fill < 0.6 ? 'major' : 'minor', `the product reaches ${pct(p.fill)} of the frame along its longest side (marketplaces ask ≥ ${pct(fillMin)})`,
      `Move closer or crop so the product fills at least ${pct(fillMin)} of the frame`);
  }
  if (m.longSide < zoomPx) {
    add('resolution', 'major', `${m.width}×${m.height} px, below ${zoomPx} px on the long side (no zoom on Amazon; soft on every marketplace)`,
      `Reshoot at ${recommendedPx} px or more on the long side (any recent phone camera, without heavy cropping)`);
  } else if (m.longSide < recommendedPx) {
    add('resolution', 'minor', `${m.width}×${m.height} px: zoom works (≥ ${zoomPx} px) but ${recommendedPx} px is recommended`, `Export or reshoot at ${recommendedPx} px or more on the long side`);
  }
  if (m.legibility < 0.5) {
    add('legibility', 'minor', `hard to make out at search-result size (legibility ${round(m.legibility, 2)})`, 'Use a simpler angle, a tighter crop and more contrast with the background');
  }
  return out;
}

function mainReasons(main: Photo, runnerUp: Photo | undefined, count: number, fillMin: number): string[] {
  const bg: Record<BackgroundKind, string> = {
    white: `pure white background (${pct(main.whiteNear)} of the border near-white)`,
    off_white: `near-white background (${pct(main.whiteNear)} of the border at ≥ 250)`,
    plain: `plain background (${pct(main.uniformity)} of the border one colour)`,
    busy: `the least busy background of the set (${pct(main.uniformity)} of the border one colour)`,
  };
  const reasons = [`${label(main)} is the best main image of ${count}: ${bg[main.background]}`];
  if (main.fill !== null) reasons.push(`the product reaches ${pct(main.fill)} of the frame (≥ ${pct(fillMin)} asked)`);
  reasons.push(`${main.width}×${main.height} px; legibility at thumbnail size ${round(main.legibility, 2)}`);
  reasons.push(runnerUp
    ? `main-image suitability ${main.suitability} of 10; next best is photo ${runnerUp.index + 1} at ${runnerUp.suitability}`
    : `main-image suitability ${main.suitability} of 10 (the only usable photo)`);
  return reasons;
}

export function assessPhotos(measured: readonly MeasuredPhoto[], refused: readonly RefusedPhoto[], at: Date): DraftPhotos {
  const rules = ruleSetFor(at);
  const { whiteMinShare, mainFillMin, zoomMinPx, recommendedPx } = rules.image;
  const sorted = [...measured].sort((a, b) => a.index - b.index);
  const photos = sorted.map((p) => toPhoto(p, whiteMinShare, mainFillMin, zoomMinPx, recommendedPx));
  // Ties go to the earlier photo: the seller's own order is the best tie-break there is.
  const ranked = [...photos].sort((a, b) => b.suitability - a.suitability || a.index - b.index);
  const main = ranked[0];
  if (!main) throw new Error('assessPhotos needs at least one measured photo');
  const feedback = [
    ...sorted.flatMap((p, i) => feedbackFor(photos[i]!, p.metrics, mainFillMin, zoomMinPx, recommendedPx)),
    ...refused.map((r): PhotoFeedback => ({
      photo: r.index, name: r.name.slice(0, 200), issue: 'unusable', severity: 'critical',
      message: `${label(r)} could not be used (${r.reason})`.slice(0, 400), fix: 'Upload it again as a JPEG, PNG or WebP photo under 15 MB',
    })),
  ];
  return {
    ruleSet: rules.version,
    photos,
    refused: refused.map((r) => ({ index: r.index, name: r.name.slice(0, 200), reason: r.reason.slice(0, 200) })),
    main: { index: main.index, name: main.name, reasons: mainReasons(main, ranked[1], photos.length, mainFillMin) },
    feedback: feedback.slice(0, 60),
  };
}
