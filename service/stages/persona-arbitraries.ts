import fc from 'fast-check';
import type { Listing, ReviewAspect, Side } from '../domain/listing.ts';
import { ctrArb, pdpArb, swapStage, swapWinner, textArb } from '../domain/stage-arbitraries.ts';
import type { AvatarsOutput, CtrOutput, PdpOutput, StageOutputs, TextOutput, Winner } from '../domain/stage-outputs.ts';
import type { AcquiredSide, FactFinding, SideFacts } from './acquired.ts';
import type { StageInput } from './stage.ts';

/**
 * Test code only: minimal stage inputs for the avatars stage (listings with review aspects, the
 * review-coverage findings, prior ctr/pdp/text outputs), built by hand or generated, and the
 * helpers that swap listings A and B in an input and in an avatars output. Generated texts never
 * contain a standalone "A" or "B", so swapping those letters in an output is exact.
 */

export function facts(findings: readonly FactFinding[] = []): SideFacts {
  return {
    ruleSet: 'test',
    titleMax: 200,
    findings,
    main: null,
    gallery: { count: 0, roles: [], nearDuplicates: 0, lowResolution: 0 },
  };
}

/** A review-coverage finding as the rules engine words it. */
export function coverage(side: Side, name: string, isAddressed: boolean): FactFinding {
  const slug = name.trim().toLowerCase().replace(/[^a-z0-9]+/g, '_');
  return isAddressed
    ? { id: `${side}.reviews.aspect_addressed.${slug}`, kind: 'reviews', severity: 'info', message: `Review theme "${name}" (NEGATIVE, 3 mentions) is addressed in the title/bullets (x)` }
    : { id: `${side}.reviews.aspect_unaddressed.${slug}`, kind: 'reviews', severity: 'major', message: `Reviews raise "${name}" (NEGATIVE, 3 mentions) but the title and bullets never address it (looked for: x)` };
}

export function aspect(name: string, over: Partial<ReviewAspect> = {}): ReviewAspect {
  return { name, sentiment: 'NEUTRAL', mentions: 10, positive: 5, negative: 5, summary: '', snippets: [`about the ${name.toLowerCase()}`], ...over };
}

export function listing(over: Partial<Listing> = {}, aspects?: readonly ReviewAspect[]): Listing {
  return {
    title: 'Plain product',
    bullets: [],
    description: '',
    images: ['main.jpg'],
    ...over,
    ...(aspects ? { reviewInsights: { summary: '', aspects: [...aspects] } } : {}),
  };
}

const side = (l: Listing): AcquiredSide => ({ source: 'manual', label: 'x', listing: l, images: [] });

export function stageInput(A: Listing, B: Listing, f: { A?: readonly FactFinding[]; B?: readonly FactFinding[] } = {}, prior: Partial<StageOutputs> = {}): StageInput {
  return { acquired: { A: side(A), B: side(B), facts: { A: facts(f.A), B: facts(f.B) } }, prior };
}

/** A stage output with one score per listing (enough for the personas, not for the schemas). */
export function scored<O extends CtrOutput | PdpOutput | TextOutput>(winner: Winner, a: number, b: number): O {
  const s = (x: number) => ({ scores: { x }, evidence: [], images: [], answered: [], open: [] });
  return { listings: { A: s(a), B: s(b) }, winner, summary: 'test' } as unknown as O;
}

// ---- generated inputs -------------------------------------------------------------------------

const THEMES = ['Strap durability', 'strap  durability', 'Size', ' size', 'Zipper', 'Value for money', 'Battery life', 'Smell', 'Clear main image', 'USB port', ' '];
const PHRASES = ['', 'fits my shoes easily', 'strap ripped off', 'smaller than it looks', 'zipper snags', 'great value', 'battery lasts a week', 'smells of plastic'];
const WORDS = ['strap', 'durable', 'size', 'large', 'zipper', 'smooth', 'value', 'battery', 'usb', 'port', 'bag', 'gym', 'reinforced'];

const aspectArb: fc.Arbitrary<ReviewAspect> = fc
  .record({
    name: fc.constantFrom(...THEMES),
    sentiment: fc.constantFrom('POSITIVE', 'NEGATIVE', 'MIXED', 'NEUTRAL'),
    // Few distinct counts, so that both listings' reviews often say exactly the same.
    positive: fc.constantFrom(0, 1, 3, 10, 40),
    negative: fc.constantFrom(0, 1, 3, 10, 40),
    extra: fc.constantFrom(0, 2),
    summary: fc.constantFrom(...PHRASES),
    snippets: fc.array(fc.constantFrom(...PHRASES), { maxLength: 2 }),
  })
  .map(({ extra, ...a }) => ({ ...a, mentions: a.positive + a.negative + extra }));

