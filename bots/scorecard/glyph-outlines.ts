import type { Face } from './font-metrics.ts';

/**
 * Text as SVG paths, from the bundled fonts' own outlines (the `glyf` table, simple and composite
 * glyphs), each glyph's outline built once per process. The scorecard draws every line as one
 * `<path>` instead of a `<text>`: resvg lays a `<text>` out by looking its font up in the font
 * files again for every text element — a scorecard's ~80 lines re-read them from disk about 150
 * times, ~34 ms of its ~70 ms of drawing (perf, issue 22) — and it kerned what font-metrics.ts
 * measures unkerned. Drawn from the outlines, a line is exactly as wide as it was measured.
 *
 * A glyph is kept as relative path commands, so a line is its glyphs' strings joined, each
 * preceded by one `m` that moves from where the previous glyph left the pen: no coordinate is
 * rewritten per use. Coordinates are font units (y up); the caller scales and flips.
 *
 * @see https://learn.microsoft.com/en-us/typography/opentype/spec/glyf
 */

interface Point {
  readonly x: number;
  readonly y: number;
  readonly on: boolean;
}

interface Outline {
  /** Where the first contour starts, from the glyph's origin. */
  readonly first: readonly [number, number];
  /** The rest of the first contour and every other contour, relative, each closed with `z`. */
  readonly body: string;
  /** Where the last contour starts (a `z` leaves the pen there). */
  readonly last: readonly [number, number];
}

/** Composite glyphs nest; real fonts go two or three deep. */
const MAX_DEPTH = 8;
const num = (v: number) => String(Math.round(v * 100) / 100);

