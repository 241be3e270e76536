import type { ReportData, ReportImage } from '../../service/app/reports/index.ts';
import { modelCostLine, plainText, presentExperimentCard, presentRoot, presentStage, sideName, type Presentation, type RunView, type Section, type StageView } from '../../service/app/views/index.ts';
import { esc, lineHtml, sectionHtml } from './html.ts';
import { REPORT_CSS, REPORT_CSS_HASH } from './report-css.ts';

/**
 * A run's report page: one more renderer of the Presentation every chat message is made of
 * (ARCHITECTURE.md "What a person sees") — the root (the pair, the checklist, the verdict in the
 * same words as Slack and Discord) and every stage's card in full, as HTML, with the listings'
 * own images beside the evidence about them: the main images by the click stage, the gallery
 * with each image's role by the gallery stage. An experiment re-run adds its deltas against the
 * baseline. The footer alone carries the run id, the verdict hash, the rule sets and what the
 * model calls cost.
 *
 * Self-contained: one inline stylesheet (allowed by hash), images from this origin only, no
 * script, no request anywhere else.
 */

type Side = 'A' | 'B';
const SIDES = ['A', 'B'] as const;

/** The headers of the page: a capability URL must not leak (referrer, caches) nor be framed. */
export const REPORT_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': `default-src 'none'; img-src 'self'; style-src ${REPORT_CSS_HASH}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'cache-control': 'private, no-store',
  'x-frame-options': 'DENY',
  'x-robots-tag': 'noindex, nofollow',
};

const roleWords = (role: string) => role.replace(/_/g, ' ');

/** What an image is, for a screen reader: "A's main image", "B's gallery image 3: lifestyle". */
export function altText(img: Pick<ReportImage, 'side' | 'index' | 'role'>): string {
  if (img.index === 0) return `${img.side}'s main image`;
  return `${img.side}'s gallery image ${img.index + 1}${img.role ? `: ${roleWords(img.role)}` : ''}`;
}

function imgTag(token: string, img: ReportImage): string {
  const size = img.width && img.height ? ` width="${img.width}" height="${img.height}"` : '';
  return `<img src="/r/${esc(encodeURIComponent(token))}/img/${esc(img.sha256)}" alt="${esc(altText(img))}"${size} loading="lazy" decoding="async">`;
}

function mainFigure(data: ReportData, side: Side): string {
  const main = data.images[side].find((i) => i.index === 0);
  return main ? `<figure class="main">${imgTag(data.token, main)}<figcaption>${esc(altText(main))}</figcaption></figure>` : `<p class="note">${esc(`${side}'s main image could not be used.`)}</p>`;
}

function galleryFigures(data: ReportData, side: Side): string {
  const imgs = data.images[side];
  if (!imgs.length) return `<p class="note">${esc(`No usable images for ${side}.`)}</p>`;
  const items = imgs.map((i) => `<figure>${imgTag(data.token, i)}<figcaption>${esc(`Image ${i.index + 1}${i.role ? ` — ${roleWords(i.role)}` : ''}`)}${i.note ? `<br>${esc(i.note)}` : ''}</figcaption></figure>`);
  return `<div class="gallery">${items.join('')}</div>`;
}

/** The images that belong next to a stage's evidence about one listing. */
function imagesFor(data: ReportData, stage: string, side: Side): string {
  if (stage === 'ctr') return mainFigure(data, side);
  if (stage === 'pdp') return galleryFigures(data, side);
  return '';
}

/** `A (B0…)`: how present-stage titles a listing's section. */
const sideTitle = (v: RunView, side: Side) => `${side} (${sideName(v.pair[side])})`;
const sideOf = (v: RunView, s: Section): Side | undefined => SIDES.find((k) => s.title === sideTitle(v, k));

/** Sections in order; a listing's A and B sections side by side, each with its images. */
function sectionsHtml(data: ReportData, stage: string | null, sections: readonly Section[], level: 3 | 4): string {
  const v = data.view;
  const out: string[] = [];
  for (let i = 0; i < sections.length; i++) {
    const s = sections[i]!;
    const side = sideOf(v, s);
    const next = sections[i + 1];
    if (side === 'A' && next && sideOf(v, next) === 'B') {
      const col = (k: Side, sec: Section) => `<div class="side${v.mine === k ? ' mine' : ''}">${sectionHtml(sec, level, stage ? imagesFor(data, stage, k) : '')}</div>`;
      out.push(`<div class="pair">${col('A', s)}${col('B', next)}</div>`);
      i++;
    } else {
      out.push(sectionHtml(s, level, stage && side ? imagesFor(data, stage, side) : ''));
    }
  }
  return out.join('');
}

