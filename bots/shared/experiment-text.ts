import { type ExperimentCard, type ExperimentView, type RerunView, STAGE_TITLES } from '../../service/app/views/index.ts';
import type { ExperimentDeltas } from '../../service/domain/experiment-deltas.ts';
import type { FixRef } from '../../service/domain/experiment-snapshot.ts';
import type { Winner } from '../../service/domain/stage-outputs.ts';
import type { ExperimentTag } from './command.ts';
import { PREFIX } from './help.ts';

/**
 * Experiments as plain text, the same in Slack, Discord and the terminal: ids in `code`, no
 * platform markup, so each front end only escapes and wraps it. Deltas are after − before.
 */

/** What each change tag means, for pickers (Slack multi-select, Discord select menu). */
export const TAG_LABELS: Readonly<Record<ExperimentTag, string>> = {
  'main-image': 'Main image',
  gallery: 'Gallery images',
  title: 'Title',
  bullets: 'Bullet points',
  description: 'Description',
  price: 'Price',
  aplus: 'A+ content',
  other: 'Something else',
};

/** How many re-runs `show` details (the latest); older ones get one line each. */
const DETAILED = 3;
const FIXES_SHOWN = 5;

const score = (x: number) => x.toFixed(2);
export const signed = (d: number) => (d === 0 ? '±0.00' : `${d > 0 ? '+' : '-'}${Math.abs(d).toFixed(2)}`);
const day = (d: Date) => d.toISOString().slice(0, 10);
const stageTitle = (name: string) => STAGE_TITLES[name] ?? name;

function winnerText(v: Pick<ExperimentView, 'pair'>, w: Winner): string {
  return w === 'tie' ? 'tie' : `${v.pair[w]} (${w}) wins`;
}

function fixList(label: string, fixes: readonly FixRef[]): string[] {
  if (fixes.length === 0) return [];
  const shown = fixes.slice(0, FIXES_SHOWN).map((f) => `${f.listing}: ${f.action}`);
  const more = fixes.length > FIXES_SHOWN ? `; …and ${fixes.length - FIXES_SHOWN} more` : '';
  return [`${label} (${fixes.length}): ${shown.join('; ')}${more}`];
}

/** The per-listing, per-stage deltas of one re-run against the baseline, one fact per line. */
export function deltaLines(v: Pick<ExperimentView, 'pair'>, d: ExperimentDeltas): string[] {
  const pairText = (c: { before: { A: number; B: number }; after: { A: number; B: number } }, delta: { A: number; B: number }) =>
    (['A', 'B'] as const).map((s) => `${s} ${score(c.before[s])} → ${score(c.after[s])} (${signed(delta[s])})`).join(' · ');
  const lines = [`Overall: ${pairText(d.overall, d.overall.delta)}`];
  const verdict = d.winner.changed
    ? `Verdict changed: ${winnerText(v, d.winner.before)} → ${winnerText(v, d.winner.after)}`
    : `Verdict unchanged: ${winnerText(v, d.winner.after)}`;
  lines.push(`${verdict}; lead of A over B ${signed(d.margin)}; confidence ${Math.round(d.confidence.before * 100)}% → ${Math.round(d.confidence.after * 100)}%`);
  for (const s of d.stages) {
    if (s.before && s.after && s.delta) lines.push(`${stageTitle(s.stage)}: ${pairText({ before: s.before, after: s.after }, s.delta)}`);
    else lines.push(`${stageTitle(s.stage)}: ${s.before ? 'failed in the re-run' : 'failed in the baseline'} — no delta`);
  }
  lines.push(d.movedMost ? `Moved most: ${stageTitle(d.movedMost.stage)}, ${d.movedMost.listing} ${signed(d.movedMost.delta)}` : 'No stage score moved.');
  lines.push(...fixList('Fixes resolved', d.fixes.resolved), ...fixList('New fixes', d.fixes.new));
  if (!d.fixes.resolved.length && !d.fixes.new.length) lines.push('Fixes: the same as in the baseline.');
  return lines;
}

