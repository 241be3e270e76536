import type { RunView, StageView } from '../../service/app/views/index.ts';
import type { AvatarsOutput, CtrOutput, Evidence, PdpOutput, TextOutput, Verdict } from '../../service/domain/stage-outputs.ts';
import type { AcquireOutput, AcquiredSide } from '../../service/stages/acquired.ts';
import { clampBlocks, clip, context, esc, fields, section, sectionsOf, truncate, LIMITS, type Block } from './blocks.ts';
import { draftCard } from './render-draft.ts';
import type { SlackMessage } from './render-common.ts';
import { sideName } from './render.ts';

/**
 * One stage's detail card, posted once as a reply in the root message's thread: what was
 * measured or judged, with the evidence, so the root can stay short.
 */

const SIDES = ['A', 'B'] as const;
const EVIDENCE_PER_SIDE = 6;

function madeBy(s: StageView): string {
  const by = s.madeWithoutModel ? 'offline rules engine (no model)' : [s.provider, s.model].filter(Boolean).join(' ');
  const time = s.latencyMs != null ? ` · ${(s.latencyMs / 1000).toFixed(1)} s` : '';
  return `${esc(by || 'unknown')}${time}`;
}

function evidenceLines(items: readonly Evidence[]): string[] {
  const sign = { positive: ':heavy_plus_sign:', negative: ':heavy_minus_sign:', neutral: ':small_blue_diamond:' } as const;
  const shown = items.slice(0, EVIDENCE_PER_SIDE).map((e) => `${sign[e.effect]} ${clip(e.observation, 300)}${e.fix ? `\n      _fix:_ ${clip(e.fix, 200)}` : ''}`);
  if (items.length > EVIDENCE_PER_SIDE) shown.push(`_…and ${items.length - EVIDENCE_PER_SIDE} more_`);
  return shown;
}

function scored(v: RunView, s: StageView, o: CtrOutput | PdpOutput | TextOutput): Block[] {
  const a: Record<string, number> = o.listings.A.scores;
  const b: Record<string, number> = o.listings.B.scores;
  const out: Block[] = [section(clip(o.summary, 1200))];
  out.push(fields(Object.keys(a).map((d) => `*${esc(d.replace(/_/g, ' '))}*\nA ${(a[d] ?? 0).toFixed(1)} · B ${(b[d] ?? 0).toFixed(1)}`)));
  for (const side of SIDES) {
    const l = o.listings[side];
    const lines = [`*${side}* (${esc(sideName(v.pair[side]))})`, ...evidenceLines(l.evidence)];
    if ('open' in l && l.open.length) lines.push(`_Questions left open:_ ${clip(l.open.join('; '), 600)}`);
    if ('answered' in l && l.answered.length) lines.push(`_Answered:_ ${clip(l.answered.join('; '), 600)}`);
    out.push(...sectionsOf(lines));
  }
  return out;
}

function acquiredSide(side: 'A' | 'B', a: AcquiredSide): string {
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
  return `*${side}* ${clip(a.label, 40)} — ${clip(l.title, 300)}\n${facts.join(' · ')}`;
}

function personas(a: AvatarsOutput): Block[] {
  const out: Block[] = [];
  if (a.categoryDefault) out.push(context('No review insights: these are the category’s default personas.'));
  for (const p of a.personas) {
    const cares = p.caresAbout.map((c) => `${esc(c.aspect)}${c.citation ? ` (“${clip(c.citation, 120)}”)` : ''}`).join('; ');
    const lines = [
      `*${clip(p.name, 80)}* — ${clip(p.profile, 400)}`,
      `Clicks *${p.clicks}*, buys *${p.buys}*: ${clip(p.why, 500)}`,
      `Cares about: ${truncate(cares, 900)}`,
    ];
    if (p.objections.length) lines.push(`Objections: ${clip(p.objections.join('; '), 600)}`);
    out.push(section(lines.join('\n')));
  }
  return out;
}

function verdictDetail(v: RunView, verdict: Verdict): Block[] {
  const stages = Object.entries(verdict.stages).map(([name, st]) => `*${esc(name)}*\nA ${st.A.toFixed(1)} · B ${st.B.toFixed(1)} · weight ${st.weight}`);
  const out: Block[] = [fields(stages)];
  const fixes = verdict.fixes.map((f) => `${f.priority}. *${f.listing}* (${esc(sideName(v.pair[f.listing]))}, ${f.stage}): ${clip(f.action, 300)} _evidence: ${clip(f.evidence.join(', '), 200)}_`);
  if (fixes.length) out.push(...sectionsOf(['*Fixes, by impact*', ...fixes]));
  out.push(context(`Confidence ${Math.round(verdict.confidence * 100)}% · verdict hash \`${verdict.hash.slice(0, 16)}\``));
  return out;
}

function body(v: RunView, s: StageView): Block[] {
  if (s.status === 'failed') {
    const refund = s.credits ? ` ${s.credits} credits refunded.` : '';
    return [section(`Failed: ${clip(s.error?.message || s.error?.code || 'unknown error', 800)}.${refund}`)];
  }
  if (s.output == null) return [section(`_${s.status}_`)];
  switch (s.name) {
    case 'acquire': {
      const o = s.output as AcquireOutput;
      return [section(SIDES.map((k) => acquiredSide(k, o[k])).join('\n\n'))];
    }
    case 'ctr':
    case 'pdp':
    case 'text':
      return scored(v, s, s.output as CtrOutput | PdpOutput | TextOutput);
    case 'avatars':
      return personas(s.output as AvatarsOutput);
    case 'verdict':
      return verdictDetail(v, s.output as Verdict);
    default:
      return [section(clip(s.summary ?? 'done', 1000))];
  }
}

export function stageDetail(v: RunView, s: StageView): SlackMessage {
  if (v.kind === 'draft') return draftCard(v, s);
  const outcome = s.status === 'failed' ? 'failed' : s.winner ? (s.winner === 'tie' ? 'tie' : `${sideName(v.pair[s.winner])} (${s.winner}) wins`) : 'done';
  const title = `*${esc(s.title)}* — ${esc(outcome)}${s.score ? ` · A ${s.score.A.toFixed(1)} vs B ${s.score.B.toFixed(1)}` : ''}`;
  const blocks = [section(title), ...body(v, s), context(`${madeBy(s)} · job \`${v.shortId}\``)];
  return {
    text: truncate(`${s.title}: ${outcome} — ${sideName(v.pair.A)} vs ${sideName(v.pair.B)}`, LIMITS.messageText),
    blocks: clampBlocks(blocks, `More in \`/listing status ${v.shortId}\`.`),
  };
}
