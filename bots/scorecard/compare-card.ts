import { plainText, presentRoot, sideName, STAGE_TITLES, type Presentation, type RunView, type Section } from '../../service/app/views/index.ts';
import type { AcquireOutput, SideFacts } from '../../service/stages/acquired.ts';
import { fitLine, textWidth } from './font-metrics.ts';
import type { Embedded } from './images.ts';
import { bars, bullets, CONTENT, fixList, heading, tile, stack, type Block, type Chip } from './parts.ts';
import { COLOURS, MARGIN, paragraph, pill, rect, text, WIDTH } from './svg.ts';

/**
 * A finished comparison's scorecard: the verdict in the messages' own words (presentRoot), both
 * main images side by side at one size with the winner framed green and marked "WINS" and the
 * workspace's listing marked "YOURS", what the rules engine measured drawn on each image, the
 * scores per step and the personas' votes as bars, and the top fixes as the root message lists them.
 */

type Side = 'A' | 'B';
const SIDES: readonly Side[] = ['A', 'B'];
export const TILE = Math.floor((WIDTH - 2 * MARGIN - 40) / 2);
const pct = (x: number) => `${Math.round(x * 100)}%`;

export function acquired(view: RunView): AcquireOutput | null {
  const out = view.stages.find((s) => s.name === 'acquire' && s.status === 'succeeded')?.output as AcquireOutput | undefined;
  return out?.A && out.B && out.facts ? out : null;
}

/** The stored main image (the first image, when it was usable): what the rules engine measured. */
export function mainImageSha(view: RunView, side: Side): string | undefined {
  const img = acquired(view)?.[side].images.find((i) => i.index === 0);
  return img && !img.refused ? img.sha256 : undefined;
}

/** What was measured on a main image, as labels drawn on it. */
export function measuredChips(main: SideFacts['main'] | undefined): Chip[] {
  if (!main) return [{ label: 'Not measured: no usable main image', tone: 'bad' }];
  const chips: Chip[] = [
    { label: `Product fills ${pct(main.fillLongSide)} of the frame${measuredBox(main) ? ' (dashed box)' : ''}`, tone: main.fillLongSide >= 0.85 ? 'good' : 'bad' },
    main.backgroundWhite
      ? { label: `White background (${pct(main.whiteNear)} of the edge)`, tone: 'good' }
      : { label: `Background not white (${pct(main.whiteNear)} white)`, tone: 'bad' },
  ];
  if (main.badges.length) chips.push({ label: `Badge on image: ${main.badges.map((b) => `“${b}”`).join(', ')}`, tone: 'bad' });
  else if (main.textWords > 0) chips.push({ label: `Text on image: ${main.textWords} word${main.textWords === 1 ? '' : 's'}`, tone: 'bad' });
  else chips.push({ label: 'No text or badges on image', tone: 'good' });
  return chips;
}

/** The product's box, where the fill was measured against a clean backdrop (on a busy scene the "box" is the scene). */
function measuredBox(main: SideFacts['main'] | undefined) {
  return main?.box && (main.backgroundWhite || main.uniformity >= 0.6) ? main.box : undefined;
}

/** Green for a win (yours, or anyone's when no side is yours), red when yours loses, ink for a tie. */
function verdictColour(view: RunView): string {
  const w = view.verdict?.winner;
  if (!w || w === 'tie') return COLOURS.ink;
  return view.mine && view.mine !== w ? COLOURS.bad : COLOURS.win;
}

/** The headline without its job reference (the card shows the job once, at the top). */
export const headlineWords = (p: Presentation) => plainText(p.headline).replace(/\s*\(job [0-9a-f]+\)\s*$/, '');

