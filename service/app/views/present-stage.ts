import type { AvatarsOutput, CtrOutput, Evidence, PdpOutput, TextOutput, Verdict } from '../../domain/stage-outputs.ts';
import type { AcquireOutput, AcquiredSide } from '../../stages/acquired.ts';
import { fixSections } from './present-fixes.ts';
import { errorWords, jobRef, ORDER_WORDS, pairWords, percent, scoreWords, sideWords, winnerWords } from './present-run.ts';
import { confidenceWords, curly, dimensionWords, plural, score, STAGE_WORDS } from './present-words.ts';
import { bold, clip, code, italic, t, type Line, type Presentation, type Section } from './presentation.ts';
import type { RunView, StageView } from './run-view-model.ts';

/**
 * One stage's card in the root message's thread, posted once when the stage settles: what was
 * measured or judged, with the evidence, so the root can stay short.
 */

const SIDES = ['A', 'B'] as const;
const EVIDENCE_PER_SIDE = 6;
/** Marks every surface can draw (the bundled font and a browser without emoji fonts too): good, bad, neither. */
const EFFECT: Record<Evidence['effect'], string> = { positive: '✓', negative: '✗', neutral: '•' };

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
  const shown: Line[] = items.slice(0, EVIDENCE_PER_SIDE).map((e) => [t(`${EFFECT[e.effect]} ${curly(clip(e.observation, 300))}`), ...(e.fix ? [t(' → '), italic(curly(clip(e.fix, 200)))] : [])]);
  if (items.length > EVIDENCE_PER_SIDE) shown.push([italic(`…and ${plural(items.length - EVIDENCE_PER_SIDE, 'more finding')}.`)]);
  return shown;
}

function scored(v: RunView, o: CtrOutput | PdpOutput | TextOutput): Section[] {
  const a: Record<string, number> = o.listings.A.scores;
  const b: Record<string, number> = o.listings.B.scores;
  const out: Section[] = [{ lines: [[t(curly(clip(o.summary, 1200)))]] }];
  out.push({ lines: [], fields: Object.keys(a).map((d) => ({ label: dimensionWords(d), value: [t(`A ${score(a[d] ?? 0)} · B ${score(b[d] ?? 0)}`)] })) });
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
    plural(l.bullets.length, 'bullet'),
    `${plural(used, 'image')}${refused ? ` (${refused} could not be used)` : ''}`,
    SOURCE_WORDS[a.source],
  ].filter(Boolean);
  return { title: sideWords(v, side), lines: [[t(clip(l.title, 300))], [t(facts.join(' · '))]] };
}

const SOURCE_WORDS: Record<AcquiredSide['source'], string> = { apify: 'fetched from Amazon', cache: 'fetched from Amazon earlier today', manual: 'as given' };

/** Whose reviews a persona's quote comes from. */
const FROM_WORDS: Record<string, string> = { A: "A's reviews", B: "B's reviews", both: "both listings' reviews" };

function caresLine(c: AvatarsOutput['personas'][number]['caresAbout'][number]): string {
  const from = FROM_WORDS[c.from];
  if (!c.citation) return c.aspect;
  // A category default is a sentence of ours, not a buyer's words: no quotation marks.
  return from ? `${c.aspect} — “${clip(c.citation.replace(/^["“]|["”]$/g, ''), 160)}” (${from})` : `${c.aspect} — ${clip(c.citation, 200)}`;
}

/** `Would click A · would buy B`; a tie is said as one. */
function votes(p: AvatarsOutput['personas'][number]): Line {
  const vote = (verb: string, w: 'A' | 'B' | 'tie'): Line => (w === 'tie' ? [t(`no clear ${verb}`)] : [t(`would ${verb} `), bold(w)]);
  const [first, ...rest] = vote('click', p.clicks);
  return [{ ...first!, text: first!.text.charAt(0).toUpperCase() + first!.text.slice(1) }, ...rest, t(' · '), ...vote('buy', p.buys), t(`. ${curly(clip(p.why, 500))}`)];
}

function personas(a: AvatarsOutput): Section[] {
  const out: Section[] = [];
  if (a.categoryDefault) out.push({ note: true, lines: [[t('Neither listing has review insights: these buyers are the category’s usual ones.')]] });
  for (const p of a.personas) {
    const lines: Line[] = [[t(curly(clip(p.profile, 400)))], votes(p), [t('Cares about: '), t(clip(p.caresAbout.map(caresLine).join('; '), 900))]];
    // An objection is the persona's worry in its own words; quotes of reviews are in "Cares about", attributed.
    if (p.objections.length) lines.push([t(`Objections: ${clip(p.objections.map((o) => o.replace(/^["“]|["”]$/g, '')).join('; '), 600)}`)]);
    out.push({ title: clip(p.name, 80), lines });
  }
  return out;
}

function verdictDetail(v: RunView, d: Verdict): Section[] {
  const fields = Object.entries(d.stages).map(([name, st]) => ({ label: STAGE_WORDS[name] ?? name, value: [t(`${scoreWords(st)} — ${winnerWords(v, st.winner)}`)] }));
  return [
    { lines: [[t('Scores are out of 10; the verdict weighs the click and the copy a little more than the gallery.')]], fields },
    ...fixSections(v, d, { why: true }),
    { note: true, lines: [[t(`${confidenceWords(d.confidence, d.winner)[0]!.toUpperCase()}${confidenceWords(d.confidence, d.winner).slice(1)} (confidence ${percent(d.confidence)}). Each fix’s effect is the verdict computed again as if it were made.`)]] },
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
  const lead: Line = [bold(outcome), t(s.score ? ` · ${scoreWords(s.score)}` : ''), ...(s.orders ? [t(' · '), italic(ORDER_WORDS[s.orders])] : [])];
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
