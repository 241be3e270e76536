/**
 * What an image costs in input tokens, as the emulators report it in `usage`, so a cost measured
 * against them is the cost the real APIs would bill for the same request.
 *
 * OpenAI (https://platform.openai.com/docs/guides/images-vision, "Calculating costs"): gpt-4.1-mini,
 * gpt-4.1-nano and o4-mini meter an image in 32 × 32 px patches — the patches covering the image,
 * the image scaled down first if that is over 1536, at most 1536 — times a per-model multiplier
 * (gpt-4.1-mini 1.62, gpt-4.1-nano 2.46, o4-mini 1.72). `detail` does not change that count for these
 * models (the 85 + 170-per-tile budgets of `low`/`high` apply to the tile-metered gpt-4o family;
 * measured so on the OpenAI forum, "Vision: more than one way to send a request", 2025: a 128 × 64
 * image was 26 tokens on gpt-4.1-mini at low and at high). ListingLab sends `low` for main
 * images (512 px long side) and `high` for gallery images (1568 px long side; stages/pdp.ts,
 * acquire/derivatives.ts), so a 1500 × 1500 gallery image (scaled to 1248 × 1248: 39 × 39
 * patches) is 1521 × 1.62 = 2,465 tokens and a 512 × 512 main image 256 × 1.62 = 415. A model the
 * table does not know (a test model) is metered as gpt-4.1-mini, the default.
 *
 * Anthropic (https://docs.claude.com/en/docs/build-with-claude/vision, "Calculate image costs"):
 * tokens = width × height / 750 for an image within 1568 px (larger ones are scaled down to it
 * first, as the API does).
 *
 * An image whose size cannot be read (a test's placeholder bytes) counts 85 tokens, OpenAI's
 * smallest documented image budget.
 */

const OPENAI_MULTIPLIER: Readonly<Record<string, number>> = { 'gpt-4.1': 1, 'gpt-4.1-mini': 1.62, 'gpt-4.1-nano': 2.46, 'o4-mini': 1.72 };
const PATCH = 32;
const MAX_PATCHES = 1536;
const UNREADABLE = 85;

export function openAiImageTokens(size: { width: number; height: number } | undefined, model: string): number {
  if (!size) return UNREADABLE;
  let { width, height } = size;
  if (Math.ceil(width / PATCH) * Math.ceil(height / PATCH) > MAX_PATCHES) {
    // The documented scale-down: shrink to the budget, then again so whole patches fit each side.
    const shrink = Math.sqrt((MAX_PATCHES * PATCH * PATCH) / (width * height));
    const w = (width * shrink) / PATCH;
    const h = (height * shrink) / PATCH;
    const fit = shrink * Math.min(Math.floor(w) / w, Math.floor(h) / h);
    width = Math.floor(width * fit);
    height = Math.floor(height * fit);
  }
  const patches = Math.min(MAX_PATCHES, Math.ceil(width / PATCH) * Math.ceil(height / PATCH));
  const multiplier = OPENAI_MULTIPLIER[model.replace(/-\d{4}-\d{2}-\d{2}$/, '')] ?? OPENAI_MULTIPLIER['gpt-4.1-mini']!;
  return Math.ceil(patches * multiplier);
}

export function anthropicImageTokens(size: { width: number; height: number } | undefined): number {
  if (!size) return UNREADABLE;
  const scale = Math.min(1, 1568 / Math.max(size.width, size.height));
  return Math.ceil((Math.round(size.width * scale) * Math.round(size.height * scale)) / 750);
}

/** Width and height from a JPEG's frame header or a PNG's IHDR; undefined for anything else. */
export function imageSize(bytes: Buffer): { width: number; height: number } | undefined {
  if (bytes.length > 24 && bytes.readUInt32BE(0) === 0x89504e47) return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
  let i = 2;
  while (i + 9 < bytes.length) {
    if (bytes[i] !== 0xff) return undefined;
    const marker = bytes[i + 1]!;
    // SOF0–SOF15 carry the frame size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but do not.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: bytes.readUInt16BE(i + 5), width: bytes.readUInt16BE(i + 7) };
    }
    i += 2 + bytes.readUInt16BE(i + 2);
  }
  return undefined;
}

/** The bytes of a `data:<type>;base64,…` URL; undefined for a remote URL. */
export function dataUrlBytes(url: string): Buffer | undefined {
  const m = /^data:[^;,]+;base64,(.*)$/s.exec(url);
  return m ? Buffer.from(m[1]!, 'base64') : undefined;
}
