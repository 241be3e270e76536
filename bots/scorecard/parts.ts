import { fitLine, textWidth } from './font-metrics.ts';
import { centred, type Embedded } from './images.ts';
import { COLOURS, esc, MARGIN, paragraph, pill, rect, text, WIDTH } from './svg.ts';

/**
 * The scorecard's building blocks, each drawn from a top `y` and returning its SVG and the height
 * it took, so a card is a column of blocks and its height follows what it holds.
 */

export interface Block {
  readonly svg: string;
  readonly height: number;
}

export const CONTENT = WIDTH - 2 * MARGIN;
export const GAP = 28;

/** A section heading: 28 px bold with a rule under it. */
export function heading(y: number, title: string, aside?: string): Block {
  const size = 28;
  const asideSize = 20;
  const room = aside ? CONTENT - Math.min(textWidth(aside, { size: asideSize }), CONTENT / 2) - 24 : CONTENT;
  const head = fitLine(title, room, { size, bold: true });
  const side = aside ? text(WIDTH - MARGIN, y + size, fitLine(aside, CONTENT - textWidth(head, { size, bold: true }) - 24, { size: asideSize }), { size: asideSize, fill: COLOURS.muted, anchor: 'end' }) : '';
  return { svg: `${text(MARGIN, y + size, head, { size, bold: true })}${side}${rect(MARGIN, y + size + 12, CONTENT, 2, COLOURS.faint)}`, height: size + 30 };
}

/** A measurement drawn on the image: a dark chip with white text, its colour dot saying good or bad. */
export interface Chip {
  readonly label: string;
  readonly tone: 'good' | 'bad' | 'neutral';
}

const TONE: Record<Chip['tone'], string> = { good: '#4ac26b', bad: '#ff8182', neutral: '#d0d7de' };

export interface TileOptions {
  readonly x: number;
  readonly y: number;
  readonly size: number;
  readonly image: Embedded | undefined;
  /** Border colour and width: the winner's is thick and green. */
  readonly border: { readonly colour: string; readonly width: number };
  /** Labels at the top-left corner ("WINS", "YOURS"). */
  readonly pills: readonly { readonly label: string; readonly colour: string }[];
  /** Measurements, drawn from the bottom of the image up. */
  readonly chips: readonly Chip[];
  readonly missing: string;
  /** The product's box as shares of the image (drawn as a dashed frame where the fill was measured). */
  readonly box?: { readonly x: number; readonly y: number; readonly width: number; readonly height: number } | undefined;
}

/** The thickest border a tile is drawn with (a winner's). */
const TILE_BORDER_MAX = 10;
const tileInset = (border: number) => border + 6;

/**
 * The square an image is embedded at for a tile of side `size` (images.ts embed): the room
 * inside the thickest border, so the image is drawn at its own pixel size in any tile — copied,
 * not resampled by the SVG renderer (resampling two 540-px photos was ~27 ms of a scorecard's
 * ~120 ms of CPU; issue 22).
 */
export const tileImageSide = (size: number) => size - 2 * tileInset(TILE_BORDER_MAX);

/** An image in a square tile, with its labels and measurements drawn on it. */
export function tile(o: TileOptions): Block {
  const { x, y, size } = o;
  const inset = tileInset(o.border.width);
  let svg = rect(x, y, size, size, COLOURS.white);
  if (o.image) {
    const at = centred(o.image, x + inset, y + inset, size - 2 * inset);
    // At its own size on whole pixels, nearest-neighbour sampling is an exact copy (and cheap).
    const rendering = at.exact ? ' image-rendering="optimizeSpeed"' : '';
    svg += `<image x="${at.x}" y="${at.y}" width="${at.width}" height="${at.height}" preserveAspectRatio="xMidYMid meet"${rendering} xlink:href="${esc(o.image.href)}"/>`;
    if (o.box) {
      const b = o.box;
      svg += rect(Math.round(at.x + b.x * at.width), Math.round(at.y + b.y * at.height), Math.max(2, Math.round(b.width * at.width)), Math.max(2, Math.round(b.height * at.height)), 'none', `stroke="${COLOURS.measure}" stroke-width="4" stroke-dasharray="14 8"`);
    }
  } else {
    svg += rect(x, y, size, size, COLOURS.panel);
    svg += text(x + size / 2, y + size / 2, fitLine(o.missing, size - 40, { size: 22 }), { size: 22, fill: COLOURS.muted, anchor: 'middle' });
  }
  const half = o.border.width / 2;
  svg += rect(x + half, y + half, size - o.border.width, size - o.border.width, 'none', `stroke="${o.border.colour}" stroke-width="${o.border.width}"`);
  let px = x + inset + 4;
  for (const p of o.pills) {
    const made = pill(px, y + inset + 4, p.label, p.colour, 22);
    svg += made.svg;
    px += made.width + 10;
  }
  const chipSize = 20;
  const chipH = 34;
  let cy = y + size - inset - 6 - chipH;
  for (const c of [...o.chips].reverse()) {
    const room = size - 2 * inset - 12 - 40;
    const label = fitLine(c.label, room, { size: chipSize });
    const w = Math.round(textWidth(label, { size: chipSize }) + 40);
    const cx = x + inset + 6;
    svg += rect(cx, cy, w, chipH, '#1f2328', 'fill-opacity="0.82" rx="8"');
    svg += `<circle cx="${cx + 15}" cy="${cy + chipH / 2}" r="6" fill="${TONE[c.tone]}"/>`;
    svg += text(cx + 28, cy + 24, label, { size: chipSize, fill: COLOURS.white });
    cy -= chipH + 6;
  }
  return { svg, height: size };
}

