import { PdpOutputSchema, type PdpOutput } from '../domain/stage-outputs.ts';
import type { Listing } from '../domain/listing.ts';
import type { AcquiredSide, SideFacts } from './acquired.ts';
import { clamp10, compareSides, factsText, findingsOf, toEvidence, NO_DETAIL } from './offline.ts';
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
  const roles = f.gallery.roles.map((r) => ({ index: r.index, role: r.index === 0 ? ('main' as const) : (ROLE_MAP[r.role] ?? 'other'), note: r.reason.slice(0, 300) }));
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
  const evidence = findingsOf(f, ['gallery']).map(toEvidence);
  while (evidence.length < 2) evidence.push({ id: `gallery_${evidence.length}`, observation: `${count} image(s) measured`, effect: 'neutral', fix: null, impact: null, ease: null, ...NO_DETAIL });
  return { scores, evidence: evidence.slice(0, 20), images: roles.slice(0, 20), answered: answered.slice(0, 12), open };
}

export function pdpOffline(input: StageInput): PdpOutput {
  const { A: a, B: b, facts } = input.acquired;
  const A = offlineSide(facts.A, a.listing);
  const B = offlineSide(facts.B, b.listing);
  const { sa, sb, winner } = compareSides(A, B);
  const summary = `Gallery: A has ${facts.A.gallery.count} image(s) answering ${A.answered.length} buyer question(s), B has ${facts.B.gallery.count} answering ${B.answered.length}; ${winner === 'tie' ? 'neither converts clearly better' : `${winner} converts better`} on measured coverage (A ${sa.toFixed(1)}, B ${sb.toFixed(1)}).`;
  return { listings: { A, B }, winner, summary: summary.slice(0, 600) };
}

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
