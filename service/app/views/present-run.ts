import type { Verdict, Winner } from '../../domain/stage-outputs.ts';
import { fixSections } from './present-fixes.ts';
import { STAGE_WORDS, confidenceWords, scorePair } from './present-words.ts';
import { bold, clip, code, italic, t, type Intent, type Line, type Presentation, type Section, type StageLine } from './presentation.ts';
import type { RunView, SideView, StageView } from './run-view-model.ts';

/** Stages that are fetching or arithmetic, never a judgement: no "made without a model" note. */
const COMPUTED: ReadonlySet<string> = new Set(['acquire', 'verdict', 'draft_acquire', 'draft_score']);

/**
 * RunView → the run's root message as a Presentation: the pair, its state, the stage checklist,
 * the verdict in words with the top fixes, and what the person can do next.
 */

export interface PresentOptions {
  /** The workspace cannot afford another run: offer to buy credits (default false). */
  readonly lowBalance?: boolean;
}

/** What a stage's two presentation orders (A first, then B first) came to, when a model was asked both ways. */
export const ORDER_WORDS = {
  consistent: 'the same with either listing shown first',
  'order-sensitive': 'order-sensitive: the answer changed with which listing was shown first',
  'one-order': 'asked with one listing first only (the other order failed)',
} as const;

/** Acquisition failures that pasting the listing by hand can get past (comparisons/manual-fallback.ts). */
export const RESUMABLE_ERRORS: ReadonlySet<string> = new Set(['listing_not_found', 'acquisition_failed', 'timeout']);

const FINISHED = new Set<RunView['status']>(['succeeded', 'partial', 'failed']);
export const isFinished = (v: RunView) => FINISHED.has(v.status);

/** A side's name as people know it: its ASIN, or the label of a listing given by hand. */
export const sideName = (s: SideView) => s.asin ?? s.label;
/** `B (B074M5HPBD)`. */
export const sideWords = (v: RunView, side: 'A' | 'B') => `${side} (${sideName(v.pair[side])})`;
export const sideOrTie = (v: RunView, w: Winner) => (w === 'tie' ? 'tie' : sideWords(v, w));
export const winnerWords = (v: RunView, w: Winner) => (w === 'tie' ? 'tie' : `${sideWords(v, w)} wins`);
export const scoreWords = scorePair;
export const percent = (x: number) => `${Math.round(x * 100)}%`;
export const errorWords = (s: StageView, max = 200) => clip(s.error?.message || s.error?.code || 'unknown error', max);
export const jobRef = (v: RunView): Line => [t('job '), code(v.shortId)];
export const pairWords = (v: RunView) => `${sideName(v.pair.A)} vs ${sideName(v.pair.B)}`;
const settled = (s: StageView) => s.status === 'succeeded' || s.status === 'failed' || s.status === 'skipped';

/** Where a run stands while it has no result: `2 of 6 stages done`, `queued (#2 in line)`. */
export function progressWords(v: RunView): string {
  if (v.queuePosition != null) return `queued (#${v.queuePosition} in line)`;
  return `${v.stages.filter(settled).length} of ${v.stages.length} stages done`;
}

export function stageLine(v: RunView, s: StageView): StageLine {
  const parts: Line[] = [];
  const say = (text: string) => parts.push([t(text)]);
  switch (s.status) {
    case 'failed':
      say(`failed: ${errorWords(s)}${s.credits ? ` (${s.credits} credits refunded)` : ''}`);
      break;
    case 'skipped':
      say('skipped');
      break;
    case 'pending':
    case 'queued':
      say('waiting');
      break;
    case 'running':
      say('running…');
      break;
    case 'succeeded':
      if (s.name === 'acquire') say('both listings fetched');
      if (s.score) say(scoreWords(s.score));
      if (s.winner) say(winnerWords(v, s.winner));
      if (s.summary && (s.name === 'avatars' || v.kind === 'draft')) say(clip(s.summary, 300));
      if (s.orders === 'order-sensitive') parts.push([italic(ORDER_WORDS['order-sensitive'])]);
      if (s.orders === 'one-order') parts.push([italic(ORDER_WORDS['one-order'])]);
      // Said per stage only when models judged the others: a run made wholly without one says so once, in the verdict.
      if (s.madeWithoutModel && !COMPUTED.has(s.name) && v.stages.some((x) => !x.madeWithoutModel && !COMPUTED.has(x.name) && x.status === 'succeeded')) parts.push([italic('rules engine, no model')]);
      break;
  }
  const model = s.status === 'succeeded' && !s.madeWithoutModel && !COMPUTED.has(s.name) && s.provider ? `${s.provider} ${s.model ?? ''}`.trim() : null;
  return { name: s.name, title: s.title, status: s.status, parts, model };
}

