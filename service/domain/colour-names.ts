/**
 * A measured colour (hex) → the word a shopper would use ("light blue", "beige"). Deterministic
 * hue/saturation/lightness bands, coarse on purpose: a listing says "navy", not "#1f2a44".
 */

interface Hsl {
  readonly h: number;
  readonly s: number;
  readonly l: number;
}

function toHsl(hex: string): Hsl | undefined {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) return undefined;
  const [r, g, b] = [m[1], m[2], m[3]].map((x) => parseInt(x ?? '0', 16) / 255) as [number, number, number];
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const l = (max + min) / 2;
  const d = max - min;
  if (d === 0) return { h: 0, s: 0, l };
  const s = d / (1 - Math.abs(2 * l - 1));
  let h = max === r ? ((g - b) / d) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  h *= 60;
  if (h < 0) h += 360;
  return { h, s, l };
}

const HUES: readonly (readonly [number, string])[] = [
  [15, 'red'],
  [40, 'orange'],
  [65, 'yellow'],
  [160, 'green'],
  [190, 'teal'],
  [250, 'blue'],
  [290, 'purple'],
  [335, 'pink'],
  [360, 'red'],
];

/** A colour name for `hex` (lower case), e.g. "light blue", "dark green", "grey", "beige". */
export function colourName(hex: string): string {
  const c = toHsl(hex);
  if (!c) return 'unknown';
  const { h, s, l } = c;
  if (l >= 0.93) return 'white';
  if (l <= 0.12) return 'black';
  if (s < 0.12 || (s < 0.2 && l > 0.25 && l < 0.85)) {
    if (l >= 0.8) return 'light grey';
    if (l <= 0.3) return 'dark grey';
    return 'grey';
  }
  // Warm, desaturated or dark oranges are what people call brown, beige or cream.
  if (h >= 15 && h < 50) {
    if (l < 0.45 && s < 0.9) return l < 0.25 ? 'dark brown' : 'brown';
    if (l >= 0.7 && s < 0.6) return l >= 0.85 ? 'cream' : 'beige';
  }
  if (h >= 200 && h < 250 && l < 0.3) return 'navy';
  const base = HUES.find(([limit]) => h < limit)?.[1] ?? 'red';
  if (l >= 0.65) return `light ${base}`;
  if (l <= 0.3) return `dark ${base}`;
  return base;
}

/** "light blue" → "blue": the basic colour word, for tags and search terms. */
export function baseColour(name: string): string {
  return name.replace(/^(light|dark)\s+/, '');
}