/** The verdict block: the verdict's head line, its scores and confidence, click and sale. */
function verdictBlock(y: number, view: RunView, p: Presentation): Block {
  const section = p.sections.find((s) => s.lines[0]?.[0]?.bold && s.lines[0][0].text.startsWith('Verdict'));
  let svg = text(MARGIN, y + 20, 'LISTINGLAB SCORECARD', { size: 20, bold: true, fill: COLOURS.muted });
  svg += text(WIDTH - MARGIN, y + 20, `job ${view.shortId}`, { size: 20, fill: COLOURS.muted, anchor: 'end' });
  let h = 40;
  const say = (s: string, o: Parameters<typeof paragraph>[4], gap = 8) => {
    const made = paragraph(MARGIN, y + h, CONTENT, s, o);
    svg += made.svg;
    h += made.height + gap;
  };
  if (!section) {
    say(headlineWords(p), { size: 32, bold: true, maxLines: 4 });
    return { svg, height: h };
  }
  const [first, ...others] = section.lines;
  const head = first![0]!.text.replace(/^Verdict: /, '');
  say(head.charAt(0).toUpperCase() + head.slice(1), { size: 36, bold: true, maxLines: 3, fill: verdictColour(view) });
  say(plainText(first!.slice(1)).replace(/^\s*—\s*/, ''), { size: 26, maxLines: 2 });
  for (const l of others) say(plainText(l), { size: 20, fill: COLOURS.muted, maxLines: 3 }, 4);
  return { svg, height: h };
}

function imageRow(y: number, view: RunView, images: Partial<Record<Side, Embedded>>): Block {
  const facts = acquired(view)?.facts;
  const winner = view.verdict?.winner ?? null;
  let svg = '';
  let h = 0;
  for (const side of SIDES) {
    const x = side === 'A' ? MARGIN : WIDTH - MARGIN - TILE;
    const wins = winner === side;
    const name = `${side} · ${sideName(view.pair[side])}`;
    const overall = view.verdict ? `${view.verdict.score[side].toFixed(1)}/10` : '';
    const scoreW = textWidth(overall, { size: 28, bold: true });
    const pills = [...(wins ? [{ label: 'WINS', colour: COLOURS.win }] : []), ...(winner === 'tie' ? [{ label: 'TIE', colour: COLOURS.muted }] : []), ...(view.mine === side ? [{ label: 'YOURS', colour: COLOURS.mine }] : [])];
    const made = pills.map((p) => pill(0, 0, p.label, p.colour, 20));
    const pillsW = made.reduce((a, m) => a + m.width + 10, 0);
    const shown = fitLine(name, TILE - scoreW - pillsW - 20, { size: 26, bold: true });
    svg += text(x, y + 30, shown, { size: 26, bold: true });
    let px = x + textWidth(shown, { size: 26, bold: true }) + 14;
    for (const p of pills) {
      const m = pill(Math.round(px), y + 5, p.label, p.colour, 20);
      svg += m.svg;
      px += m.width + 10;
    }
    svg += text(x + TILE, y + 30, overall, { size: 28, bold: true, fill: wins ? COLOURS.win : COLOURS.muted, anchor: 'end' });
    const t = tile({
      x, y: y + 48, size: TILE, image: images[side], pills: [],
      border: wins ? { colour: COLOURS.win, width: 10 } : { colour: COLOURS.faint, width: 2 },
      chips: facts ? measuredChips(facts[side].main) : [],
      box: measuredBox(facts?.[side].main),
      missing: 'Main image not available',
    });
    svg += t.svg;
    const title = paragraph(x, y + 48 + TILE + 10, TILE, view.pair[side].title ?? '(no title)', { size: 20, fill: COLOURS.muted, maxLines: 2 });
    svg += title.svg;
    h = Math.max(h, 48 + TILE + 10 + title.height);
  }
  return { svg, height: h };
}

