import { plainText, presentRoot, type RunView } from '../../service/app/views/index.ts';
import { MARKETPLACE_NAMES, MARKETPLACES, type Photo } from '../../service/domain/draft-outputs.ts';
import { footer, headlineWords, TILE } from './compare-card.ts';
import { embed, type Embedded, type LoadImage } from './images.ts';
import { bars, bullets, CONTENT, heading, tile, tileImageSide, stack, type Block, type Chip } from './parts.ts';
import { COLOURS, MARGIN, paragraph, text, WIDTH } from './svg.ts';

/**
 * A draft run's scorecard: the chosen main photo with what was measured on it and why it was
 * chosen, every photo as a thumbnail (the main one framed), each marketplace's score as a bar with
 * its standing in the messages' words (presentRoot's fields), and what to reshoot.
 */

const THUMB = 120;
const pct = (x: number) => `${Math.round(x * 100)}%`;

export interface DraftImages {
  readonly main: Embedded | undefined;
  readonly thumbs: readonly (Embedded | undefined)[];
}

export async function draftImages(view: RunView, load: LoadImage): Promise<DraftImages> {
  const photos = view.draft?.photos;
  if (!photos) return { main: undefined, thumbs: [] };
  const main = photos.photos.find((p) => p.index === photos.main.index);
  const [m, ...thumbs] = await Promise.all([embed(load, main?.sha256, tileImageSide(TILE)), ...photos.photos.map((p) => embed(load, p.sha256, tileImageSide(THUMB)))]);
  return { main: m, thumbs };
}

function photoChips(p: Photo | undefined): Chip[] {
  if (!p) return [];
  const bg = p.background === 'white' ? 'White background' : p.background === 'off_white' ? 'Off-white background' : p.background === 'plain' ? 'Plain, not white background' : 'Busy background';
  const chips: Chip[] = [
    { label: `${bg} (${pct(p.whiteNear)} white)`, tone: p.background === 'white' ? 'good' : 'bad' },
    p.fill === null ? { label: 'Fill not measurable (busy scene)', tone: 'neutral' } : { label: `Product fills ${pct(p.fill)} of the frame`, tone: p.fill >= 0.85 ? 'good' : 'bad' },
    { label: `Main-image suitability ${p.suitability.toFixed(1)}/10`, tone: p.suitability >= 7 ? 'good' : 'neutral' },
  ];
  if (p.text.length) chips.push({ label: `Text read: ${p.text.slice(0, 3).map((t) => `“${t.text}”`).join(' ')}`, tone: 'neutral' });
  return chips;
}

function header(y: number, view: RunView, title: string, lead: string | null): Block {
  let svg = text(MARGIN, y + 20, 'LISTINGLAB SCORECARD', { size: 20, bold: true, fill: COLOURS.muted });
  svg += text(WIDTH - MARGIN, y + 20, `job ${view.shortId}`, { size: 20, fill: COLOURS.muted, anchor: 'end' });
  const big = paragraph(MARGIN, y + 40, CONTENT, title, { size: 36, bold: true, maxLines: 2 });
  svg += big.svg;
  let h = 40 + big.height + 8;
  if (lead) {
    const l = paragraph(MARGIN, y + h, CONTENT, lead, { size: 24, maxLines: 3 });
    svg += l.svg;
    h += l.height;
  }
  return { svg, height: h };
}

function mainRow(y: number, view: RunView, images: DraftImages): Block {
  const photos = view.draft?.photos;
  const main = photos?.photos.find((p) => p.index === photos.main.index);
  const t = tile({
    x: MARGIN, y, size: TILE, image: images.main, pills: [{ label: 'MAIN IMAGE', colour: COLOURS.win }],
    border: { colour: COLOURS.win, width: 10 }, chips: photoChips(main), missing: 'Main photo not available',
  });
  const rx = WIDTH - MARGIN - TILE;
  let svg = t.svg;
  let h = 0;
  if (photos) {
    const head = paragraph(rx, y, TILE, `Main image: photo ${photos.main.index + 1} (${photos.main.name})`, { size: 24, bold: true, maxLines: 2 });
    svg += head.svg;
    h += head.height + 10;
    const why = bullets(y + h, photos.main.reasons.slice(0, 4), 20, 3, rx, TILE);
    svg += why.svg;
    h += why.height + 14;
    const per = Math.floor((TILE + 10) / (THUMB + 10));
    photos.photos.forEach((p, i) => {
      const tx = rx + (i % per) * (THUMB + 10);
      const ty = y + h + Math.floor(i / per) * (THUMB + 36);
      const isMain = p.index === photos.main.index;
      const th = tile({ x: tx, y: ty, size: THUMB, image: images.thumbs[i], pills: [], chips: [], missing: '—', border: isMain ? { colour: COLOURS.win, width: 6 } : { colour: COLOURS.faint, width: 2 } });
      svg += th.svg + text(tx + THUMB / 2, ty + THUMB + 24, `photo ${p.index + 1}`, { size: 20, bold: isMain, fill: isMain ? COLOURS.win : COLOURS.muted, anchor: 'middle' });
    });
    h += Math.ceil(photos.photos.length / per) * (THUMB + 36);
  }
  return { svg, height: Math.max(TILE, h) };
}

function marketplaces(y: number, view: RunView, fields: ReadonlyMap<string, string>): Block {
  const drafts = view.draft?.drafts;
  if (!drafts) return { svg: '', height: 0 };
  const head = heading(y, 'Marketplace drafts', 'score out of 100 · green: passes the rules');
  let svg = head.svg;
  let h = head.height + 12;
  for (const m of MARKETPLACES) {
    const d = drafts[m];
    const name = MARKETPLACE_NAMES[m];
    const row = bars(y + h, { label: name, max: 100, bars: [{ side: '', value: d.score, shown: `${d.score}/100`, best: d.valid }], note: fields.get(name) ?? '' });
    svg += row.svg;
    h += row.height;
  }
  return { svg, height: h };
}

function reshoot(y: number, view: RunView): Block {
  const photos = view.draft?.photos;
  if (!photos) return { svg: '', height: 0 };
  const head = heading(y, 'What to reshoot', photos.feedback.length > 4 ? `${photos.feedback.length - 4} more in the full report` : undefined);
  const lines = photos.feedback.slice(0, 4).map((f) => `${f.message}${f.fix ? ` → ${f.fix}` : ''}`);
  const list = lines.length ? bullets(y + head.height + 12, lines, 20, 3) : bullets(y + head.height + 12, ['No reshoots needed: the photos measure well.']);
  return { svg: head.svg + list.svg, height: head.height + 12 + list.height };
}

/** The draft card's body and height. */
export function draftCard(view: RunView, images: DraftImages): Block & { alt: string } {
  const p = presentRoot(view);
  const result = p.sections.find((s) => s.fields?.length);
  const fields = new Map((result?.fields ?? []).map((f) => [f.label, plainText(f.value).replace(/^\d+\/100 · /, '').replace(/^⚠️\s*/u, '')]));
  const lead = result?.lines[0] ? plainText(result.lines[0]) : view.status === 'failed' ? headlineWords(p) : null;
  const blocks: ((y: number) => Block)[] = [
    (y) => header(y, view, p.title, lead),
    (y) => (view.draft?.photos ? mainRow(y, view, images) : { svg: '', height: 0 }),
    (y) => marketplaces(y, view, fields),
    (y) => reshoot(y, view),
    (y) => footer(y, p),
  ];
  return stack(blocks, `Scorecard: ${plainText(p.headline)}`);
}
