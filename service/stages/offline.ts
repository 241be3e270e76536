import type { Side } from '../domain/listing.ts';
import type { Evidence, Winner } from '../domain/stage-outputs.ts';
import type { FactFinding, SideFacts } from './acquired.ts';

/**
 * Shared pieces of the offline rules engine's stage outputs: findings become evidence (with the
 * fix a seller should make), scores are clamped and rounded, and a winner needs a real margin.
 */

export const WIN_MARGIN = 0.25;

export const clamp10 = (x: number) => Math.round(Math.min(10, Math.max(0, x)) * 10) / 10;
export const meanOf = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

export function winnerOf(a: number, b: number): Winner {
  if (Math.abs(a - b) < WIN_MARGIN) return 'tie';
  return a > b ? 'A' : 'B';
}

/** Both sides' mean scores and the winner they give (the same rule for every offline stage). */
export function compareSides(A: { scores: Record<string, number> }, B: { scores: Record<string, number> }): { sa: number; sb: number; winner: Winner } {
  const sa = meanOf(Object.values(A.scores));
  const sb = meanOf(Object.values(B.scores));
  return { sa, sb, winner: winnerOf(sa, sb) };
}

/** What to do about a finding, with how much it matters (impact) and how easy it is (ease), 1–3. */
interface FixRule {
  readonly fix: string;
  readonly impact: 1 | 2 | 3;
  readonly ease: 1 | 2 | 3;
}

const FIXES: Record<string, FixRule> = {
  'main.bg_not_white': { fix: 'Reshoot or cut out the main image on a pure white background (RGB 255,255,255)', impact: 3, ease: 2 },
  'main.bg_off_white': { fix: 'Set the main image background to pure white (RGB 255,255,255), not off-white or grey', impact: 2, ease: 3 },
  'main.promo_badge': { fix: 'Remove the promotional badge/text from the main image (Amazon forbids text and badges on it)', impact: 3, ease: 3 },
  'main.text_present': { fix: 'Remove text and logos overlaid on the main image; move claims to an infographic slot', impact: 2, ease: 3 },
  'main.fill_low': { fix: 'Crop or reshoot so the product fills at least 85% of the frame', impact: 3, ease: 3 },
  'main.thumbnail_weak': { fix: 'Make the product read at thumbnail size: tighter crop, stronger contrast, a simpler angle', impact: 2, ease: 2 },
  'main.resolution_no_zoom': { fix: 'Upload a main image at least 1000 px (ideally 1600 px) on its longest side so zoom works', impact: 2, ease: 2 },
  'main.resolution_below_recommended': { fix: 'Upload the main image at 1600 px or more on its longest side', impact: 1, ease: 2 },
  'main.missing': { fix: 'Add a main image: the product alone on pure white, filling 85% of the frame', impact: 3, ease: 2 },
  'gallery.count_low': { fix: 'Add gallery images to reach at least 6: an infographic, lifestyle use, scale, detail close-ups, what is in the box', impact: 3, ease: 2 },
  'gallery.near_duplicates': { fix: 'Replace near-duplicate gallery images with new information (another angle, an infographic, scale)', impact: 2, ease: 2 },
  'gallery.no_infographic': { fix: 'Add an infographic that states the key benefits and specs in a few words', impact: 2, ease: 2 },
  'gallery.no_lifestyle': { fix: 'Add a lifestyle image showing the product in use', impact: 2, ease: 1 },
  'gallery.low_resolution': { fix: 'Replace low-resolution gallery images with ones at least 1000 px on the longest side', impact: 1, ease: 2 },
  'title.too_long': { fix: 'Shorten the title to the limit in force, keeping brand, product type and the key attribute first', impact: 3, ease: 3 },
  'title.over_upcoming_limit': { fix: 'Shorten the title before the shorter title limit takes effect', impact: 1, ease: 3 },
  'title.promo_words': { fix: 'Remove promotional and subjective words from the title ("best seller", "sale", "free shipping")', impact: 3, ease: 3 },
  'title.banned_chars': { fix: 'Remove the characters Amazon bans in titles', impact: 3, ease: 3 },
  'title.decorative_chars': { fix: 'Remove decorative characters from the title', impact: 1, ease: 3 },
  'title.symbols': { fix: 'Drop symbols from the title except in measurements', impact: 1, ease: 3 },
  'title.repeated_words': { fix: 'Say each word in the title at most twice', impact: 2, ease: 3 },
  'title.all_caps': { fix: 'Write the title in title case, not ALL CAPS', impact: 1, ease: 3 },
  'bullets.missing': { fix: 'Write 5 bullets: benefit first, then the spec that proves it', impact: 3, ease: 2 },
  'bullets.count_low': { fix: 'Use all 5 bullets: each one a benefit a buyer asked about', impact: 2, ease: 2 },
  'bullets.too_short': { fix: 'Expand the short bullets to a full benefit + proof (150–250 characters)', impact: 1, ease: 2 },
  'bullets.too_long': { fix: 'Cut bullets over 500 characters to 150–250 so they are read', impact: 1, ease: 3 },
  'bullets.promo_words': { fix: 'Remove promotional claims from the bullets', impact: 1, ease: 3 },
  'bullets.special_chars': { fix: 'Remove emoji and special characters from the bullets', impact: 1, ease: 3 },
  'description.missing': { fix: 'Add a product description that answers the remaining buyer questions', impact: 1, ease: 2 },
  'description.short': { fix: 'Expand the description with use cases, materials and care', impact: 1, ease: 2 },
  'description.too_long': { fix: 'Trim the description to what a buyer needs to decide', impact: 1, ease: 3 },
};