export function headline(v: RunView): Line {
  const d = v.verdict;
  if (d) {
    const who = v.mine ? `Verdict: ${mineWords(v, d)}` : d.winner === 'tie' ? 'Verdict: tie' : `Verdict: ${sideName(v.pair[d.winner])} wins`;
    const versus = v.mine ? '' : ` — ${pairWords(v)}:`;
    return [t(`${who}${versus} ${scoreWords(d.score)} out of 10, ${sureWords(v, d)} (`), ...jobRef(v), t(')')];
  }
  if (v.status === 'failed') return [t(`No verdict: the comparison ${pairWords(v)} failed: ${v.errorMessage ?? v.errorCode ?? 'unknown error'}.${v.refunded ? ` ${v.refunded} credits refunded.` : ''} (`), ...jobRef(v), t(')')];
  return [t(`Comparing ${pairWords(v)} — ${progressWords(v)} (`), ...jobRef(v), t(')')];
}

/**
 * The verdict spoken to the seller whose listing is `v.mine`: the click and the sale, won, lost
 * or tied — "your listing wins the sale but loses the click to B0…".
 */
export function mineWords(v: RunView, d: Verdict): string {
  const mine = v.mine!;
  const them = sideName(v.pair[mine === 'A' ? 'B' : 'A']);
  const outcome = (w: Winner) => (w === 'tie' ? 'tie' : w === mine ? 'win' : 'lose');
  const click = outcome(d.clickWinner);
  const sale = outcome(d.saleWinner);
  const overall = outcome(d.winner) === 'win' ? 'overall you win' : outcome(d.winner) === 'lose' ? 'overall you lose' : 'overall it is a tie';
  let said: string;
  if (click === sale) {
    said = click === 'win' ? `your listing wins the click and the sale against ${them}` : click === 'lose' ? `your listing loses the click and the sale to ${them}` : `your listing ties with ${them} on the click and the sale`;
  } else {
    const won = click === 'win' ? 'click' : sale === 'win' ? 'sale' : null;
    const lost = click === 'lose' ? 'click' : sale === 'lose' ? 'sale' : null;
    const tied = click === 'tie' ? 'click' : sale === 'tie' ? 'sale' : null;
    if (won && lost) said = `your listing wins the ${won} but loses the ${lost} to ${them}`;
    else if (won) said = `your listing wins the ${won} against ${them}; the ${tied} is a tie`;
    else said = `your listing loses the ${lost} to ${them}; the ${tied} is a tie`;
  }
  return `${said}; ${overall} —`;
}

/** Job, cost and refund: the small print of a root. */
export function costFooter(v: RunView): Line {
  return [t('Job '), code(v.shortId), t(` · Cost: ${v.cost} credits${v.refunded ? ` · ${v.refunded} refunded` : ''}`)];
}

export function queuedSection(v: RunView, what: string): Section[] {
  if (v.queuePosition == null) return [];
  const next = v.queuePosition === 1 ? 'next' : `#${v.queuePosition}`;
  return [{ lines: [[t(`⏳ Queued: ${next} in line; starts when one of this workspace's running ${what} finishes.`)]] }];
}

function verdictSections(v: RunView): Section[] {
  const d = v.verdict;
  if (!d) return [];
  const head = v.mine
    ? `Verdict: ${mineWords(v, d).replace(/ —$/, '')}`
    : d.winner === 'tie' ? 'Verdict: tie' : `Verdict: ${sideName(v.pair[d.winner])} (${d.winner}) wins`;
  const lines: Line[] = [
    [bold(head), t(` — ${scoreWords(d.score)} out of 10 · ${sureWords(v, d)} (confidence ${percent(d.confidence)})`)],
    [t(`Wins the click: ${sideOrTie(v, d.clickWinner)} · wins the sale: ${sideOrTie(v, d.saleWinner)}`)],
  ];
  if (d.missing.length) lines.push([italic(`Left out (failed): ${d.missing.map((m) => STAGE_WORDS[m] ?? m).join(', ')} — confidence lowered.`)]);
  if (isCloseCall(d)) lines.push(closeCallAdvice(v));
  const out: Section[] = [{ lines }, ...fixSections(v, d, { limit: 3, restAt: 'in the Verdict card in the thread' })];
  if (d.rulesOnly) out.push({ note: true, lines: [[t('Made without a model: the offline rules engine measured what can be measured; add a model key for visual judgement.')]] });
  return out;
}

