import type { ExperimentDeltas } from '../../domain/experiment-deltas.ts';
import type { FixRef } from '../../domain/experiment-snapshot.ts';
import type { Winner } from '../../domain/stage-outputs.ts';
import type { ExperimentCard, ExperimentView, RerunView } from './experiment-view.ts';
import { code, t, type Line, type Presentation, type Section } from './presentation.ts';
import { STAGE_TITLES } from './run-view.ts';
import { score } from './present-words.ts';

/**
 * Experiments as Presentations, the same on every surface: `experiment show` (and the answer to
 * save, pin, unpin), `experiment list`, and the card in a re-run's thread. Deltas are
 * after − before; every experiment offers `rerun_experiment` (a tag picker or menu).
 */

/** How many re-runs `show` details (the latest); older ones get one line each. */
const DETAILED = 3;
const FIXES_SHOWN = 5;

/** One precision for every score a person reads (present-words.ts); a change too small to show is ±0.0. */
const signed = (d: number) => (Math.abs(d) < 0.05 ? '±0.0' : `${d > 0 ? '+' : '-'}${score(Math.abs(d))}`);
const day = (d: Date) => d.toISOString().slice(0, 10);
const stageTitle = (name: string) => STAGE_TITLES[name] ?? name;
const winnerText = (v: Pick<ExperimentView, 'pair'>, w: Winner) => (w === 'tie' ? 'tie' : `${v.pair[w]} (${w}) wins`);
const more = (v: Pick<ExperimentView, 'shortId'>): Line => [t('More in '), code(`/listing experiment show ${v.shortId}`), t('.')];
const lines = (texts: readonly string[]): Line[] => texts.map((x) => [t(x)]);

function fixList(label: string, fixes: readonly FixRef[]): string[] {
  if (fixes.length === 0) return [];
  const shown = fixes.slice(0, FIXES_SHOWN).map((f) => `${f.listing}: ${f.action}`);
  const rest = fixes.length > FIXES_SHOWN ? `; …and ${fixes.length - FIXES_SHOWN} more` : '';
  return [`${label} (${fixes.length}): ${shown.join('; ')}${rest}`];
}

/** The per-listing, per-stage deltas of one re-run against the baseline, one fact per line. */
function deltaLines(v: Pick<ExperimentView, 'pair'>, d: ExperimentDeltas): string[] {
  const pairText = (c: { before: { A: number; B: number }; after: { A: number; B: number } }, delta: { A: number; B: number }) =>
    (['A', 'B'] as const).map((s) => `${s} ${score(c.before[s])} → ${score(c.after[s])} (${signed(delta[s])})`).join(' · ');
  const out = [`Overall: ${pairText(d.overall, d.overall.delta)}`];
  const verdict = d.winner.changed ? `Verdict changed: ${winnerText(v, d.winner.before)} → ${winnerText(v, d.winner.after)}` : `Verdict unchanged: ${winnerText(v, d.winner.after)}`;
  out.push(`${verdict}; lead of A over B ${signed(d.margin)}; confidence ${Math.round(d.confidence.before * 100)}% → ${Math.round(d.confidence.after * 100)}%`);
  for (const s of d.stages) {
    if (s.before && s.after && s.delta) out.push(`${stageTitle(s.stage)}: ${pairText({ before: s.before, after: s.after }, s.delta)}`);
    else out.push(`${stageTitle(s.stage)}: ${s.before ? 'failed in the re-run' : 'failed in the baseline'} — no delta`);
  }
  out.push(d.movedMost ? `Moved most: ${stageTitle(d.movedMost.stage)}, ${d.movedMost.listing} ${signed(d.movedMost.delta)}` : 'No stage score moved.');
  out.push(...fixList('Fixes resolved', d.fixes.resolved), ...fixList('New fixes', d.fixes.new));
  if (!d.fixes.resolved.length && !d.fixes.new.length) out.push('Fixes: the same as in the baseline.');
  return out;
}

const rerunHead = (r: RerunView): Line => [t('Re-run '), code(r.shortId), t(` (${day(r.createdAt)}, ${r.tags.length ? `changed: ${r.tags.join(', ')}` : 'no tags'})`)];

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

