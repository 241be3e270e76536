import type { RunView } from '../../service/app/views/index.ts';

/**
 * The scorecard: a run's result as one PNG image (both main images side by side with the winner
 * marked, the per-stage scores as bars, the verdict and its confidence in words, the top fixes),
 * another renderer of the run's view like bots/slack and bots/discord. The chat sinks upload it
 * into the run's thread; the terminal writes it with `--scorecard out.png`.
 */
export interface Scorecard {
  readonly png: Buffer;
  readonly width: number;
  readonly height: number;
  /** What the image shows, in words: alt text for screen readers and the upload's title. */
  readonly alt: string;
  /** `listinglab-<job>.png`. */
  readonly filename: string;
}

/**
 * Renders a run's scorecard (made by `createScorecardRenderer({ loadImage })`, which reads the
 * stored image bytes by SHA-256 through `loadImage`).
 */
export type RenderScorecard = (view: RunView) => Promise<Scorecard>;