/** Confidence in words; to the seller whose listing lost, a clear win for the other side is "a clear loss". */
export function sureWords(v: RunView, d: Verdict): string {
  const words = confidenceWords(d.confidence, d.winner);
  return v.mine && d.winner !== 'tie' && d.winner !== v.mine ? words.replace(/ win$/, ' loss') : words;
}

/** Too close to call, or a win the evidence only just supports. */
export const isCloseCall = (d: Verdict) => d.winner === 'tie' || confidenceWords(d.confidence, d.winner) === 'a close call';

/** On a close call, say so plainly and point to a real test, whose result the team can record. */
function closeCallAdvice(v: RunView): Line {
  return [
    bold('A close call: '),
    t('what we can measure does not separate these two clearly. To know, run a real test — Amazon’s Manage Your Experiments (for brand owners on eligible listings) or a poll of real shoppers — then record what happened with '),
    code(`/listing outcome ${v.shortId} A|B|tie`),
    t('.'),
  ];
}

function failureSections(v: RunView): Section[] {
  if (v.status !== 'failed' || v.verdict) return [];
  const lines: Line[] = [[t('⚠️ '), bold('No verdict'), t(`: ${clip(v.errorMessage ?? v.errorCode ?? 'the run failed', 600)}.${v.refunded ? ` ${v.refunded} credits were refunded.` : ''}`)]];
  if (RESUMABLE_ERRORS.has(v.errorCode ?? '')) lines.push([t('You can enter the listing by hand (title, bullets, description, image URLs) to finish the comparison.')]);
  return [{ lines }];
}

function actions(v: RunView, opts: PresentOptions): Intent[] {
  const out: Intent[] = [];
  const { A, B } = v.pair;
  if (v.status === 'failed' && !v.verdict && RESUMABLE_ERRORS.has(v.errorCode ?? '')) out.push({ kind: 'manual_fallback', runId: v.id });
  // Everything the team discusses, in one page: offered once the comparison is over and links are on.
  if (isFinished(v) && v.reportUrl) out.push({ kind: 'open_report', url: v.reportUrl });
  // Re-running needs both ASINs (a listing given by hand cannot be fetched again).
  if (isFinished(v) && A.asin && B.asin && A.asin !== B.asin) out.push({ kind: 'rerun_fresh', runId: v.id, a: A.asin, b: B.asin, ...(v.mine && v.mineSource === 'asked' ? { mine: v.mine } : {}) });
  if (v.verdict) out.push({ kind: 'save_experiment', runId: v.id }, { kind: 'record_outcome', runId: v.id });
  if (opts.lowBalance) out.push({ kind: 'buy_credits', runId: v.id });
  return out;
}

/** A comparison's root message. */
export function presentComparisonRoot(v: RunView, opts: PresentOptions = {}): Presentation {
  const sides: Line[] = (['A', 'B'] as const).map((k) => {
    const s = v.pair[k];
    const name = clip(sideName(s), 40);
    // A listing given by folder is named by its title: "Cushion Cover — Cushion Cover" says nothing twice.
    const title = s.title && s.title.trim().toLowerCase() !== sideName(s).trim().toLowerCase() ? ` — ${clip(s.title, 160)}` : '';
    return [bold(k), t(' '), s.url ? { text: name, link: s.url } : t(name), ...(v.mine === k ? [t(' '), italic('(yours)')] : []), t(title)];
  });
  const d = v.verdict;
  return {
    headline: headline(v),
    title: `Listing comparison: ${pairWords(v)}`,
    tone: d ? (d.winner === 'tie' ? 'tie' : 'won') : v.status === 'failed' ? 'failed' : 'running',
    sections: [
      { lines: sides },
      ...queuedSection(v, 'comparisons'),
      { stages: v.stages.map((s) => stageLine(v, s)), lines: [] },
      ...verdictSections(v),
      ...failureSections(v),
    ],
    footer: costFooter(v),
    actions: actions(v, opts),
    more: [t('More in '), code(`/listing status ${v.shortId}`), t('.')],
  };
}
