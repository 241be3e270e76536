import type { Field, Line, Section, StageLine } from '../../service/app/views/index.ts';

/**
 * Presentation parts → HTML: every text escaped here (a listing's title, a model's evidence and a
 * persona's words are untrusted), emphasis as <strong>/<em>/<code>, links only to http(s) and
 * without a referrer (the page's own URL is a capability).
 */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text safe in element content and in a double- or single-quoted attribute. */
export const esc = (text: string) => text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);

const safeUrl = (url: string) => /^https?:\/\//i.test(url);

export function lineHtml(line: Line): string {
  return line
    .map((s) => {
      let x = esc(s.text);
      if (s.code) x = `<code>${x}</code>`;
      if (s.bold) x = `<strong>${x}</strong>`;
      if (s.italic) x = `<em>${x}</em>`;
      return s.link && safeUrl(s.link) ? `<a href="${esc(s.link)}" rel="noreferrer noopener">${x}</a>` : x;
    })
    .join('');
}

/** The stage states in words (chat shows icons; a page reads them out). */
const STATUS_WORDS: Record<StageLine['status'], string> = {
  pending: 'waiting',
  queued: 'waiting',
  running: 'running',
  succeeded: 'done',
  failed: 'failed',
  skipped: 'skipped',
};

function stagesHtml(stages: readonly StageLine[]): string {
  const items = stages.map((s) => {
    const parts = s.parts.map(lineHtml).join(' · ');
    const model = s.model ? ` <span class="muted">(${esc(s.model)})</span>` : '';
    return `<li class="stage stage-${esc(s.status)}"><span class="status">${esc(STATUS_WORDS[s.status])}</span> <strong>${esc(s.title)}</strong>${parts ? ` — ${parts}` : ''}${model}</li>`;
  });
  return `<ul class="stages">${items.join('')}</ul>`;
}

function fieldsHtml(fields: readonly Field[]): string {
  return `<dl class="fields">${fields.map((f) => `<div><dt>${esc(f.label)}</dt><dd>${lineHtml(f.value)}</dd></div>`).join('')}</dl>`;
}

/**
 * A fix list's lines grouped one fix per block (`1. …` then its indented lines), so print keeps a
 * fix on one page; anything else (an "…and 2 more" line) stands alone.
 */
function fixBlocks(lines: readonly Line[]): string {
  const groups: Line[][] = [];
  for (const line of lines) {
    const first = line[0]?.text ?? '';
    const continues = /^\s{2,}/.test(first) && groups.length > 0;
    if (continues) groups.at(-1)!.push(line);
    else groups.push([line]);
  }
  return groups
    .map((g) => (g.length > 1 || /^\d+\. /.test(g[0]?.[0]?.text ?? '') ? `<div class="fix">${g.map((l) => `<p>${lineHtml(l)}</p>`).join('')}</div>` : `<p>${lineHtml(g[0]!)}</p>`))
    .join('');
}

/** One Section: its title as a heading at `level`, its lines, fields, checklist and code. */
export function sectionHtml(s: Section, level: 2 | 3 | 4, extra = ''): string {
  const head = s.title ? `<h${level}>${esc(s.title)}${s.aside ? ` <span class="muted">(${esc(s.aside)})</span>` : ''}</h${level}>` : '';
  const lines = s.role === 'fixes' ? fixBlocks(s.lines) : s.lines.map((l) => `<p>${lineHtml(l)}</p>`).join('');
  const body = [
    extra,
    s.stages?.length ? stagesHtml(s.stages) : '',
    s.note ? `<div class="note">${lines}</div>` : lines,
    s.fields?.length ? fieldsHtml(s.fields) : '',
    s.code !== undefined ? `<pre>${esc(s.code)}</pre>` : '',
  ].join('');
  const cls = ['block', s.note ? 'small' : '', s.role === 'fixes' ? 'fixes' : ''].filter(Boolean).join(' ');
  return `<div class="${cls}">${head}${body}</div>`;
}
