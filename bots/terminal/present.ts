import { plainText, type Presentation, type Section, type StageLine } from '../../service/app/views/index.ts';
import { STAGE_ICONS } from '../shared/stage-icons.ts';

/**
 * A Presentation → plain lines for a terminal (no colour codes, no markup): titles end in a
 * colon, what belongs to them is indented. Links show as their text.
 */

const ICON = STAGE_ICONS.terminal;

export function stageText(s: StageLine): string {
  const parts = s.parts.map(plainText).join(' · ');
  return `${ICON[s.status]} ${s.title}${parts ? ` — ${parts}` : ''}${s.model ? ` [${s.model}]` : ''}`;
}

export function sectionLines(s: Section, opts: { stages?: boolean } = {}): string[] {
  const out: string[] = [];
  const indent = s.title ? '  ' : '';
  if (s.title) out.push(`${s.title}${s.aside ? ` (${s.aside})` : ''}:`);
  if (opts.stages !== false) for (const st of s.stages ?? []) out.push(`  ${stageText(st)}`);
  for (const l of s.lines) out.push(indent + plainText(l));
  for (const f of s.fields ?? []) out.push(`${indent}${f.label}: ${plainText(f.value)}`);
  if (s.code !== undefined) for (const line of (s.code || '(empty)').split('\n')) out.push(`${indent}  ${line}`);
  return out;
}

/** A whole Presentation's sections as one text (the experiment commands print it). */
export const presentationText = (p: Presentation): string => presentationLines(p).join('\n').trim();

/** Sections separated by blank lines; `stages: false` leaves the checklist out. */
export function presentationLines(p: Presentation, opts: { stages?: boolean } = {}): string[] {
  return p.sections.flatMap((s) => {
    const lines = sectionLines(s, opts);
    return lines.length ? ['', ...lines] : [];
  });
}