/** Scores per step, overall, and the personas' votes, A above B, the better one green. */
function scoreBlocks(y: number, view: RunView): Block {
  const d = view.verdict;
  const parts: Block[] = [];
  let h = 0;
  const add = (b: Block) => {
    parts.push({ svg: b.svg, height: b.height });
    h += b.height;
  };
  add(heading(y, 'Scores', 'out of 10 · green: the better listing'));
  for (const stage of ['ctr', 'pdp', 'text']) {
    const s = d?.stages[stage];
    const label = STAGE_TITLES[stage] ?? stage;
    add(bars(y + h, s
      ? { label, max: 10, bars: SIDES.map((side) => ({ side, value: s[side], shown: s[side].toFixed(1), best: s.winner === side })) }
      : { label, max: 10, bars: [], absent: 'not scored: this step failed and was left out' }));
  }
  const personas = view.avatars?.personas ?? [];
  if (personas.length) {
    for (const [what, key] of [['Buyer personas who would click', 'clicks'], ['Buyer personas who would buy', 'buys']] as const) {
      const votes = (side: Side) => personas.filter((p) => p[key] === side).length;
      const best: Side | null = votes('A') === votes('B') ? null : votes('A') > votes('B') ? 'A' : 'B';
      add(bars(y + h, { label: what, max: personas.length, bars: SIDES.map((side) => ({ side, value: votes(side), shown: `${votes(side)} of ${personas.length}`, best: best === side })) }));
    }
  }
  return { svg: parts.map((b) => b.svg).join(''), height: h };
}

/** The presentation's fix sections, mine first, else the loser's first; at most three fixes each. */
function fixBlocks(y: number, view: RunView, p: Presentation): Block {
  const sections = p.sections.filter((s) => s.role === 'fixes');
  const loser = view.verdict && view.verdict.winner !== 'tie' ? (view.verdict.winner === 'A' ? 'B' : 'A') : null;
  const first = (s: Section) => (!view.mine && loser && s.title?.startsWith(`Fixes for ${loser} `) ? 0 : 1);
  let svg = '';
  let h = 0;
  for (const [i, s] of [...sections].sort((a, b) => first(a) - first(b)).entries()) {
    const limit = view.mine || i === 0 ? 3 : 2;
    const head = heading(y + h, s.title ?? 'Fixes');
    svg += head.svg;
    h += head.height + 12;
    const lines = s.lines.map(plainText).filter((l) => !l.startsWith('…and '));
    const fixes: { head: string; facts: string | null }[] = [];
    const plain: string[] = [];
    for (const l of lines) {
      if (/^\d+\. /.test(l)) fixes.push({ head: l, facts: null });
      else if (/^\s{2,}/.test(l) && fixes.length && !l.trim().startsWith('Why:')) fixes[fixes.length - 1] = { ...fixes.at(-1)!, facts: l.trim() };
      else if (!/^\s{2,}/.test(l)) plain.push(l.replace(/^•\s*/, ''));
    }
    const block = fixes.length ? fixList(y + h, fixes.slice(0, limit)) : bullets(y + h, plain.slice(0, limit), 20, 2);
    svg += block.svg;
    h += block.height + 8;
  }
  return { svg, height: h };
}

/** The small print: notes (made without a model) and the job, cost line. */
export function footer(y: number, p: Presentation): Block {
  let svg = rect(MARGIN, y, CONTENT, 2, COLOURS.faint);
  let h = 14;
  for (const s of p.sections.filter((x) => x.note)) {
    for (const l of s.lines) {
      const made = paragraph(MARGIN, y + h, CONTENT, plainText(l), { size: 20, fill: COLOURS.muted, maxLines: 3 });
      svg += made.svg;
      h += made.height + 4;
    }
  }
  const foot = paragraph(MARGIN, y + h, CONTENT, plainText(p.footer), { size: 20, fill: COLOURS.muted, maxLines: 2 });
  return { svg: svg + foot.svg, height: h + foot.height };
}

/** The comparison card's body and height. */
export function compareCard(view: RunView, images: Partial<Record<Side, Embedded>>): Block & { alt: string } {
  const p = presentRoot(view);
  const blocks: ((y: number) => Block)[] = [
    (y) => verdictBlock(y, view, p),
    (y) => imageRow(y, view, images),
    ...(view.verdict ? [(y: number) => scoreBlocks(y, view)] : []),
    (y) => fixBlocks(y, view, p),
    (y) => footer(y, p),
  ];
  return stack(blocks, `Scorecard: ${plainText(p.headline)}`);
}
