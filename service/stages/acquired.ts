import type { Listing, Side } from '../domain/listing.ts';

/**
 * What stage 0 stores (the `acquire` stage output) and every later stage reads: both listings,
 * their images as stored blobs, and the rules engine's measurements of them ("facts").
 */
export interface AcquiredImage {
  readonly index: number;
  /** As given: a URL, a file name, or "sha256:<hex>" for an uploaded image. */
  readonly ref: string;
  readonly sha256?: string;
  readonly mediaType?: string;
  readonly width?: number;
  readonly height?: number;
  readonly animated?: boolean;
  /** Why the image was not used (host not allowed, too large, not an image …). */
  readonly refused?: string;
}

export interface AcquiredSide {
  readonly source: 'apify' | 'cache' | 'manual';
  /** The ASIN, or the manual listing's label. */
  readonly label: string;
  readonly listing: Listing;
  readonly images: readonly AcquiredImage[];
}

export interface FactFinding {
  readonly id: string;
  readonly kind: string;
  readonly severity: 'info' | 'minor' | 'major' | 'critical';
  readonly message: string;
  readonly measured?: Readonly<Record<string, number | string | boolean>>;
}

/** The rules engine's measurements of one listing. */
export interface SideFacts {
  readonly ruleSet: string;
  readonly titleMax: number;
  readonly findings: readonly FactFinding[];
  /** Headline measurements used to score offline (null when there was no usable image). */
  readonly main: {
    readonly whitePure: number;
    readonly whiteNear: number;
    readonly backgroundWhite: boolean;
    /** Share of the border close to its own median colour: low means a busy scene. */
    readonly uniformity: number;
    readonly fillArea: number;
    readonly fillLongSide: number;
    /**
     * How far the product reaches across a square search-result tile: the product box's long side
     * over the frame's long side. Equals fillLongSide for a square image; a wide banner shrinks it.
     */
    readonly fillSquare: number;
    readonly width: number;
    readonly height: number;
    readonly longSide: number;
    readonly legibility: number;
    readonly textWords: number;
    readonly badges: readonly string[];
    /**
     * Where the product is, as shares (0–1) of the image's width and height: the box the fill was
     * measured on. Absent in facts measured before it was stored, and when no box stood out.
     */
    readonly box?: { readonly x: number; readonly y: number; readonly width: number; readonly height: number };
  } | null;
  readonly gallery: {
    readonly count: number;
    readonly roles: readonly { index: number; role: string; reason: string }[];
    readonly nearDuplicates: number;
    readonly lowResolution: number;
  };
}

export interface AcquireOutput {
  readonly A: AcquiredSide;
  readonly B: AcquiredSide;
  readonly facts: { readonly A: SideFacts; readonly B: SideFacts };
}

export const sides: readonly Side[] = ['A', 'B'];
