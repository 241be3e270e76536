/**
 * Claims a photo cannot prove (PRODUCT.md: "Claims that cannot be seen (certifications,
 * 'eco-friendly') are flagged, never invented"). A claim in a draft is verified only when the
 * product shows it: the words are printed on it (OCR, or text a vision model read) or a vision
 * model reported it as a confident visual attribute (a certification mark it saw). Anything else
 * is an unverified claim: an error in the draft, to be removed or proven.
 *
 * Matching is on normalised text (lower case, hyphens and slashes as spaces), so "BPA-free",
 * "bpa free" and "BPA Free" are one claim.
 */

export type ClaimKind = 'certification' | 'environmental' | 'health' | 'diet' | 'origin' | 'performance';

interface ClaimTerm {
  /** The claim as named in messages. */
  readonly term: string;
  readonly kind: ClaimKind;
  /** Matched against normalised text (see `normaliseForClaims`). */
  readonly pattern: RegExp;
}

const w = (words: string) => new RegExp(`(?:^|[^a-z0-9])(?:${words})(?![a-z0-9])`);

export const CLAIM_TERMS: readonly ClaimTerm[] = [
  { term: 'organic', kind: 'certification', pattern: w('organic|organically grown|usda organic|bio organic') },
  { term: 'certified', kind: 'certification', pattern: w('certified|certification') },
  { term: 'FDA approved', kind: 'certification', pattern: w('fda (?:approved|cleared|registered|certified)') },
  { term: 'UL listed', kind: 'certification', pattern: w('ul listed|etl listed|ce certified|ce marked') },
  { term: 'Energy Star', kind: 'certification', pattern: w('energy star') },
  { term: 'fair trade', kind: 'certification', pattern: w('fair ?trade') },
  { term: 'eco-friendly', kind: 'environmental', pattern: w('eco ?friendly|environmentally friendly|earth friendly|planet friendly|green product') },
  { term: 'sustainable', kind: 'environmental', pattern: w('sustainabl[ey]|sustainably sourced') },
  { term: 'biodegradable', kind: 'environmental', pattern: w('biodegradable|compostable') },
  { term: 'recyclable', kind: 'environmental', pattern: w('recyclable|recycled|upcycled') },
  { term: 'carbon neutral', kind: 'environmental', pattern: w('carbon (?:neutral|negative)|climate neutral|net zero|zero waste|plastic free') },
  { term: 'non-toxic', kind: 'health', pattern: w('non ?toxic|toxin free|chemical free') },
  { term: 'BPA-free', kind: 'health', pattern: w('bpa free|phthalate free|paraben free|lead free') },
  { term: 'hypoallergenic', kind: 'health', pattern: w('hypoallergenic|allergen free') },
  { term: 'dermatologist tested', kind: 'health', pattern: w('dermatologist (?:tested|recommended|approved)') },
  { term: 'clinically proven', kind: 'health', pattern: w('clinically (?:proven|tested)|scientifically proven|doctor recommended') },
  { term: 'antibacterial', kind: 'health', pattern: w('anti ?bacterial|anti ?microbial|kills \\d+ ?%|germ free') },
  { term: 'medical grade', kind: 'health', pattern: w('medical grade|food grade|hospital grade') },
  { term: 'vegan', kind: 'diet', pattern: w('vegan') },
  { term: 'gluten-free', kind: 'diet', pattern: w('gluten free|dairy free|lactose free|sugar free|nut free|soy free') },
  { term: 'non-GMO', kind: 'diet', pattern: w('non gmo|gmo free') },
  { term: 'kosher', kind: 'diet', pattern: w('kosher|halal') },
  { term: 'all-natural', kind: 'diet', pattern: w('all natural|100 ?% natural|100 ?% pure') },
  { term: 'cruelty-free', kind: 'certification', pattern: w('cruelty free|not tested on animals') },
  { term: 'made in USA', kind: 'origin', pattern: w('made in (?:the )?(?:usa|us|united states|america)') },
  { term: 'handmade', kind: 'origin', pattern: w('hand ?made|handcrafted|hand crafted') },
  { term: 'waterproof', kind: 'performance', pattern: w('waterproof|water resistant|shatterproof|unbreakable|indestructible') },
];

/** Lower case, hyphens, slashes and underscores as spaces, runs of spaces collapsed. */
export function normaliseForClaims(text: string): string {
  return text
    .toLowerCase()
    .replace(/[‐-―]/g, '-')
    .replace(/[-/_]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export interface FoundClaim {
  readonly term: string;
  readonly kind: ClaimKind;
}

/** The claim terms a text makes, each once, in table order. */
export function findClaims(text: string): FoundClaim[] {
  const t = normaliseForClaims(text);
  return CLAIM_TERMS.filter((c) => c.pattern.test(t)).map((c) => ({ term: c.term, kind: c.kind }));
}

/** What was seen on the product: printed text, and visual attributes a model was confident of. */
export interface SeenEvidence {
  readonly printed: readonly string[];
  readonly visual: readonly { readonly value: string; readonly evidence: string }[];
}

/** Where the product shows the claim, or null: unverified. */
export function claimEvidence(term: string, seen: SeenEvidence): string | null {
  const claim = CLAIM_TERMS.find((c) => c.term === term);
  if (!claim) return null;
  const printed = normaliseForClaims(seen.printed.join(' '));
  if (claim.pattern.test(printed)) return `printed on the product: "${seen.printed.join(' ').slice(0, 120)}"`;
  const visual = seen.visual.find((v) => claim.pattern.test(normaliseForClaims(v.value)));
  return visual ? `seen in the photos: ${visual.evidence || visual.value}`.slice(0, 300) : null;
}
