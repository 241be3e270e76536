import type { Finding } from './findings.ts';
import { finding, pct, round } from './findings.ts';
import type { ImageMetrics } from './image-metrics.ts';
import type { OcrResult } from './ocr.ts';
import { confidentWords, detectBadges } from './ocr.ts';
import type { RuleSet } from './rule-sets.ts';

/**
 * Findings for a main image (the one that wins or loses the click), from its measurements and,
 * when OCR ran, the text on it. Every check reports its good outcome too.
 */
export function checkMainImage(metrics: ImageMetrics, rules: RuleSet, ocr?: OcrResult): Finding[] {
  return [
    background(metrics, rules),
    fill(metrics, rules),
    resolution(metrics, rules, 'main'),
    legibility(metrics),
    ...(ocr === undefined ? [] : text(ocr)),
  ];
}

function background(m: ImageMetrics, rules: RuleSet): Finding {
  const bg = m.background;
  // Of the border's white-looking pixels, how many are exactly 255: separates an off-white or
  // grey-cast backdrop from a pure one whose border is partly covered by the product itself.
  const purity = bg.whiteNear === 0 ? 0 : bg.whitePure / bg.whiteNear;
  const measured = {
    whitePure: round(bg.whitePure), whiteNear: round(bg.whiteNear), purity: round(purity), meanColour: bg.meanColour,
    uniformity: round(bg.uniformity), hadAlpha: m.hadAlpha,
  };
  const alpha = m.hadAlpha ? '; transparent areas shown on white' : '';
  const rest = bg.whiteNear < 0.995 ? `; the other ${pct(1 - bg.whiteNear)} is not white, e.g. the product reaching the edge` : '';
  if (bg.isWhite && purity >= rules.image.whiteMinShare) {
    return finding('main.bg_white', 'main_image', 'info',
      `Main image background is pure white: ${pct(bg.whitePure)} of the border is exactly RGB 255,255,255 (${pct(bg.whiteNear)} at ≥ 250${rest})${alpha}`, measured);
  }
  if (bg.isWhite) {
    return finding('main.bg_off_white', 'main_image', 'minor',
      `Main image background looks white (${pct(bg.whiteNear)} of the border at ≥ 250) but only ${pct(bg.whitePure)} is exactly RGB 255,255,255, as Amazon requires${alpha}`, measured);
  }
  return finding('main.bg_not_white', 'main_image', 'critical',
    `Main image background is ${pct(bg.whiteNear)} white (mean border colour ${bg.meanColour}${bg.uniformity < 0.6 ? ', a busy scene' : ''}); Amazon requires pure white RGB 255,255,255`, measured);
}

function fill(m: ImageMetrics, rules: RuleSet): Finding {
  const min = rules.image.mainFillMin;
  const measured = { fillLongSide: round(m.fillLongSide), fillArea: round(m.fillArea), fillWidth: round(m.fillWidth), fillHeight: round(m.fillHeight), fillMin: min };
  if (!m.background.isWhite && m.background.uniformity < 0.6) {
    // Without a clean backdrop the "product" box is the whole busy scene: report, don't judge.
    // A plain coloured backdrop is different: the product stands out from it and can be measured.
    return finding('main.fill_unmeasurable', 'main_image', 'info',
      `Product fill not measurable against a non-white background (the differing region spans ${pct(m.fillLongSide)} of the frame)`, measured);
  }
  if (m.fillLongSide >= min) {
    return finding('main.fill_ok', 'main_image', 'info',
      `Product reaches ${pct(m.fillLongSide)} of the frame along its longest side (Amazon asks ≥ ${pct(min)}); its box covers ${pct(m.fillArea)} of the area`, measured);
  }
  return finding('main.fill_low', 'main_image', m.fillLongSide < 0.6 ? 'major' : 'minor',
    `Product reaches only ${pct(m.fillLongSide)} of the frame along its longest side (Amazon asks ≥ ${pct(min)}); its box covers ${pct(m.fillArea)} of the area`, measured);
}