/** The finding id without its side: "A.main.fill_low" → "main.fill_low". */
const bare = (id: string) => id.replace(/^[AB]\./, '');

function fixFor(f: FactFinding): FixRule | undefined {
  const id = bare(f.id);
  if (FIXES[id]) return FIXES[id];
  if (id.startsWith('reviews.aspect_unaddressed.')) {
    const aspect = /"([^"]+)"/.exec(f.message)?.[1] ?? id.split('.').pop()?.replace(/_/g, ' ');
    return { fix: `Address "${aspect}" in the title or bullets: buyers raise it in reviews`, impact: 2, ease: 2 };
  }
  return undefined;
}

/** Findings that describe, not judge (they are neither good nor bad). */
const NEUTRAL = new Set(['main.fill_unmeasurable', 'gallery.roles', 'reviews.no_insights', 'reviews.coverage']);

/** The evidence fields a plain observation leaves open. */
export const NO_DETAIL = { dimension: null, current: null, target: null, effort: null, compliance: null, scoreIfFixed: null } as const;

export function toEvidence(f: FactFinding): Evidence {
  const id = bare(f.id);
  const negative = f.severity !== 'info' && !NEUTRAL.has(id);
  const rule = negative ? fixFor(f) : undefined;
  return {
    id: f.id,
    observation: f.message.length > 400 ? `${f.message.slice(0, 397)}…` : f.message,
    effect: NEUTRAL.has(id) ? 'neutral' : negative ? 'negative' : 'positive',
    fix: rule?.fix ?? null,
    impact: rule?.impact ?? null,
    ease: rule?.ease ?? null,
    ...NO_DETAIL,
  };
}

export function findingsOf(facts: SideFacts, kinds: readonly string[]): FactFinding[] {
  return facts.findings.filter((f) => kinds.includes(f.kind));
}

export const has = (facts: SideFacts, bareId: string) => facts.findings.some((f) => bare(f.id) === bareId);
export const hasPrefix = (facts: SideFacts, prefix: string) => facts.findings.some((f) => bare(f.id).startsWith(prefix));

/** Grounding facts for prompts: one line per finding, worst first. */
export function factsText(facts: { A: SideFacts; B: SideFacts }, kinds: readonly string[]): string {
  const lines: string[] = [];
  for (const side of ['A', 'B'] as const satisfies readonly Side[]) {
    for (const f of findingsOf(facts[side], kinds)) lines.push(`- [${side}] (${f.severity}) ${f.message}`);
  }
  return lines.length ? lines.join('\n') : '- (no measurements available)';
}