function rerunSection(v: ExperimentView, r: RerunView, detailed: boolean): Section {
  if (detailed && r.deltas) return { lines: [[...rerunHead(r), t(`: ${rerunState(r)}`)], ...lines(deltaLines(v, r.deltas).map((l) => `  ${l}`))] };
  const d = r.deltas;
  const said = d ? `: overall A ${signed(d.overall.delta.A)}, B ${signed(d.overall.delta.B)}${d.winner.changed ? `, verdict ${d.winner.before} → ${d.winner.after}` : ''}` : `: ${rerunState(r)}`;
  return { lines: [[...rerunHead(r), t(said)]] };
}

/** `experiment show` (and the answer to save, pin, unpin): the baseline and every re-run with its deltas; `note` says what just happened. */
export function presentExperiment(v: ExperimentView, note?: Line | null): Presentation {
  const s = v.baseline.scores;
  const about: Line[] = [[t('Experiment '), code(v.shortId), t(` — ${v.name}${v.pinned ? ' 📌 pinned' : ''}`)], [t(`${v.pair.A} (A) vs ${v.pair.B} (B) · saved ${day(v.createdAt)}`)]];
  if (v.notes) about.push([t(`Notes: ${v.notes}`)]);
  about.push([t('Baseline: run '), code(v.baseline.shortId), t(` — A ${score(s.score.A)} vs B ${score(s.score.B)}, ${winnerText(v, s.winner)}`)]);
  const newestFirst = [...v.reruns].reverse();
  const detailed = newestFirst.filter((r) => r.deltas).slice(0, DETAILED);
  const reruns: Section[] = v.reruns.length
    ? newestFirst.map((r) => rerunSection(v, r, detailed.includes(r)))
    : [{ lines: [[t('No re-runs yet. After a change: '), code(`/listing experiment rerun ${v.shortId} <tag…>`), t(' (main-image, gallery, title, bullets, description, price, aplus, other).')]] }];
  return {
    headline: note ?? about[0]!,
    title: `Experiment: ${v.name}`,
    tone: 'done',
    sections: [...(note ? [{ lines: [note] }] : []), { lines: about }, ...reruns],
    footer: [],
    actions: [{ kind: 'rerun_experiment', experimentId: v.id }],
    more: more(v),
  };
}

/** `experiment list`: pinned first, then the most recent; one line each. */
export function presentExperimentList(list: readonly ExperimentView[]): Presentation {
  const rows: Line[] = list.map((v) => {
    const latest = [...v.reruns].reverse().find((r) => r.deltas);
    const runs = `${v.reruns.length} re-run${v.reruns.length === 1 ? '' : 's'}`;
    const moved: Line = latest?.deltas ? [t(' · latest '), code(latest.shortId), t(`: A ${signed(latest.deltas.overall.delta.A)}, B ${signed(latest.deltas.overall.delta.B)}`)] : [];
    return [t(v.pinned ? '📌 ' : ''), code(v.shortId), t(` ${v.name} — ${v.pair.A} vs ${v.pair.B} · ${day(v.createdAt)} · ${runs}`), ...moved];
  });
  const empty: Line = [t('No experiments yet. Keep a finished run as a baseline: '), code('/listing experiment save <job> [name]'), t('.')];
  return { headline: rows[0] ?? empty, title: 'Experiments', tone: 'done', sections: [{ lines: rows.length ? rows : [empty] }], footer: [], actions: [], more: [] };
}

/** The card posted in a re-run's thread once it has a verdict: its deltas against the baseline. */
export function presentExperimentCard(card: ExperimentCard): Presentation {
  const { experiment: v, rerun: r } = card;
  const head: Line = [t('Experiment '), code(v.shortId), t(` — ${v.name}: re-run against the baseline (run `), code(v.baseline.shortId), t(`), changed: ${r.tags.join(', ') || 'nothing tagged'}`)];
  return {
    headline: head,
    title: `Experiment: ${v.name}`,
    tone: 'done',
    sections: [{ lines: [head, ...lines(r.deltas ? deltaLines(v, r.deltas) : [rerunState(r)])] }],
    footer: [],
    actions: [{ kind: 'rerun_experiment', experimentId: v.id }],
    more: more(v),
  };
}