function rerunHead(r: RerunView): string {
  const tags = r.tags.length ? `changed: ${r.tags.join(', ')}` : 'no tags';
  return `Re-run \`${r.shortId}\` (${day(r.createdAt)}, ${tags})`;
}

function rerunState(r: RerunView): string {
  switch (r.status) {
    case 'queued':
    case 'running':
      return `${r.status}: the deltas come when it finishes`;
    case 'gone':
      return 'its run was deleted before it finished';
    case 'failed':
      return r.deltas ? 'failed' : 'failed: no verdict, no deltas';
    case 'succeeded':
    case 'partial':
      return r.deltas ? r.status : `${r.status}, without a verdict`;
  }
}

function oneLine(v: ExperimentView, r: RerunView): string {
  if (!r.deltas) return `${rerunHead(r)}: ${rerunState(r)}`;
  const d = r.deltas;
  const winner = d.winner.changed ? `, verdict ${d.winner.before} → ${d.winner.after}` : '';
  return `${rerunHead(r)}: overall A ${signed(d.overall.delta.A)}, B ${signed(d.overall.delta.B)}${winner}`;
}

function baselineLine(v: ExperimentView): string {
  const s = v.baseline.scores;
  return `Baseline: run \`${v.baseline.shortId}\` — A ${score(s.score.A)} vs B ${score(s.score.B)}, ${winnerText(v, s.winner)}`;
}

/** `experiment show` (and the reply to save, pin, unpin): the baseline and every re-run with its deltas. */
export function experimentText(v: ExperimentView, note?: string | null): string {
  const lines: string[] = [];
  if (note) lines.push(note, '');
  lines.push(`Experiment \`${v.shortId}\` — ${v.name}${v.pinned ? ' 📌 pinned' : ''}`);
  lines.push(`${v.pair.A} (A) vs ${v.pair.B} (B) · saved ${day(v.createdAt)}`);
  if (v.notes) lines.push(`Notes: ${v.notes}`);
  lines.push(baselineLine(v));
  if (v.reruns.length === 0) {
    lines.push('', `No re-runs yet. After a change: ${PREFIX} experiment rerun ${v.shortId} <tag…> (main-image, gallery, title, bullets, description, price, aplus, other).`);
    return lines.join('\n');
  }
  const newestFirst = [...v.reruns].reverse();
  const detailed = newestFirst.filter((r) => r.deltas).slice(0, DETAILED);
  for (const r of newestFirst) {
    lines.push('');
    if (detailed.includes(r) && r.deltas) lines.push(`${rerunHead(r)}: ${rerunState(r)}`, ...deltaLines(v, r.deltas).map((l) => `  ${l}`));
    else lines.push(oneLine(v, r));
  }
  return lines.join('\n');
}

/** `experiment list`: pinned first, then the most recent; one line each. */
export function experimentListText(list: readonly ExperimentView[]): string {
  if (list.length === 0) return `No experiments yet. Keep a finished run as a baseline: ${PREFIX} experiment save <job> [name].`;
  return list
    .map((v) => {
      const latest = [...v.reruns].reverse().find((r) => r.deltas);
      const moved = latest?.deltas ? ` · latest \`${latest.shortId}\`: A ${signed(latest.deltas.overall.delta.A)}, B ${signed(latest.deltas.overall.delta.B)}` : '';
      const runs = `${v.reruns.length} re-run${v.reruns.length === 1 ? '' : 's'}`;
      return `${v.pinned ? '📌 ' : ''}\`${v.shortId}\` ${v.name} — ${v.pair.A} vs ${v.pair.B} · ${day(v.createdAt)} · ${runs}${moved}`;
    })
    .join('\n');
}

/** The card posted in a re-run's thread once it has a verdict: its deltas against the baseline. */
export function rerunCardText(card: ExperimentCard): string {
  const { experiment: v, rerun: r } = card;
  const head = `Experiment \`${v.shortId}\` — ${v.name}: re-run against the baseline (run \`${v.baseline.shortId}\`), changed: ${r.tags.join(', ') || 'nothing tagged'}`;
  return [head, ...(r.deltas ? deltaLines(v, r.deltas) : [rerunState(r)])].join('\n');
}
