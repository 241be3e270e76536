/**
 * Makes the scorecard's fonts (DejaVuSans-subset.ttf, DejaVuSans-Bold-subset.ttf) from DejaVu 2.37:
 * only the scripts and symbols a listing or the scorecard uses. resvg lays out every text element
 * against the whole font, so the full 750 KB faces cost ~85 ms of CPU per scorecard and these
 * ~30 ms (bench, issue 22); characters left out were never drawn anyway (emoji, CJK).
 *
 *   apt-get install fonts-dejavu-core && npm i --no-save subset-font@2
 *   node assets/fonts/subset.mjs /usr/share/fonts/truetype/dejavu
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import subsetFont from 'subset-font';

const RANGES = [
  [0x20, 0x7e], // ASCII
  [0xa0, 0x24f], // Latin-1, Latin Extended-A and -B
  [0x370, 0x3ff], // Greek
  [0x400, 0x4ff], // Cyrillic
  [0x1e00, 0x1eff], // Latin Extended Additional
  [0x2000, 0x206f], // General Punctuation (— · … “ ” •)
  [0x20a0, 0x20bf], // Currency
  [0x2100, 0x218f], // Letterlike (™ ℃) and Number Forms (⅓)
  [0x2190, 0x22ff], // Arrows, Mathematical Operators (→ −)
  [0x2500, 0x27bf], // Box Drawing, Geometric Shapes, Misc Symbols, Dingbats (★ ⚠ ✓ ✗)
];

const from = process.argv[2] ?? '/usr/share/fonts/truetype/dejavu';
const text = RANGES.flatMap(([a, b]) => Array.from({ length: b - a + 1 }, (_, i) => String.fromCodePoint(a + i))).join('');
for (const face of ['DejaVuSans', 'DejaVuSans-Bold']) {
  const out = await subsetFont(readFileSync(path.join(from, `${face}.ttf`)), text, { targetFormat: 'truetype' });
  writeFileSync(path.join(import.meta.dirname, `${face}-subset.ttf`), out);
  process.stdout.write(`${face}-subset.ttf: ${out.length} bytes\n`);
}
