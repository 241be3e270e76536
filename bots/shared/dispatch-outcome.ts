import type { OutcomeRecord, OutcomeServices, RecordedOutcome } from '../../service/app/outcomes/index.ts';
import {
  BAND_RANGES,
  CALIBRATION_MIN_PER_BAND,
  confidenceBandWords,
  isHit,
  pct,
  type BandStats,
  type CalibrationReport,
  type CalibrationTable,
  type OutcomeSide,
} from '../../service/domain/calibration.ts';
import type { OutcomeCommand } from './command.ts';
import type { CommandContext } from './command-context.ts';
import { PREFIX } from './help.ts';
import type { Reply } from './reply.ts';

/**
 * `outcome` and `calibration` for every front end (the terminal too): the outcome use-cases
 * answered privately, in plain text (no markup: a note is shown as it was typed). The terminal
 * swaps `/listing` for `listinglab` in these texts.
 */

export async function outcomeReply(cmd: OutcomeCommand, ctx: Pick<CommandContext, 'workspace' | 'userId'>, outcomes: OutcomeServices): Promise<Extract<Reply, { kind: 'private' }>> {
  const recorded = await outcomes.record(ctx.workspace, { job: cmd.job, result: cmd.result, clickResult: cmd.click ?? null, note: cmd.note ?? null, recordedBy: ctx.userId });
  return { kind: 'private', text: outcomeText(recorded) };
}

export async function calibrationReply(ctx: Pick<CommandContext, 'workspace'>, outcomes: OutcomeServices): Promise<Extract<Reply, { kind: 'private' }>> {
  return { kind: 'private', text: calibrationText(await outcomes.calibration(ctx.workspace)) };
}

const won = (side: OutcomeSide) => (side === 'tie' ? 'it was really a tie' : `${side} really won`);
const hitOrMiss = (predicted: OutcomeSide, actual: OutcomeSide) => (isHit(predicted, actual) ? 'a hit' : 'a miss');
const when = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** "ListingLab said A would win (a likely win, 62%)". */
function said(v: RecordedOutcome['verdict']): string {
  const how = `${confidenceBandWords(v.confidence, v.winner)}, ${pct(v.confidence)}`;
  return v.winner === 'tie' ? `ListingLab called it a tie (${how})` : `ListingLab said ${v.winner} would win (${how})`;
}

function answerWords(o: OutcomeRecord): string {
  const result = o.result === 'tie' ? 'a tie' : `${o.result} won`;
  return `${result}${o.clickResult ? `, the click ${o.clickResult === 'tie' ? 'a tie' : `won by ${o.clickResult}`}` : ''}${o.note ? `, note “${o.note}”` : ''}`;
}

/** "Recorded: B really won. ListingLab said A would win (a likely win, 62%) — a miss." and what goes with it. */
export function outcomeText(r: RecordedOutcome): string {
  const { outcome: o, verdict: v } = r;
  const lines = [`Recorded: ${won(o.result)}. ${said(v)} — ${hitOrMiss(v.winner, o.result)}.`];
  if (o.clickResult) {
    const real = o.clickResult === 'tie' ? 'neither listing won it' : `${o.clickResult} really won it`;
    const guess = v.clickWinner === 'tie' ? 'it would be a tie' : `${v.clickWinner} would`;
    lines.push(`The click: ${real}; ListingLab said ${guess} — ${hitOrMiss(v.clickWinner, o.clickResult)}.`);
  }
  if (o.note) lines.push(`Note: ${o.note}`);
  lines.push(`Run ${r.shortId}: A is ${r.pair.A}, B is ${r.pair.B}.`);
  if (r.replaced) lines.push(`This replaces the earlier answer (${answerWords(r.replaced)}; recorded ${when(r.replaced.recordedAt)}).`);
  lines.push(`Recording again for this job replaces it; ${PREFIX} calibration shows how often verdicts are right.`);
  return lines.join('\n');
}

function bandLine(b: BandStats): string {
  const head = `  ${b.band} (${BAND_RANGES[b.band]}): ${b.n} ${b.n === 1 ? 'outcome' : 'outcomes'}, ${b.hits} right`;
  if (b.n < CALIBRATION_MIN_PER_BAND || b.rate === null) return `${head} — not enough outcomes yet (${CALIBRATION_MIN_PER_BAND} needed)`;
  return `${head}: ${pct(b.rate)} (95% range ${pct(b.ci[0])}–${pct(b.ci[1])})`;
}

function tableLines(t: CalibrationTable): string[] {
  return t.bands.map(bandLine);
}

function targetLine(r: CalibrationReport): string {
  const goal = pct(r.target.goal);
  const clear = r.bands.find((b) => b.band === r.target.band);
  const head = `Target: ${r.target.band} verdicts right at least ${goal} of the time`;
  switch (r.target.status) {
    case 'meets':
      return `${head} — met: ${pct(clear?.rate ?? 0)} right, and even the low end of the 95% range (${pct(clear?.ci[0] ?? 0)}) is above ${goal}.`;
    case 'misses':
      return `${head} — missed: ${pct(clear?.rate ?? 0)} right, and even the high end of the 95% range (${pct(clear?.ci[1] ?? 0)}) is below ${goal}.`;
    case 'not yet known':
      if (!clear || clear.n < CALIBRATION_MIN_PER_BAND || clear.rate === null) {
        return `${head} — not yet known: ${clear?.n ?? 0} ${r.target.band} ${clear?.n === 1 ? 'outcome' : 'outcomes'} so far, at least ${CALIBRATION_MIN_PER_BAND} needed.`;
      }
      return `${head} — not yet known: ${pct(clear.rate)} right, but the 95% range (${pct(clear.ci[0])}–${pct(clear.ci[1])}) still spans ${goal}.`;
  }
}

/**
 * The calibration table in words: per confidence band, how many outcomes and how many the
 * verdict got right, the rate with its Wilson 95 % range once a band has enough outcomes; the
 * same for the click; and the 80 % target. `where`: whose outcomes ("in this workspace").
 */
export function calibrationText(r: CalibrationReport, where = 'in this workspace'): string {
  if (r.outcomes === 0) {
    return [
      `No real results recorded ${where} yet.`,
      `After a change went live or an A/B test ended, record who really won: ${PREFIX} outcome <job> A|B|tie [click:A|B|tie] [note…].`,
      'Calibration then shows how often verdicts were right, by how sure they were.',
    ].join('\n');
  }
  return [
    `Calibration: ${r.outcomes} real ${r.outcomes === 1 ? 'result' : 'results'} recorded ${where}.`,
    'The winner, by how sure the verdict was:',
    ...tableLines(r),
    r.click.outcomes === 0
      ? 'The click: no outcome says who won the click yet (add click:A|B|tie to an outcome).'
      : `The click (${r.click.outcomes} ${r.click.outcomes === 1 ? 'outcome says' : 'outcomes say'} who won it):`,
    ...(r.click.outcomes === 0 ? [] : tableLines(r.click)),
    targetLine(r),
  ].join('\n');
}