/** Shared with the gallery: `prefix` is `main` or `gallery.<n>`. */
export function resolution(m: ImageMetrics, rules: RuleSet, prefix: string): Finding {
  const { zoomMinPx, recommendedPx } = rules.image;
  const measured = { width: m.width, height: m.height, longSide: m.longSide, zoomMinPx, recommendedPx };
  const kind = prefix === 'main' ? 'main_image' : 'gallery';
  const name = prefix === 'main' ? 'Main image' : `Image ${prefix.split('.')[1] ?? ''}`.trim();
  if (m.longSide >= recommendedPx) {
    return finding(`${prefix}.resolution_ok`, kind, 'info', `${name} is ${m.width}×${m.height} px (≥ ${recommendedPx} px recommended, zoom enabled)`, measured);
  }
  if (m.longSide >= zoomMinPx) {
    return finding(`${prefix}.resolution_below_recommended`, kind, 'minor',
      `${name} is ${m.width}×${m.height} px: zoom works (≥ ${zoomMinPx} px) but Amazon recommends ≥ ${recommendedPx} px on the long side`, measured);
  }
  return finding(`${prefix}.resolution_no_zoom`, kind, prefix === 'main' ? 'major' : 'minor',
    `${name} is ${m.width}×${m.height} px: below ${zoomMinPx} px on the long side, so Amazon's zoom is off`, measured);
}

/** Legibility (0–1) at which the product reads at thumbnail size. */
export const LEGIBLE_MIN = 0.5;

function legibility(m: ImageMetrics): Finding {
  const measured = {
    legibility: round(m.legibility), edgeDensity: round(m.legibilityParts.edgeDensity),
    contrast: round(m.legibilityParts.contrast), separation: round(m.legibilityParts.separation), colourfulness: round(m.colourfulness, 1),
    legibilityMin: LEGIBLE_MIN,
  };
  if (m.legibility >= LEGIBLE_MIN) {
    return finding('main.thumbnail_legible', 'main_image', 'info',
      `At search-result size (160 px) the product reads clearly: legibility ${round(m.legibility, 2)} (edges ${pct(m.legibilityParts.edgeDensity)}, contrast ${round(m.legibilityParts.contrast, 2)})`, measured);
  }
  return finding('main.thumbnail_weak', 'main_image', 'minor',
    `At search-result size (160 px) the product is hard to read: legibility ${round(m.legibility, 2)} (edges ${pct(m.legibilityParts.edgeDensity)}, contrast ${round(m.legibilityParts.contrast, 2)}, separation from background ${round(m.legibilityParts.separation, 2)})`, measured);
}

/**
 * Text on the main image is never a plus: a badge is a critical finding, other text is at best
 * neutral (fine when printed on the product) and a finding when there is a lot of it. Words that
 * are the badge already reported are not reported again.
 */
function text(ocr: OcrResult): Finding[] {
  const badges = detectBadges(ocr);
  const badgeWords = new Set(badges.flatMap((b) => b.matched.toUpperCase().split(/\s+/)));
  const all = confidentWords(ocr);
  const words = all.filter((w) => !badgeWords.has(w.text.toUpperCase()));
  const sample = words.slice(0, 8).map((w) => w.text).join(' ');
  const out: Finding[] = [];
  if (badges.length > 0) {
    const matched = badges.map((b) => `"${b.matched}"`).join(', ');
    out.push(finding('main.promo_badge', 'main_image', 'critical',
      `Main image shows promotional text: ${matched}; Amazon forbids badges and promotions on the main image`,
      { badges: badges.map((b) => b.badge).join(', '), matched, count: badges.length, badgeWords: all.length - words.length }));
  }
  if (words.length === 0) {
    if (badges.length === 0) out.push(finding('main.no_text', 'main_image', 'info', 'No legible text detected on the main image (OCR)', { words: 0 }));
  } else {
    out.push(finding('main.text_present', 'main_image', words.length > OVERLAY_MIN_WORDS ? 'minor' : 'info',
      `OCR reads ${words.length} word${words.length === 1 ? '' : 's'} on the main image ("${sample}"); fine if printed on the product, not if added as overlay text`,
      { words: words.length, sample, overlayMinWords: OVERLAY_MIN_WORDS }));
  }
  return out;
}

/** More words than this on a main image read as overlaid copy, not a printed label. */
export const OVERLAY_MIN_WORDS = 12;
