import { createRequire } from 'node:module';
import path from 'node:path';
import sharp from 'sharp';
import Tesseract from 'tesseract.js';
import { hasEnglishWord } from './dictionary.ts';

/**
 * Text on images, fully offline: tesseract.js (WebAssembly core from node_modules) with the
 * English model from @tesseract.js-data/eng read from disk (no download, no cache file written).
 * One worker thread, created on first use and reused while there is work; `close()` terminates
 * it — an open worker keeps the process alive, so whoever creates an Ocr closes it. It is also
 * ended after `idleMs` without work: its WebAssembly memory only grows (~50–90 MB after a few
 * images, measured with `npm run bench -- --memory`) and is given back only by ending the thread,
 * while starting a new one costs well under a second against a run's model calls.
 *
 * Page segmentation is SPARSE_TEXT: product images carry scattered text (a corner badge, a label),
 * which the default block mode misses; the noise it reads in photos is filtered by confidence.
 *
 * @see node_modules/tesseract.js/docs/api.md
 */

export interface OcrBox {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

export interface OcrWord {
  readonly text: string;
  /** Tesseract's confidence, 0–100. */
  readonly confidence: number;
  /** In pixels of the original image. */
  readonly bbox: OcrBox;
  /** Index of the text line the word belongs to, in reading order. */
  readonly line: number;
}

export interface OcrResult {
  readonly text: string;
  readonly words: readonly OcrWord[];
}

export interface Ocr {
  recognize(bytes: Buffer): Promise<OcrResult>;
  /** Whether a worker thread is running now (started by `recognize`, ended when idle or closed). */
  running(): boolean;
  /** Terminates the worker (if one was started). A later `recognize` starts a new one. */
  close(): Promise<void>;
}

export interface OcrOptions {
  /** Folder holding `eng.traineddata.gz`. Default: the LSTM model shipped in @tesseract.js-data/eng. */
  readonly langPath?: string;
  /** Images are upscaled to at least this long side before recognition (default 1000). */
  readonly minLongSide?: number;
  /** … and downscaled to at most this (default 2000) to bound the time per image. */
  readonly maxLongSide?: number;
  /** The worker is ended after this long without a job (ms, default 30 s). */
  readonly idleMs?: number;
}

/** Confidence (0–100) under which a word is treated as noise by the helpers below. */
export const MIN_WORD_CONFIDENCE = 60;

function defaultLangPath(): string {
  const require = createRequire(import.meta.url);
  // The LSTM-only "best_int" model: what tesseract.js itself picks for OEM.LSTM_ONLY.
  return path.join(path.dirname(require.resolve('@tesseract.js-data/eng/package.json')), '4.0.0_best_int');
}

export function createOcr(options: OcrOptions = {}): Ocr {
  const minLongSide = options.minLongSide ?? 1000;
  const maxLongSide = options.maxLongSide ?? 2000;
  const idleMs = options.idleMs ?? 30_000;
  let worker: Promise<Tesseract.Worker> | undefined;
  // One job at a time on the one worker; keeps results in call order.
  let queue: Promise<unknown> = Promise.resolve();
  let pending = 0;
  let idle: NodeJS.Timeout | undefined;

  /** Ends the worker now; a `recognize` after this starts a new one. */
  const retire = async (): Promise<void> => {
    clearTimeout(idle);
    const current = worker;
    worker = undefined;
    const w = await current?.catch(() => undefined);
    await w?.terminate();
  };

  const start = async (): Promise<Tesseract.Worker> => {
    const langPath = options.langPath ?? defaultLangPath();
    const w = await Tesseract.createWorker('eng', Tesseract.OEM.LSTM_ONLY, {
      langPath,
      // Read the model straight from the package; never write a cache copy into the cwd.
      cachePath: langPath,
      cacheMethod: 'none',
      gzip: true,
    });
    await w.setParameters({ tessedit_pageseg_mode: Tesseract.PSM.SPARSE_TEXT, user_defined_dpi: '300', debug_file: '/dev/null' });
    return w;
  };

  const run = async (bytes: Buffer): Promise<OcrResult> => {
    const prepared = await prepare(bytes, minLongSide, maxLongSide);
    // A failed start is not cached: the next call tries again.
    worker ??= start().catch((error: unknown) => {
      worker = undefined;
      throw error;
    });
    const w = await worker;
    const { data } = await w.recognize(prepared.png, {}, { text: true, blocks: true });
    return toResult(data, prepared.scale);
  };

  return {
    recognize(bytes) {
      clearTimeout(idle);
      pending++;
      const job = queue.then(() => run(bytes));
      queue = job
        .catch(() => undefined)
        .then(() => {
          // The last queued job is done: the worker goes if nothing arrives for idleMs (a timer
          // that never holds the process open; the worker itself does until it ends).
          if (--pending === 0 && worker) idle = setTimeout(() => void retire().catch(() => undefined), idleMs).unref();
        });
      return job;
    },
    running: () => worker !== undefined,
    async close() {
      clearTimeout(idle);
      await queue;
      await retire();
    },
  };
}

/** Greyscale, flattened on white, scaled so small text has enough pixels for the LSTM. */
async function prepare(bytes: Buffer, minLongSide: number, maxLongSide: number): Promise<{ png: Buffer; scale: number }> {
  const meta = await sharp(bytes, { failOn: 'none' }).autoOrient().metadata();
  const w = meta.autoOrient.width;
  const h = meta.autoOrient.height;
  const long = Math.max(w, h, 1);
  const scale = long < minLongSide ? minLongSide / long : long > maxLongSide ? maxLongSide / long : 1;
  let pipeline = sharp(bytes, { failOn: 'none' }).autoOrient().flatten({ background: '#ffffff' }).greyscale();
  if (scale !== 1) pipeline = pipeline.resize({ width: Math.round(w * scale), height: Math.round(h * scale), fit: 'fill' });
  return { png: await pipeline.png({ compressionLevel: 1 }).toBuffer(), scale };
}

function toResult(page: Tesseract.Page, scale: number): OcrResult {
  const words: OcrWord[] = [];
  let line = 0;
  for (const block of page.blocks ?? []) {
    for (const paragraph of block.paragraphs) {
      for (const l of paragraph.lines) {
        for (const word of l.words) {
          const text = word.text.trim();
          if (text === '') continue;
          words.push({
            text,
            confidence: word.confidence,
            bbox: {
              x0: Math.round(word.bbox.x0 / scale), y0: Math.round(word.bbox.y0 / scale),
              x1: Math.round(word.bbox.x1 / scale), y1: Math.round(word.bbox.y1 / scale),
            },
            line,
          });
        }
        line++;
      }
    }
  }
  return { text: page.text.trim(), words };
}

/** A number as printed on products and infographics: "365", "50%", "10cm", "2.5 kg", "12\"". */
const MEASUREMENT = /^[#(]?\d+(?:[.,]\d+)?(?:%|x|cm|mm|m|in|ft|oz|lbs?|g|kg|ml|l|mg|mcg|iu|w|v|mah|"|″)?\)?[.,;:]?$/i;

/**
 * Words Tesseract is reasonably sure of (confidence ≥ the floor) that are real text: an English
 * word among their letters, or a number or measurement. What OCR reads in the texture of a photo
 * ("Yau", "L9") is neither and is ignored, not counted.
 */
export function confidentWords(result: OcrResult, minConfidence = MIN_WORD_CONFIDENCE): OcrWord[] {
  return result.words.filter((w) => w.confidence >= minConfidence && (w.text.match(/[\p{L}\p{N}]/gu)?.length ?? 0) >= 2 && (hasEnglishWord(w.text) || MEASUREMENT.test(w.text)));
}

export interface Badge {
  /** Canonical label, e.g. "BEST SELLER", "% OFF". */
  readonly badge: string;
  /** The text that matched, as read. */
  readonly matched: string;
}

// Checked against each confident line and against all confident text joined (badges often stack
// "BEST" over "SELLER"). "X-free" product claims (BPA free, gluten free) are not promotions.
const BADGE_PATTERNS: readonly { readonly badge: string; readonly pattern: RegExp }[] = [
  { badge: 'BEST SELLER', pattern: /\bBEST[\s-]?SELL(?:ER|ING)S?\b/ },
  { badge: '#1', pattern: /(?:#\s?1\b|\bNO\.?\s?1\b|\bNUMBER\s(?:ONE|1)\b)/ },
  { badge: '% OFF', pattern: /\b\d{1,3}\s?%\s?OFF\b|\bOFF\s\d{1,3}\s?%/ },
  { badge: 'SALE', pattern: /\b(?:ON\s)?SALE\b/ },
  { badge: 'FREE', pattern: /\bFREE\s(?:SHIPPING|DELIVERY|GIFTS?|RETURNS?|TRIAL|SAMPLES?|BONUS)\b|^FREE\W*$/ },
  { badge: 'NEW', pattern: /\b(?:BRAND\sNEW|ALL[\s-]NEW|NEW\sARRIVALS?|NEW\s(?:&|AND)\sIMPROVED|JUST\sARRIVED)\b|^NEW\W*$/ },
  { badge: 'DEAL', pattern: /\b(?:HOT\s|BEST\s)?DEALS?\b/ },
  { badge: 'LIMITED', pattern: /\bLIMITED\s(?:TIME|OFFER|EDITION|STOCK|QUANTIT(?:Y|IES))\b|^LIMITED\W*$/ },
  { badge: 'GUARANTEE', pattern: /\b(?:GUARANTEE[DS]?|MONEY[\s-]BACK)\b/ },
  { badge: 'WARRANTY', pattern: /\bWARRANTY\b/ },
  { badge: 'DISCOUNT', pattern: /\b(?:DISCOUNT|CLEARANCE|SAVE\s\$?\d+%?)\b/ },
  { badge: 'BUY ONE GET ONE', pattern: /\b(?:BOGO|BUY\s(?:1|ONE)\s?GET\s(?:1|ONE))\b/ },
  { badge: 'TOP RATED', pattern: /\bTOP[\s-]RATED\b/ },
  { badge: 'HOT', pattern: /\bHOT\s(?:ITEM|SALE|PRODUCT)\b/ },
  { badge: "AMAZON'S CHOICE", pattern: /\bAMAZON'?S?\sCHOICE\b/ },
];

/**
 * Promotional badges found in OCR text: on a main image any such text is a finding (Amazon
 * forbids badges, promotions and text that is not on the product itself).
 */
export function detectBadges(result: OcrResult, minConfidence = 50): Badge[] {
  const words = result.words.filter((w) => w.confidence >= minConfidence);
  const lines = new Map<number, string[]>();
  for (const w of words) {
    const line = lines.get(w.line);
    if (line) line.push(w.text);
    else lines.set(w.line, [w.text]);
  }
  const normalise = (s: string) => s.toUpperCase().replace(/[’`]/g, "'").replace(/\s+/g, ' ').trim();
  const texts = [...[...lines.values()].map((l) => normalise(l.join(' '))), normalise(words.map((w) => w.text).join(' '))];
  const found = new Map<string, string>();
  for (const { badge, pattern } of BADGE_PATTERNS) {
    for (const text of texts) {
      const m = pattern.exec(text);
      if (m !== null && !found.has(badge)) found.set(badge, m[0].trim());
    }
  }
  return [...found].map(([badge, matched]) => ({ badge, matched }));
}