/** `linePath(text)`: the text's outline as path data in font units, glyphs advanced by their widths. */
export function createGlyphOutlines(face: Face): (text: string) => string {
  const { buf } = face;
  const head = face.table('head');
  const longOffsets = buf.readInt16BE(head + 50) === 1;
  const loca = face.table('loca');
  const glyf = face.table('glyf');
  const offsetOf = (g: number) => (longOffsets ? buf.readUInt32BE(loca + 4 * g) : buf.readUInt16BE(loca + 2 * g) * 2);
  const f2dot14 = (o: number) => buf.readInt16BE(o) / 16384;

  function contours(g: number, depth = 0): Point[][] {
    const start = offsetOf(g);
    if (offsetOf(g + 1) <= start || depth > MAX_DEPTH) return [];
    const p = glyf + start;
    const n = buf.readInt16BE(p);
    return n >= 0 ? simple(p, n) : composite(p, depth);
  }

  function simple(p: number, n: number): Point[][] {
    let o = p + 10;
    const ends: number[] = [];
    for (let i = 0; i < n; i++, o += 2) ends.push(buf.readUInt16BE(o));
    o += 2 + buf.readUInt16BE(o); // instructions: not used (resvg does not hint either)
    const count = n ? ends[n - 1]! + 1 : 0;
    const flags = new Uint8Array(count);
    for (let i = 0; i < count; ) {
      const f = buf[o++]!;
      flags[i++] = f;
      if (f & 8) for (let r = buf[o++]!; r > 0; r--) flags[i++] = f;
    }
    const coords = (short: number, same: number) => {
      const out = new Array<number>(count);
      let v = 0;
      for (let i = 0; i < count; i++) {
        const f = flags[i]!;
        if (f & short) v += f & same ? buf[o++]! : -buf[o++]!;
        else if (!(f & same)) {
          v += buf.readInt16BE(o);
          o += 2;
        }
        out[i] = v;
      }
      return out;
    };
    const xs = coords(2, 16);
    const ys = coords(4, 32);
    const out: Point[][] = [];
    let from = 0;
    for (const end of ends) {
      const c: Point[] = [];
      for (let i = from; i <= end; i++) c.push({ x: xs[i]!, y: ys[i]!, on: (flags[i]! & 1) === 1 });
      out.push(c);
      from = end + 1;
    }
    return out;
  }

  function composite(p: number, depth: number): Point[][] {
    const out: Point[][] = [];
    let o = p + 10;
    for (let more = true; more; ) {
      const flags = buf.readUInt16BE(o);
      const g = buf.readUInt16BE(o + 2);
      o += 4;
      const words = flags & 1;
      const a = words ? buf.readInt16BE(o) : buf.readInt8(o);
      const b = words ? buf.readInt16BE(o + 2) : buf.readInt8(o + 1);
      o += words ? 4 : 2;
      // The component's 2 × 2 transform, when it has one: one scale, x and y scales, or a matrix.
      const scales = flags & 0x8 ? 1 : flags & 0x40 ? 2 : flags & 0x80 ? 4 : 0;
      const m = Array.from({ length: scales }, (_, i) => f2dot14(o + 2 * i));
      o += 2 * scales;
      const [xx, xy, yx, yy] = scales === 1 ? [m[0]!, 0, 0, m[0]!] : scales === 2 ? [m[0]!, 0, 0, m[1]!] : scales === 4 ? (m as [number, number, number, number]) : [1, 0, 0, 1];
      // ARGS_ARE_XY_VALUES: an offset. Otherwise the component is placed by matching points, which
      // the bundled fonts never do; it is drawn unmoved rather than not at all.
      const [dx, dy] = flags & 0x2 ? [a, b] : [0, 0];
      for (const c of contours(g, depth + 1)) out.push(c.map((q) => ({ x: xx * q.x + yx * q.y + dx, y: xy * q.x + yy * q.y + dy, on: q.on })));
      more = (flags & 0x20) !== 0;
    }
    return out;
  }

  /** One contour as relative commands from its start point (TrueType's implied on-curve midpoints made explicit). */
  function contourPath(points: readonly Point[]): { start: Point; d: string } {
    const mid = (a: Point, b: Point): Point => ({ x: (a.x + b.x) / 2, y: (a.y + b.y) / 2, on: true });
    const i0 = points.findIndex((q) => q.on);
    const start = i0 >= 0 ? points[i0]! : mid(points[points.length - 1]!, points[0]!);
    const seq = i0 >= 0 ? [...points.slice(i0 + 1), ...points.slice(0, i0)] : [...points];
    let d = '';
    let cur: Point = start;
    let ctrl: Point | undefined;
    /** The control point of the curve that ended at `cur` (none after a line). */
    let last: Point | undefined;
    const to = (q: Point) => `${num(q.x - cur.x)} ${num(q.y - cur.y)}`;
    const curve = (c: Point, end: Point) => {
      // A control point that mirrors the previous one through `cur` — every curve that starts at
      // an implied midpoint — is what `t` means: the same curve in half the numbers to parse.
      const smooth = last !== undefined && c.x === 2 * cur.x - last.x && c.y === 2 * cur.y - last.y;
      d += smooth ? `t${to(end)}` : `q${to(c)} ${to(end)}`;
      last = c;
      cur = end;
    };
    for (const q of [...seq, start]) {
      if (!q.on) {
        if (ctrl) curve(ctrl, mid(ctrl, q));
        ctrl = q;
      } else if (ctrl) {
        curve(ctrl, q);
        ctrl = undefined;
      } else if (q !== start) {
        d += `l${to(q)}`;
        cur = q;
        last = undefined;
      }
    }
    return { start, d: `${d}z` };
  }

  const outlines = new Map<number, Outline | null>();
  function outline(g: number): Outline | null {
    let o = outlines.get(g);
    if (o !== undefined) return o;
    const parts = contours(g)
      .filter((c) => c.length > 0)
      .map(contourPath);
    if (parts.length === 0) o = null;
    else {
      let body = parts[0]!.d;
      for (let i = 1; i < parts.length; i++) body += `m${num(parts[i]!.start.x - parts[i - 1]!.start.x)} ${num(parts[i]!.start.y - parts[i - 1]!.start.y)}${parts[i]!.d}`;
      const a = parts[0]!.start;
      const z = parts[parts.length - 1]!.start;
      o = { first: [a.x, a.y], body, last: [z.x, z.y] };
    }
    outlines.set(g, o);
    return o;
  }

  return (text) => {
    let d = '';
    let pen = 0;
    let cx = 0;
    let cy = 0;
    for (const ch of text) {
      const g = face.glyph(ch.codePointAt(0)!);
      if (g === 0) continue; // no glyph: not drawn, and measured as nothing (font-metrics.ts)
      const o = outline(g);
      if (o) {
        d += `${d ? 'm' : 'M'}${num(pen + o.first[0] - cx)} ${num(o.first[1] - cy)}${o.body}`;
        cx = pen + o.last[0];
        cy = o.last[1];
      }
      pen += face.advanceUnits(g);
    }
    return d;
  };
}
