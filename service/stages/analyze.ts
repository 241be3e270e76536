import type { Listing, Side } from '../domain/listing.ts';
import pLimit from '../support/limit.ts';
import { forSide, sortFindings, finding, type Finding } from '../providers/rules/findings.ts';
import { measureGallery, summariseOcr } from '../providers/rules/gallery-metrics.ts';
import { measureImage, type ImageMetrics } from '../providers/rules/image-metrics.ts';
import { checkMainImage } from '../providers/rules/main-image-rules.ts';
import { confidentWords, createOcr, detectBadges, type Ocr, type OcrResult } from '../providers/rules/ocr.ts';
import { ruleSetFor } from '../providers/rules/rule-sets.ts';
import { checkText } from '../providers/rules/title-rules.ts';
import type { SideFacts } from './acquired.ts';

/** What a stage records as its "model" when the offline rules engine made the output. */
export const RULES_ENGINE_MODEL = 'listinglab-rules-1';

/** OCR runs on the main image and at most this many gallery images (it is the slow part). */
const OCR_GALLERY_MAX = 6;

/**
 * Measurements of one image (metrics + OCR) by content hash: the same bytes always measure the
 * same, so a listing compared again (or the same photo in two listings) is measured once.
 */
export interface MeasurementCache {
  get(key: string): Promise<unknown>;
  put(key: string, value: unknown): Promise<void>;
}

export interface Measured {
  readonly metrics: ImageMetrics;
  readonly ocr: OcrResult | null;
}

export interface RulesAnalyzer {
  analyze(side: Side, listing: Listing, images: readonly { sha256: string; bytes: Buffer; index: number }[], at: Date): Promise<SideFacts>;
  /** One image's metrics (and OCR when asked), cached by content like a listing's (draft photos use it). */
  measure(img: { sha256: string; bytes: Buffer }, withOcr: boolean): Promise<Measured>;
  close(): Promise<void>;
}

/**
 * The rules engine's measurement of one listing: image metrics (background, fill, resolution,
 * legibility, perceptual hashes), OCR of the main image and gallery, Amazon's text rules in force
 * on `at`. Its findings are the offline engine's evidence and the models' grounding facts.
 */
export function createRulesAnalyzer(opts: { ocr?: Ocr; cache?: MeasurementCache } = {}): RulesAnalyzer {
  const ocr = opts.ocr ?? createOcr();
  const measuring = pLimit(2);
  const measure = async (img: { sha256: string; bytes: Buffer }, withOcr: boolean): Promise<Measured> => {
    const key = `measure:${RULES_ENGINE_MODEL}:${withOcr ? 'ocr' : 'plain'}:${img.sha256}`;
    const hit = (await opts.cache?.get(key)) as Measured | undefined;
    if (hit?.metrics) return hit;
    const metrics = await measuring(() => measureImage(img.bytes));
    const measured: Measured = { metrics, ocr: withOcr ? await ocr.recognize(img.bytes) : null };
    await opts.cache?.put(key, measured);
    return measured;
  };
  return {
    async analyze(side, listing, images, at) {
      const rules = ruleSetFor(at, listing.category);
      const sorted = [...images].sort((a, b) => a.index - b.index);
      const measured = await Promise.all(sorted.map((img, i) => measure(img, i <= OCR_GALLERY_MAX)));
      const metrics = measured.map((m) => m.metrics);
      const ocrResults = measured.map((m) => m.ocr ?? undefined);

      const findings: Finding[] = [];
      const main = sorted[0]?.index === 0 ? metrics[0] : undefined;
      const mainOcr = main ? ocrResults[0] : undefined;
      if (main) findings.push(...checkMainImage(main, rules, mainOcr));
      else findings.push(finding('main.missing', 'main_image', 'critical', 'No usable main image: the first image is missing or was refused'));

      const gallery = measureGallery(
        metrics.map((m, i) => {
          const o = ocrResults[i];
          return o ? { metrics: m, ocr: summariseOcr(o) } : { metrics: m };
        }),
        rules,
      );
      findings.push(...gallery.findings, ...checkText(listing, at));

      return {
        ruleSet: rules.version,
        titleMax: rules.titleMax,
        findings: sortFindings(forSide(side, findings)),
        main: main ? mainSummary(main, mainOcr) : null,
        gallery: {
          count: gallery.count,
          roles: gallery.images.map((g) => ({ index: sorted[g.index]?.index ?? g.index, role: g.role, reason: g.reason })),
          nearDuplicates: gallery.nearDuplicates.length,
          lowResolution: gallery.images.filter((g) => !g.zoomReady).length,
        },
      };
    },
    measure,
    close: () => ocr.close(),
  };
}

function mainSummary(m: ImageMetrics, o: OcrResult | undefined): NonNullable<SideFacts['main']> {
  return {
    whitePure: m.background.whitePure,
    whiteNear: m.background.whiteNear,
    backgroundWhite: m.background.isWhite,
    uniformity: m.background.uniformity,
    fillArea: m.fillArea,
    fillLongSide: m.fillLongSide,
    fillSquare: Math.max(m.fillWidth * m.width, m.fillHeight * m.height) / Math.max(1, m.longSide),
    width: m.width,
    height: m.height,
    longSide: m.longSide,
    legibility: m.legibility,
    textWords: o ? confidentWords(o).length : 0,
    badges: o ? detectBadges(o).map((b) => b.badge) : [],
    ...(m.productBox
      ? { box: { x: share(m.productBox.x, m.width), y: share(m.productBox.y, m.height), width: share(m.productBox.width, m.width), height: share(m.productBox.height, m.height) } }
      : {}),
  };
}

/** `part` of `whole` as a share rounded to 0.001 (stored facts stay small and deterministic). */
const share = (part: number, whole: number) => Math.round((Math.min(whole, Math.max(0, part)) / Math.max(1, whole)) * 1000) / 1000;
