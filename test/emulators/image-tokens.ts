/**
 * What an image costs in input tokens, as the emulators report it in `usage`, so a cost measured
 * against them is the cost the real APIs would bill for the same request.
 *
 * OpenAI (https://platform.openai.com/docs/guides/images-vision#calculating-costs, "GPT-4.1-mini,
 * GPT-4.1-nano, o4-mini"; checked 2026-12-05 against that section's text and worked examples):
 * gpt-4.1-mini, gpt-4.1-nano and o4-mini meter an image in 32 × 32 px patches — the patches
 * covering the image; over 1536, the image is first scaled by √(1536·32²/(w·h)) and again so whole
 * patches fit each side (1800 × 2400 → 1452) — times a per-model multiplier (gpt-4.1-mini 1.62,
 * gpt-4.1-nano 2.46, o4-mini 1.72). `detail` does not change that count for these models (the
 * 85 + 170-per-tile budgets of `low`/`high` apply to the tile-metered gpt-4o family; measured so
 * on the OpenAI forum, "Vision: more than one way to send a request", 2025: a 128 × 64 image was
 * 26 tokens on gpt-4.1-mini at low and at high). ListingLab sends `low` for main images (512 px
 * long side: 256 patches, 415 tokens) and `high` for the other gallery images, each within 576
 * patches (service/acquire/derivatives.ts MODEL_HIGH_DETAIL_PATCHES: a 1,500-px square arrives as
 * 768 × 768, 576 × 1.62 = 934 tokens, where at the former 1568-px long side it was 1248 × 1248
 * after OpenAI's scale-down, 1521 patches, 2,465 tokens). A model the table does not know (a test
 * model) is metered as gpt-4.1-mini, the default.
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
