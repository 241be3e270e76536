import { PdpOutputSchema, type PdpOutput } from '../domain/stage-outputs.ts';
import type { Listing } from '../domain/listing.ts';
import type { AcquiredSide, FactFinding, SideFacts } from './acquired.ts';
import { bare, bothSay, clamp10, compareSides, factsText, findingsOf, meanOf, measuredNum, scoresText, toEvidence, without, NO_DETAIL } from './offline.ts';
import type { StageDefinition, StageImage, StageInput } from './stage.ts';

/** Stage 2: the gallery A vs B for conversion. */

type Role = PdpOutput['listings']['A']['images'][number]['role'];

const ROLE_MAP: Record<string, Role> = {
  white_background_detail: 'white_background',
  lifestyle: 'lifestyle',
  infographic: 'infographic',
  scale: 'scale',
  comparison: 'comparison',
  in_the_box: 'in_the_box',
  unknown: 'other',
};

/** The buyer question each kind of image answers. */
const QUESTIONS: Partial<Record<Role, string>> = {
  infographic: 'What are the key features and specs?',
  lifestyle: 'How does it look in use?',
  scale: 'How big is it?',
  in_the_box: 'What is included?',
  white_background: 'What does it look like from other angles?',
  comparison: 'How does it compare with alternatives?',
};

function offlineSide(f: SideFacts, listing: Listing): PdpOutput['listings']['A'] {
  const evidence = findingsOf(f, ['gallery']).map((x) => toEvidence(x, (y) => rescore(f, listing, y)));
  while (evidence.length < 2) evidence.push({ id: `gallery_${evidence.length}`, observation: `${images(f.gallery.count)} measured`, effect: 'neutral', fix: null, impact: null, ease: null, ...NO_DETAIL });
  const { scores, answered, open } = scoreSide(f, listing);
  return { scores, evidence: evidence.slice(0, 20), images: roleList(f).slice(0, 20), answered: answered.slice(0, 12), open };
}

const images = (n: number) => `${n} image${n === 1 ? '' : 's'}`;
const questions = (n: number) => `${n} buyer question${n === 1 ? '' : 's'}`;

/** The gallery's scores from the measurements (the same function scores a fix's outcome). */
function scoreSide(f: SideFacts, listing: Listing): { scores: PdpOutput['listings']['A']['scores']; answered: string[]; open: string[] } {
  const roles = roleList(f);
  const galleryRoles = new Set(roles.filter((r) => r.role !== 'main' && r.role !== 'other').map((r) => r.role));
  const answered = [...galleryRoles].flatMap((r) => QUESTIONS[r] ?? []);
  const open = Object.entries(QUESTIONS)
    .filter(([role]) => !galleryRoles.has(role as Role))
    .map(([, q]) => q)
    .concat((listing.reviewInsights?.aspects ?? []).filter((a) => a.sentiment === 'NEGATIVE').map((a) => `What about ${a.name.toLowerCase()}? (raised in reviews)`))
    .slice(0, 12);
  const count = f.gallery.count;
  const scores = {
    coverage: clamp10(2 + 2 * galleryRoles.size),
    count: clamp10((count / 6) * 10),
    quality: clamp10(count ? 10 - (10 * f.gallery.lowResolution) / count : 0),
    questions: clamp10(answered.length + open.length ? (10 * answered.length) / (answered.length + open.length) : 0),
    uniqueness: clamp10(10 - 3 * f.gallery.nearDuplicates),
  };
  return { scores, answered, open };
}

function roleList(f: SideFacts): PdpOutput['listings']['A']['images'] {
  return f.gallery.roles.map((r) => ({ index: r.index, role: r.index === 0 ? ('main' as const) : (ROLE_MAP[r.role] ?? 'other'), note: r.reason.slice(0, 300) }));
}

/** This side's stage score with one finding resolved: the finding gone and its measurement at the fix's target. */
function rescore(f: SideFacts, listing: Listing, x: FactFinding): number | null {
  const rest = without(f, x);
  const g = f.gallery;
  const added = (role: string) => ({ ...g, count: g.count + 1, roles: [...g.roles, { index: Math.max(1, g.count), role, reason: 'added by the fix' }] });
  const id = bare(x.id);
  const gallery: SideFacts['gallery'] | null =
    id === 'gallery.count_low' ? { ...g, count: Math.max(g.count, measuredNum(x, 'recommendedMin', 6)) }
    : id === 'gallery.near_duplicates' ? { ...g, nearDuplicates: 0 }
    : id === 'gallery.no_infographic' ? added('infographic')
    : id === 'gallery.no_lifestyle' ? added('lifestyle')
    : id === 'gallery.low_resolution' ? { ...g, lowResolution: 0 }
    : null;
  return gallery ? meanOf(Object.values(scoreSide({ ...rest, gallery }, listing).scores)) : null;
}

export function pdpOffline(input: StageInput): PdpOutput {
  const { A: a, B: b, facts } = input.acquired;
  const A = offlineSide(facts.A, a.listing);
  const B = offlineSide(facts.B, b.listing);
  const { sa, sb, winner } = compareSides(A, B);
  const score = { A: sa, B: sb };
  const said = { A: `${images(facts.A.gallery.count)} answering ${questions(A.answered.length)}`, B: `${images(facts.B.gallery.count)} answering ${questions(B.answered.length)}` };
  const summary = `Gallery: ${bothSay(score, said)}; ${winner === 'tie' ? 'neither converts clearly better' : `${winner} converts better`} on measured coverage ${scoresText(score)}.`;
  return { listings: { A, B }, winner, summary: summary.slice(0, 600) };
}

/** Up to seven images a side: the main one as the glance ctr also sends (shared), the rest for their fine print. */
function galleryImages(side: AcquiredSide, label: 'A' | 'B'): StageImage[] {
  return side.images
    .filter((i) => i.sha256)
    .slice(0, 7)
    .map((i) => ({ sha256: i.sha256!, label: `${label} image ${i.index + 1}${i.index === 0 ? ' (main)' : ''}`, detail: i.index === 0 ? 'low' : 'high' }));
}

function reviewThemes(listings: readonly Listing[]): string {
  const lines = listings.flatMap((l, i) =>
    (l.reviewInsights?.aspects ?? []).map((a) => `- [${i === 0 ? 'A' : 'B'}] ${a.name} (${a.sentiment}, ${a.mentions} mentions): ${a.summary}`),
  );
  return lines.length ? lines.join('\n') : '- (no review insights)';
}

export const pdpStage: StageDefinition<'pdp'> = {
  name: 'pdp',
  schema: PdpOutputSchema,
  schemaName: 'pdp_evaluation',
  maxOutputTokens: 3_000,
  // Infographics carry fine print: gallery images go at high detail, the main one at low.
  images: (input) => [...galleryImages(input.acquired.A, 'A'), ...galleryImages(input.acquired.B, 'B')],
  variables: (input) => ({
    title_a: input.acquired.A.listing.title,
    title_b: input.acquired.B.listing.title,
    image_labels: [...galleryImages(input.acquired.A, 'A'), ...galleryImages(input.acquired.B, 'B')].map((i) => i.label).join(', ') || 'none',
    review_themes: reviewThemes([input.acquired.A.listing, input.acquired.B.listing]),
    facts: factsText(input.acquired.facts, ['gallery']),
  }),
  offline: pdpOffline,
};

export { reviewThemes };