export interface BarRow {
  readonly label: string;
  /** The values drawn, each with its side letter; `best` is drawn green. */
  readonly bars: readonly { readonly side: string; readonly value: number; readonly shown: string; readonly best: boolean }[];
  readonly max: number;
  /** Said instead of bars when there is nothing to draw ("not scored: the stage failed"). */
  readonly absent?: string;
  /** Said under the bars, muted ("passes eBay's rules"). */
  readonly note?: string;
}

const LABEL_W = 300;
const BAR_X = MARGIN + LABEL_W + 20;
const BAR_H = 28;
const VALUE_W = 110;

/** A row of horizontal bars (A above B) with its label on the left and each value on the right. */
export function bars(y: number, row: BarRow): Block {
  const label = paragraph(MARGIN, y, LABEL_W, row.label, { size: 22, bold: true, maxLines: 2 });
  if (row.absent || row.bars.length === 0) {
    const said = paragraph(BAR_X, y, WIDTH - MARGIN - BAR_X, row.absent ?? 'not scored', { size: 20, fill: COLOURS.muted, maxLines: 2 });
    return { svg: label.svg + said.svg, height: Math.max(label.height, said.height) + 18 };
  }
  const track = WIDTH - MARGIN - BAR_X - 34 - VALUE_W;
  let svg = '';
  row.bars.forEach((b, i) => {
    const by = y + i * (BAR_H + 8);
    const w = Math.max(3, Math.round((Math.min(Math.max(b.value, 0), row.max) / row.max) * track));
    svg += text(BAR_X, by + 21, b.side, { size: 20, bold: true, fill: COLOURS.muted });
    svg += rect(BAR_X + 30, by, track, BAR_H, '#eaeef2', 'rx="6"');
    svg += rect(BAR_X + 30, by, w, BAR_H, b.best ? COLOURS.win : COLOURS.bar, 'rx="6"');
    svg += text(WIDTH - MARGIN, by + 22, fitLine(b.shown, VALUE_W, { size: 22, bold: true }), { size: 22, bold: true, fill: b.best ? COLOURS.win : COLOURS.ink, anchor: 'end' });
  });
  let barsHeight = row.bars.length * (BAR_H + 8) - 8;
  if (row.note) {
    const note = paragraph(BAR_X + 30, y + barsHeight + 6, WIDTH - MARGIN - BAR_X - 30, row.note, { size: 20, fill: COLOURS.muted, maxLines: 2 });
    svg += note.svg;
    barsHeight += 6 + note.height;
  }
  return { svg: label.svg + svg, height: Math.max(label.height, barsHeight) + 22 };
}

/** Numbered fixes: what to do (22 px), then its numbers and effect (20 px, muted), indented. */
export function fixList(y: number, fixes: readonly { head: string; facts: string | null }[]): Block {
  let svg = '';
  let h = 0;
  for (const f of fixes) {
    const m = /^(\d+)\.\s*(.*)$/s.exec(f.head);
    const num = m ? m[1]! : '•';
    const what = m ? m[2]! : f.head;
    svg += `<circle cx="${MARGIN + 16}" cy="${y + h + 15}" r="16" fill="${COLOURS.ink}"/>`;
    svg += text(MARGIN + 16, y + h + 22, num, { size: 20, bold: true, fill: COLOURS.white, anchor: 'middle' });
    const head = paragraph(MARGIN + 48, y + h, CONTENT - 48, what, { size: 22, maxLines: 3 });
    svg += head.svg;
    h += head.height;
    if (f.facts) {
      const facts = paragraph(MARGIN + 48, y + h + 2, CONTENT - 48, f.facts, { size: 20, fill: COLOURS.muted, maxLines: 2 });
      svg += facts.svg;
      h += facts.height + 2;
    }
    h += 16;
  }
  return { svg, height: h };
}

/** Bullet lines at 20 px, each at most two lines. */
export function bullets(y: number, lines: readonly string[], size = 20, maxLines = 2, x = MARGIN, width = CONTENT): Block {
  let svg = '';
  let h = 0;
  for (const l of lines) {
    svg += text(x + 6, y + h + Math.round(size * 0.95), '•', { size, fill: COLOURS.muted });
    const p = paragraph(x + 30, y + h, width - 30, l, { size, maxLines });
    svg += p.svg;
    h += p.height + 8;
  }
  return { svg, height: h };
}

/** Blocks laid out top to bottom, a gap between those that drew anything: the whole card. */
export function stack(blocks: readonly ((y: number) => Block)[], alt: string): Block & { alt: string } {
  let y = MARGIN;
  let svg = '';
  for (const b of blocks) {
    const made = b(y);
    svg += made.svg;
    y += made.height + (made.height ? GAP : 0);
  }
  return { svg, height: y - GAP + MARGIN, alt };
}