const copyArb = fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 6 }).map((w) => w.join(' '));

const listingArb: fc.Arbitrary<Listing> = fc
  .record({
    title: copyArb,
    bullets: fc.array(copyArb, { maxLength: 3 }),
    price: fc.option(fc.constantFrom(9.99, 10.49, 24.99, 25), { nil: undefined }),
    rating: fc.option(fc.constantFrom(3.9, 4, 4.1, 4.6), { nil: undefined }),
    category: fc.option(fc.constantFrom('Sports & Outdoors', 'Home & Kitchen', ' '), { nil: undefined }),
    aspects: fc.option(fc.array(aspectArb, { maxLength: 5 }), { nil: undefined }),
  })
  .map(({ aspects, price, rating, category, ...l }) => ({
    ...l,
    description: '',
    images: ['main.jpg'],
    ...(price === undefined ? {} : { price }),
    ...(rating === undefined ? {} : { rating }),
    ...(category === undefined ? {} : { category }),
    ...(aspects ? { reviewInsights: { summary: '', aspects } } : {}),
  }));

/** A listing and its review-coverage findings: each aspect addressed, unaddressed or not measured. */
function sideArb(s: Side) {
  return fc.tuple(listingArb, fc.array(fc.constantFrom('yes', 'no', 'none'), { minLength: 5, maxLength: 5 })).map(([l, marks]) => {
    const findings = (l.reviewInsights?.aspects ?? []).flatMap((a, i) => (marks[i] === 'none' ? [] : [coverage(s, a.name, marks[i] === 'yes')]));
    return { l, findings };
  });
}

const resided = (f: FactFinding): FactFinding => ({ ...f, id: f.id.replace(/^([AB])\./, (_, s: string) => `${s === 'A' ? 'B' : 'A'}.`) });

/** B is sometimes A's twin: the same reviews, or the same listing altogether (the ties to break). */
export const stageInputArb: fc.Arbitrary<StageInput> = fc
  .record({
    A: sideArb('A'),
    B0: sideArb('B'),
    twin: fc.constantFrom('none', 'none', 'reviews', 'all'),
    ctr: fc.option(ctrArb, { nil: undefined, freq: 4 }),
    pdp: fc.option(pdpArb, { nil: undefined, freq: 4 }),
    text: fc.option(textArb, { nil: undefined, freq: 4 }),
  })
  .map(({ A, B0, twin, ...prior }) => {
    const B =
      twin === 'none'
        ? B0
        : { l: twin === 'all' ? A.l : { ...B0.l, reviewInsights: A.l.reviewInsights }, findings: A.findings.map(resided) };
    const p: Partial<StageOutputs> = {};
    if (prior.ctr) p.ctr = prior.ctr;
    if (prior.pdp) p.pdp = prior.pdp;
    if (prior.text) p.text = prior.text;
    return stageInput(A.l, B.l, { A: A.findings, B: B.findings }, p);
  });

// ---- swapping A and B -------------------------------------------------------------------------


/** The same input with listing A given as B and B as A (facts re-prefixed with their new side). */
export function swapStageInput(i: StageInput): StageInput {
  const { A, B, facts: f } = i.acquired;
  const prior: Partial<StageOutputs> = {};
  if (i.prior.ctr) prior.ctr = swapStage(i.prior.ctr);
  if (i.prior.pdp) prior.pdp = swapStage(i.prior.pdp);
  if (i.prior.text) prior.text = swapStage(i.prior.text);
  return {
    acquired: { A: B, B: A, facts: { A: { ...f.B, findings: f.B.findings.map(resided) }, B: { ...f.A, findings: f.A.findings.map(resided) } } },
    prior,
  };
}

/** Every standalone letter A becomes B and B becomes A ("A's" → "B's", "B:" → "A:"). */
export const swapLetters = (s: string) => s.replace(/\b[AB]\b/g, (x) => (x === 'A' ? 'B' : 'A'));

/** What the personas must be for the swapped input: letters, votes and attributions swapped. */
export function mirrorAvatars(o: AvatarsOutput): AvatarsOutput {
  return {
    ...o,
    personas: o.personas.map((p) => ({
      name: swapLetters(p.name),
      profile: swapLetters(p.profile),
      caresAbout: p.caresAbout.map((c) => ({ aspect: swapLetters(c.aspect), citation: swapLetters(c.citation), from: c.from === 'A' || c.from === 'B' ? swapWinner(c.from) : c.from })),
      clicks: swapWinner(p.clicks),
      buys: swapWinner(p.buys),
      why: swapLetters(p.why),
      objections: p.objections.map(swapLetters),
    })),
  };
}
