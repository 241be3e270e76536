import type { APIEmbed, APIEmbedField } from 'discord-api-types/v10';
import type { RunView, StageView } from '../../service/app/views/index.ts';
import type { AvatarsOutput, CtrOutput, Evidence, PdpOutput, TextOutput, Verdict } from '../../service/domain/stage-outputs.ts';
import type { AcquireOutput } from '../../service/stages/acquired.ts';
import { clip, fitMessage, LIMITS } from './limits.ts';
import { renderDraftCard } from './render-draft.ts';
import type { DiscordMessage } from './render-common.ts';
import { COLORS, sideName, winnerText } from './render.ts';

/**
 * One stage's detail card, posted once in the root message's thread when the stage settles:
 * scores per dimension and the evidence behind them, so the root stays short.
 */

type Side = 'A' | 'B';
const SIDES: readonly Side[] = ['A', 'B'];

const EFFECT: Record<Evidence['effect'], string> = { positive: '➕', negative: '➖', neutral: '•' };

function evidenceLines(items: readonly Evidence[]): string {
  return items.map((e) => `${EFFECT[e.effect]} ${e.observation}${e.fix ? ` → _${e.fix}_` : ''}`).join('\n');
}

function scoreLines(scores: Record<string, number>): string {
  return Object.entries(scores).map(([k, n]) => `${k.replace(/_/g, ' ')}: **${n.toFixed(1)}**`).join('\n');
}

function analysisFields(v: RunView, o: CtrOutput | PdpOutput | TextOutput): APIEmbedField[] {
  const fields: APIEmbedField[] = [];
  for (const side of SIDES) fields.push({ name: `Scores ${sideName(v, side)}`, value: scoreLines(o.listings[side].scores), inline: true });
  for (const side of SIDES) fields.push({ name: `Evidence ${sideName(v, side)}`, value: evidenceLines(o.listings[side].evidence), inline: false });
  if ('images' in o.listings.A) {
    const pdp = o as PdpOutput;
    for (const side of SIDES) {
      const l = pdp.listings[side];
      const lines = [...l.answered.map((q) => `✔ ${q}`), ...l.open.map((q) => `✘ ${q}`)];
      if (lines.length) fields.push({ name: `Buyer questions ${sideName(v, side)}`, value: lines.join('\n'), inline: false });
    }
  }
  return fields;
}

function acquireFields(v: RunView, o: AcquireOutput): APIEmbedField[] {
  return SIDES.map((side) => {
    const s = o[side];
    const l = s.listing;
    const used = s.images.filter((i) => !i.refused).length;
    const refused = s.images.length - used;
    const facts = [
      clip(l.title, 200),
      [l.brand, l.price !== undefined ? `$${l.price.toFixed(2)}` : undefined, l.rating !== undefined ? `${l.rating}★ (${l.reviewCount ?? 0} reviews)` : undefined].filter(Boolean).join(' · '),
      `${used} images${refused ? ` (${refused} refused)` : ''} · ${l.bullets.length} bullets · source: ${s.source}`,
    ];
    return { name: sideName(v, side), value: facts.filter(Boolean).join('\n'), inline: false };
  });
}

function avatarFields(v: RunView, o: AvatarsOutput): APIEmbedField[] {
  return o.personas.map((p) => {
    const cares = p.caresAbout.map((c) => `${c.aspect}${c.citation ? ` (“${clip(c.citation, 120)}”)` : ''}`).join('; ');
    const lines = [p.profile, `Clicks **${p.clicks}**, buys **${p.buys}**: ${p.why}`, `Cares about: ${cares}`];
    if (p.objections.length) lines.push(`Objections: ${p.objections.join('; ')}`);
    return { name: p.name, value: lines.join('\n'), inline: false };
  });
}

function verdictFields(v: RunView, d: Verdict): APIEmbedField[] {
  const fields: APIEmbedField[] = Object.entries(d.stages).map(([name, s]) => ({
    name,
    value: `A ${s.A.toFixed(1)} · B ${s.B.toFixed(1)} — ${winnerText(v, s.winner)} (weight ${s.weight})`,
    inline: true,
  }));
  for (const f of d.fixes.slice(0, LIMITS.fields - fields.length)) {
    fields.push({ name: `${f.priority}. ${sideName(v, f.listing)} · ${f.stage}`, value: `${f.action}\nEvidence: ${f.evidence.join(', ')}`, inline: false });
  }
  return fields;
}

function fieldsFor(v: RunView, s: StageView): APIEmbedField[] {
  switch (s.name) {
    case 'acquire':
      return acquireFields(v, s.output as AcquireOutput);
    case 'ctr':
    case 'pdp':
    case 'text':
      return analysisFields(v, s.output as CtrOutput);
    case 'avatars':
      return avatarFields(v, s.output as AvatarsOutput);
    case 'verdict':
      return verdictFields(v, s.output as Verdict);
    default:
      return [];
  }
}

export function renderStageDetail(v: RunView, s: StageView): DiscordMessage {
  if (v.kind === 'draft') return renderDraftCard(v, s);
  const by = s.madeWithoutModel ? 'offline rules engine (no model)' : [s.provider, s.model].filter(Boolean).join(' ');
  const footer = [`run ${v.shortId}`, by, s.latencyMs !== null ? `${(s.latencyMs / 1000).toFixed(1)} s` : ''].filter(Boolean).join(' · ');
  let embed: APIEmbed;
  if (s.status !== 'succeeded' || s.output === null) {
    const why = s.error?.message ?? s.error?.code ?? s.status;
    embed = { title: s.title, description: `Failed: ${why}${s.credits ? `\nIts ${s.credits} credits were refunded.` : ''}`, color: COLORS.failed, footer: { text: footer } };
  } else {
    const score = s.score ? `A ${s.score.A.toFixed(1)} vs B ${s.score.B.toFixed(1)}` : '';
    const winner = s.winner ? winnerText(v, s.winner) : '';
    const avatars = s.name === 'avatars' && (s.output as AvatarsOutput).categoryDefault ? 'Category-default personas: the listings had no review insights.' : '';
    const description = [[score, winner].filter(Boolean).join(' — '), s.name === 'avatars' ? '' : (s.summary ?? ''), avatars].filter(Boolean).join('\n\n');
    embed = { title: s.title, color: COLORS.running, fields: fieldsFor(v, s), footer: { text: footer }, ...(description ? { description } : {}) };
  }
  const status = s.status === 'succeeded' ? '✅' : '❌';
  return fitMessage({ content: `${status} **${s.title}** — run \`${v.shortId}\``, embeds: [embed], components: [], allowed_mentions: { parse: [] } });
}
