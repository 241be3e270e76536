import type { Fix, Verdict } from '../../domain/stage-outputs.ts';
import { bold, clip, italic, t, type Line, type Section } from './presentation.ts';
import { curly, EFFORT_WORDS, plural, score } from './present-words.ts';
import type { RunView } from './run-view-model.ts';

/**
 * The fixes of a verdict as a seller reads them: per listing, never interleaved; with one side
 * marked as the workspace's, only that side's fixes, and the competitor's weak points as "where
 * you can beat them". Each fix says what to do, the value now and the target, the kind of work,
 * and what it would do to the verdict.
 */

type Side = 'A' | 'B';
const other = (s: Side): Side => (s === 'A' ? 'B' : 'A');
const nameOf = (v: RunView, s: Side) => v.pair[s].asin ?? v.pair[s].label;

/**
 * Stored before fixes carried their numbers (an older run), a fix has no current value, target,
 * effort or effect: each is then left unsaid rather than invented.
 */
type StoredFix = Omit<Fix, 'current' | 'target' | 'effort' | 'effect' | 'compliance' | 'observation'> & Partial<Fix>;

/** `+0.9 points overall, enough to change the winner`. */
export function effectWords(f: StoredFix, d: Verdict): string | null {
  if (!f.effect) return null;
  const { points, changesWinner } = f.effect;
  if (points <= 0) return 'no score change we can project';
  const gain = points < 0.05 ? 'under +0.1 points' : `+${score(points)} ${points >= 0.95 && points < 1.05 ? 'point' : 'points'}`;
  if (!changesWinner) return `${gain} overall`;
  return `${gain} overall, ${d.winner === 'tie' ? 'enough to break the tie' : 'enough to change the winner'}`;
}

/** The lines of one fix: what to do, then its numbers, effort and effect, then (in full) why. */
export function fixLines(f: StoredFix, d: Verdict, opts: { why?: boolean } = {}): Line[] {
  const head: Line = [t(`${f.priority}. `), ...(f.compliance ? [bold('Suppression risk: ')] : []), t(curly(clip(f.action, 280)))];
  const facts: string[] = [];
  if (f.current && f.target) facts.push(`now ${curly(f.current)} → ${curly(f.target)}`);
  else if (f.target) facts.push(`target ${curly(f.target)}`);
  if (f.effort) facts.push(EFFORT_WORDS[f.effort]);
  const effect = effectWords(f, d);
  if (effect) facts.push(effect);
  const lines: Line[] = [head];
  // Plain, not italic: a target may hold `_` or `*` ("none of ! $ ? _ { }"), which would break the emphasis.
  if (facts.length) lines.push([t(`    ${clip(facts.join(' · '), 360)}`)]);
  if (opts.why && f.observation) lines.push([t(`    Why: ${curly(clip(f.observation, 300))}`)]);
  return lines;
}

export interface FixListOptions {
  /** At most this many fixes per listing (the root); all of them when absent (the Verdict card). */
  readonly limit?: number;
  /** Say why (the observation) under each fix. */
  readonly why?: boolean;
  /** Where the rest are, when some are left out: `in the Verdict card in the thread`. */
  readonly restAt?: string;
}

function listFor(fixes: readonly StoredFix[], d: Verdict, opts: FixListOptions): Line[] {
  const shown = opts.limit === undefined ? fixes : fixes.slice(0, opts.limit);
  const lines = shown.flatMap((f) => fixLines(f, d, opts));
  const rest = fixes.length - shown.length;
  if (rest > 0) lines.push([italic(`…and ${plural(rest, 'more fix', 'more fixes')}${opts.restAt ? ` ${opts.restAt}` : ''}.`)]);
  return lines;
}

/** The competitor's weak points, in the words of what was measured. */
function beatThem(v: RunView, d: Verdict, mine: Side, opts: FixListOptions): Section[] {
  const theirs = d.fixes.filter((f) => f.listing === other(mine)) as StoredFix[];
  if (theirs.length === 0) return [];
  const limit = opts.limit ?? theirs.length;
  const lines: Line[] = theirs.slice(0, limit).map((f) => [t('• '), t(curly(clip(f.observation ?? f.action, 300)))]);
  if (theirs.length > limit) lines.push([italic(`…and ${plural(theirs.length - limit, 'more weak point')}${opts.restAt ? ` ${opts.restAt}` : ''}.`)]);
  return [{ title: `Where you can beat ${nameOf(v, other(mine))}`, lines, role: 'fixes' }];
}

/**
 * The fix sections of a finished comparison. With `mine` set: "Your fixes" and "Where you can
 * beat them". Otherwise one section per listing that has fixes.
 */
export function fixSections(v: RunView, d: Verdict, opts: FixListOptions = {}): Section[] {
  const of = (s: Side) => d.fixes.filter((f) => f.listing === s) as StoredFix[];
  if (v.mine) {
    const mine = of(v.mine);
    const lines = mine.length ? listFor(mine, d, opts) : [[t('Nothing we measured holds your listing back: no fixes.')]];
    return [{ title: `Your fixes (${nameOf(v, v.mine)})`, lines, role: 'fixes' }, ...beatThem(v, d, v.mine, opts)];
  }
  return (['A', 'B'] as const).flatMap((s): Section[] => {
    const fixes = of(s);
    return fixes.length ? [{ title: `Fixes for ${s} (${nameOf(v, s)})`, lines: listFor(fixes, d, opts), role: 'fixes' }] : [];
  });
}