function stageCard(data: ReportData, s: StageView): string {
  const p = presentStage(data.view, s);
  const id = `stage-${s.name}`;
  return `<section class="card" aria-labelledby="${esc(id)}"><h2 id="${esc(id)}">${esc(p.title)}</h2>${sectionsHtml(data, s.name, p.sections, 3)}${p.footer.length ? `<p class="small">${lineHtml(p.footer)}</p>` : ''}</section>`;
}

/** The pair: each listing linked to Amazon, its title, which one is the workspace's. */
function pairCard(data: ReportData): string {
  const v = data.view;
  const col = (k: Side) => {
    const s = v.pair[k];
    const name = sideName(s);
    const link = s.url ? `<a href="${esc(s.url)}" rel="noreferrer noopener">${esc(name)}</a>` : esc(name);
    const yours = v.mine === k ? ' <em>(yours)</em>' : '';
    return `<div class="side${v.mine === k ? ' mine' : ''}"><h3>${esc(k)}: ${link}${yours}</h3>${s.title ? `<p>${esc(s.title)}</p>` : ''}${mainFigure(data, k)}</div>`;
  };
  return `<section class="card" aria-labelledby="listings"><h2 id="listings">The listings</h2><div class="pair">${col('A')}${col('B')}</div></section>`;
}

/** The root's sections after the pair line (shown as the listings card), without the fixes excerpt (the Verdict card lists them all). */
function summaryCard(data: ReportData, root: Presentation): string {
  const [, ...rest] = root.sections;
  const kept = rest.filter((s) => s.role !== 'fixes');
  return `<section class="card" aria-labelledby="summary"><h2 id="summary">Summary</h2>${sectionsHtml(data, null, kept, 3)}</section>`;
}

function experimentCard(data: ReportData): string {
  if (!data.experiment) return '';
  const p = presentExperimentCard(data.experiment);
  return `<section class="card" aria-labelledby="experiment"><h2 id="experiment">${esc(p.title)}: against the baseline</h2>${sectionsHtml(data, null, p.sections, 3)}</section>`;
}

function footer(data: ReportData, root: Presentation): string {
  const v = data.view;
  const rows: [string, string][] = [['Job', `<code>${esc(v.id)}</code>`]];
  if (v.verdict) rows.push(['Verdict hash', `<code>${esc(v.verdict.hash)}</code>`]);
  const sets = [...new Set(SIDES.map((k) => data.ruleSets[k]).filter((x): x is string => !!x))];
  if (sets.length) rows.push([sets.length === 1 ? 'Rule set' : 'Rule sets', SIDES.map((k) => data.ruleSets[k] && `${k}: <code>${esc(data.ruleSets[k])}</code>`).filter(Boolean).join(' · ')]);
  if (root.footer.length) rows.push(['Run', lineHtml(root.footer)]);
  const cost = modelCostLine(v.modelCost);
  if (cost) rows.push(['Cost', esc(cost)]);
  return `<footer class="page"><dl>${rows.map(([k, val]) => `<dt>${esc(k)}</dt><dd>${val}</dd>`).join('')}</dl></footer>`;
}

/** The whole page. Every text from a listing or a model is escaped (html.ts). */
export function renderReport(data: ReportData): string {
  const v = data.view;
  const root = presentRoot(v);
  const cards = v.stages.map((s) => stageCard(data, s)).join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<title>${esc(`${root.title} — ListingLab report`)}</title>
<style>${REPORT_CSS}</style>
</head>
<body class="tone-${esc(root.tone)}">
<a class="skip" href="#main">Skip to the report</a>
<header class="page">
<p class="brand">ListingLab report</p>
<h1>${esc(root.title)}</h1>
<p class="headline" id="headline">${lineHtml(root.headline)}</p>
</header>
<main id="main">
${pairCard(data)}
${summaryCard(data, root)}
${experimentCard(data)}
${cards}
</main>
${footer(data, root)}
</body>
</html>
`;
}

/** The headline as plain text (what Slack's notification text says): for tests and tools. */
export const reportHeadline = (v: RunView) => plainText(presentRoot(v).headline);
