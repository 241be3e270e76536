import type { AvatarsOutput, CtrOutput, Evidence, PdpOutput, TextOutput, Verdict } from '../../domain/stage-outputs.ts';
import type { AcquireOutput, AcquiredSide } from '../../stages/acquired.ts';
import { errorWords, jobRef, pairWords, percent, scoreWords, sideName, sideWords, winnerWords } from './present-run.ts';
import { bold, clip, code, italic, t, type Line, type Presentation, type Section } from './presentation.ts';
import type { RunView, StageView } from './run-view-model.ts';

/**
 * One stage's card in the root message's thread, posted once when the stage settles: what was
 * measured or judged, with the evidence, so the root can stay short.
 */

const SIDES = ['A', 'B'] as const;
const EVIDENCE_PER_SIDE = 6;
const EFFECT: Record<Evidence['effect'], string> = { positive: '➕', negative: '➖', neutral: '•' };

/** `openai gpt-4o · 1.2 s`, or the rules engine. */
export function madeBy(s: StageView): string {
  const by = s.name === 'verdict' ? 'computed from the stages (deterministic)' : s.madeWithoutModel ? 'offline rules engine (no model)' : [s.provider, s.model].filter(Boolean).join(' ') || 'unknown';
  return `${by}${s.latencyMs != null ? ` · ${(s.latencyMs / 1000).toFixed(1)} s` : ''}`;
}

/** A settled stage that failed: why, and what was refunded. */
export function failedSection(s: StageView): Section {
  const lines: Line[] = [[t(`Failed: ${errorWords(s, 800)}`)]];
  if (s.credits) lines.push([t(`Its ${s.credits} credits were refunded.`)]);
  return { lines };
}

function evidenceLines(items: readonly Evidence[]): Line[] {
  const shown: Line[] = items.slice(0, EVIDENCE_PER_SIDE).map((e) => [t(`${EFFECT[e.effect]} ${clip(e.observation, 300)}`), ...(e.fix ? [t(' → '), italic(clip(e.fix, 200))] : [])]);
  if (items.length > EVIDENCE_PER_SIDE) shown.push([italic(`…and ${items.length - EVIDENCE_PER_SIDE} more`)]);
  return shown;
}

function scored(v: RunView, o: CtrOutput | PdpOutput | TextOutput): Section[] {
  const a: Record<string, number> = o.listings.A.scores;
  const b: Record<string, number> = o.listings.B.scores;
  const out: Section[] = [{ lines: [[t(clip(o.summary, 1200))]] }];
  out.push({ lines: [], fields: Object.keys(a).map((d) => ({ label: d.replace(/_/g, ' '), value: [t(`A ${(a[d] ?? 0).toFixed(1)} · B ${(b[d] ?? 0).toFixed(1)}`)] })) });
  for (const side of SIDES) {
    const l = o.listings[side];
    const lines = evidenceLines(l.evidence);
    if ('answered' in l && l.answered.length) lines.push([italic('Answered: '), t(clip(l.answered.join('; '), 600))]);
    if ('open' in l && l.open.length) lines.push([italic('Questions left open: '), t(clip(l.open.join('; '), 600))]);
    out.push({ title: sideWords(v, side), lines });
  }
  return out;
}

function acquiredSide(v: RunView, side: 'A' | 'B', a: AcquiredSide): Section {
  const l = a.listing;
  const used = a.images.filter((i) => !i.refused).length;
  const refused = a.images.length - used;
  const facts = [
    l.brand ? `brand ${clip(l.brand, 60)}` : null,
    l.price != null ? `$${l.price.toFixed(2)}` : null,
    l.rating != null ? `${l.rating}★${l.reviewCount != null ? ` (${l.reviewCount} reviews)` : ''}` : null,
    `${l.bullets.length} bullets`,
    `${used} images${refused ? ` (${refused} refused)` : ''}`,
    `source: ${a.source}`,
  ].filter(Boolean);
  return { title: sideWords(v, side), lines: [[t(clip(l.title, 300))], [t(facts.join(' · '))]] };
}

function personas(a: AvatarsOutput): Section[] {
  const out: Section[] = [];
  if (a.categoryDefault) out.push({ note: true, lines: [[t('No review insights: these are the category’s default personas.')]] });
  for (const p of a.personas) {
    const cares = p.caresAbout.map((c) => `${c.aspect}${c.citation ? ` (“${clip(c.citation, 120)}”)` : ''}`).join('; ');
    const lines: Line[] = [[t(clip(p.profile, 400))], [t('Clicks '), bold(p.clicks), t(', buys '), bold(p.buys), t(`: ${clip(p.why, 500)}`)], [t(`Cares about: ${clip(cares, 900)}`)]];
    if (p.objections.length) lines.push([t(`Objections: ${clip(p.objections.join('; '), 600)}`)]);
    out.push({ title: clip(p.name, 80), lines });
  }
  return out;
}

function verdictDetail(v: RunView, d: Verdict): Section[] {
  const fields = Object.entries(d.stages).map(([name, st]) => ({ label: name, value: [t(`${scoreWords(st)} — ${winnerWords(v, st.winner)} (weight ${st.weight})`)] }));
  const fixes: Line[] = d.fixes.map((f) => [
    t(`${f.priority}. `),
    bold(f.listing),
    t(` (${sideName(v.pair[f.listing])}, ${f.stage}): ${clip(f.action, 300)} — `),
    italic(`evidence: ${clip(f.evidence.join(', '), 200)}`),
  ]);
  return [
    { lines: [], fields },
    ...(fixes.length ? [{ title: 'Fixes, by impact', lines: fixes }] : []),
    { note: true, lines: [[t(`Confidence ${percent(d.confidence)} · verdict hash `), code(d.hash.slice(0, 16))]] },
  ];
}

function body(v: RunView, s: StageView): Section[] {
  if (s.status === 'failed') return [failedSection(s)];
  if (s.output == null) return [{ lines: [[italic(s.status)]] }];
  switch (s.name) {
    case 'acquire': {
      const o = s.output as AcquireOutput;
      return SIDES.map((k) => acquiredSide(v, k, o[k]));
    }
    case 'ctr':
    case 'pdp':
    case 'text':
      return scored(v, s.output as CtrOutput | PdpOutput | TextOutput);
    case 'avatars':
      return personas(s.output as AvatarsOutput);
    case 'verdict':
      return verdictDetail(v, s.output as Verdict);
    default:
      return [{ lines: [[t(clip(s.summary ?? 'done', 1000))]] }];
  }
}

/** The card of one stage of a comparison. */
export function presentComparisonStage(v: RunView, s: StageView): Presentation {
  const outcome = s.status === 'failed' ? 'failed' : s.winner ? winnerWords(v, s.winner) : s.status !== 'succeeded' ? s.status : s.name === 'avatars' && s.summary ? s.summary : s.name === 'acquire' ? 'both listings fetched' : 'done';
  const lead: Line = [bold(outcome), t(s.score ? ` · ${scoreWords(s.score)}` : '')];
  const sections = body(v, s);
  return {
    headline: [bold(s.title), t(`: ${outcome} — ${pairWords(v)} (`), ...jobRef(v), t(')')],
    title: s.title,
    tone: s.status === 'failed' ? 'failed' : 'running',
    status: s.status,
    sections: s.status === 'failed' ? sections : [{ lines: [lead] }, ...sections],
    footer: [t(`${madeBy(s)} · `), ...jobRef(v)],
    actions: [],
    more: [t('More in '), code(`/listing status ${v.shortId}`), t('.')],
  };
}
