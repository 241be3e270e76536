/**
 * Builds the golden pairs' derived images from the real photos in test/fixtures (run once;
 * the outputs are committed so golden inputs are frozen). `node golden_tests/make-images.ts`
 *
 * - a non-compliant main image: the product shrunk to ~40% of the frame on an orange background
 *   with a "BEST SELLER" badge (what Amazon forbids, and what the rules engine must catch);
 * - a low-resolution main image (400 px);
 * - copies of the originals.
 */
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';

const fixtures = path.resolve(import.meta.dirname, '../test/fixtures');
const out = path.resolve(import.meta.dirname, 'pairs');

async function badgeMain(src: string, dest: string, fill = 0.4): Promise<void> {
  const size = 1500;
  const productSide = Math.round(size * fill);
  // Cut the product out of its white studio background (near-white pixels become transparent).
  const { data, info } = await sharp(src).resize(productSide, productSide, { fit: 'inside' }).flatten({ background: '#ffffff' }).raw().toBuffer({ resolveWithObject: true });
  const rgba = Buffer.alloc(info.width * info.height * 4);
  for (let i = 0, j = 0; i < data.length; i += 3, j += 4) {
    const r = data[i]!, g = data[i + 1]!, b = data[i + 2]!;
    rgba[j] = r; rgba[j + 1] = g; rgba[j + 2] = b;
    rgba[j + 3] = r >= 240 && g >= 240 && b >= 240 ? 0 : 255;
  }
  const product = await sharp(rgba, { raw: { width: info.width, height: info.height, channels: 4 } }).png().toBuffer();
  const meta = { width: info.width, height: info.height };
  const badge = Buffer.from(
    `<svg width="${size}" height="${size}" xmlns="http://www.w3.org/2000/svg">
       <rect x="60" y="60" width="620" height="150" rx="24" fill="#d40000"/>
       <text x="370" y="165" font-family="DejaVu Sans" font-weight="bold" font-size="84" text-anchor="middle" fill="#ffffff">BEST SELLER</text>
     </svg>`,
  );
  await sharp({ create: { width: size, height: size, channels: 3, background: '#f08a24' } })
    .composite([
      { input: product, left: Math.round((size - (meta.width ?? productSide)) / 2), top: Math.round((size - (meta.height ?? productSide)) / 2) + 80 },
      { input: badge, left: 0, top: 0 },
    ])
    .jpeg({ quality: 88 })
    .toFile(dest);
}

async function lowRes(src: string, dest: string, px = 400): Promise<void> {
  await sharp(src).resize(px, px, { fit: 'inside' }).jpeg({ quality: 80 }).toFile(dest);
}

async function copy(rel: string, dest: string): Promise<void> {
  await copyFile(path.join(fixtures, rel), dest);
}

async function dir(...parts: string[]): Promise<string> {
  const d = path.join(out, ...parts);
  await mkdir(d, { recursive: true });
  return d;
}

const duffel = 'abo/B0799CK52K';
const d1 = await dir('duffel-compliance', 'A');
for (const f of ['d80a51d3.jpg', '528c608a.jpg', '95f7ee92.jpg', 'a8a14cd2.jpg', '25ffa37c.jpg']) await copy(`${duffel}/${f}`, path.join(d1, f));
const d1b = await dir('duffel-compliance', 'B');
await badgeMain(path.join(fixtures, duffel, 'd80a51d3.jpg'), path.join(d1b, 'main-badge.jpg'));
for (const f of ['528c608a.jpg', '95f7ee92.jpg']) await copy(`${duffel}/${f}`, path.join(d1b, f));

const jar = 'abo/B07GTFSCHB';
const j = await dir('vitamin-gallery', 'A');
for (const f of ['844a1cce.jpg', '7e487bec.jpg', '31afd5f5.jpg', '3238d76f.jpg']) await copy(`${jar}/${f}`, path.join(j, f));
const jb = await dir('vitamin-gallery', 'B');
await copy(`${jar}/844a1cce.jpg`, path.join(jb, '844a1cce.jpg'));

const bulb = 'abo/B074M5HPBD';
const b = await dir('bulb-lowres-caps', 'A');
for (const f of ['dcace9b5.jpg', '9ea6992d.jpg', 'f5047137.jpg']) await copy(`${bulb}/${f}`, path.join(b, f));
const bb = await dir('bulb-lowres-caps', 'B');
await lowRes(path.join(fixtures, bulb, 'dcace9b5.jpg'), path.join(bb, 'main-400.jpg'));
await copy(`${bulb}/9ea6992d.jpg`, path.join(bb, '9ea6992d.jpg'));

const oat = 'grocery/Oatly-Oat-Milk';
const o = await dir('oat-milk-instore', 'A');
await copy(`${oat}/Oatly-Oat-Milk_Iconic.jpg`, path.join(o, 'iconic.jpg'));
const ob = await dir('oat-milk-instore', 'B');
await copy(`${oat}/natural_Oatly-Oat-Milk_001.jpg`, path.join(ob, 'instore-1.jpg'));
await copy(`${oat}/natural_Oatly-Oat-Milk_002.jpg`, path.join(ob, 'instore-2.jpg'));

const cushion = 'saleor/saleor-white-parrot-cushion.png';
const c = await dir('cushion-cutout-vs-banner', 'A');
await copy(cushion, path.join(c, 'cushion.png'));
const cb = await dir('cushion-cutout-vs-banner', 'B');
await copy('saleor/apparel.jpg', path.join(cb, 'banner.jpg'));
console.log('golden images written under', out);
