import type { Listing, Side } from '../domain/listing.ts';
import { AvatarsOutputSchema, type AvatarsOutput, type Persona, type StageOutputs } from '../domain/stage-outputs.ts';
import { meanOf } from './offline.ts';
import { reviewThemes } from './pdp.ts';
import { addressed, decideDefault, decideTheme, type Role } from './persona-decide.ts';
import { citationOf, clip, countsText, fromOf, hasReviews, lowerName, mergeThemes, sideOrder, type Theme } from './persona-themes.ts';
import type { StageDefinition, StageInput } from './stage.ts';

/**
 * Stage 4: three buyer personas grounded in review insights. Offline, each persona is built
 * around a different review theme of the two listings (concerns first, then by mentions), quotes
 * the reviews of the listing(s) that raise it, and decides on its own (persona-decide.ts); when
 * the reviews give fewer than three themes, the rest are the category's default shoppers and say
 * so. Symmetric: the same input with A and B swapped gives the same personas in the same order,
 * with the letters swapped.
 */

/** The three kinds of shopper, one per slot: a theme persona takes its role's name; a default, its aspect. */
const ROLES: readonly { theme: string; name: string; profile: (cat: string) => string; aspects: readonly string[] }[] = [
  {
    theme: 'The daily user',
    name: 'The quick comparer',
    profile: (cat) => `Shops ${cat} on a phone and decides from the thumbnail and title in seconds.`,
    aspects: ['Clear main image', 'Title that says what it is'],
  },
  {
    theme: 'The review reader',
    name: 'The careful researcher',
    profile: (cat) => `Reads every bullet and zooms into the gallery before buying ${cat}; wants specs and proof.`,
    aspects: ['Specs and proof', 'Detail photos'],
  },
  {
    theme: 'The returning buyer',
    name: 'The value seeker',
    profile: (cat) => `Shops ${cat} by weighing the price against what is included and how long it will last.`,
    aspects: ['Value for money', 'Price and rating'],
  },
];

/** "in Sports & Outdoors", or "in this category" when neither listing names one. */
export function categoryPhrase(A: Listing, B: Listing): string {
  const names = [...new Set([A.category, B.category].map((c) => c?.trim()).filter((c): c is string => !!c))].sort();
  return names.length ? `in ${names.join(' and ')}` : 'in this category';
}

function themeProfile(role: Role, t: Theme, cat: string, reviewed: Record<Side, boolean>): string {
  const name = lowerName(t.name);
  const who = [
    `Shops ${cat} for something to use every day, so ${name} decides it.`,
    `Reads the reviews before buying ${cat} and trusts what other buyers say about ${name}.`,
    {
      concern: `Has bought ${cat} before and been let down; this time ${name} decides it.`,
      mixed: `Has bought ${cat} before and learned to check the ${name} first.`,
      praise: `Has bought ${cat} before and knows ${name} is what makes a purchase worth keeping.`,
    }[t.tone],
  ][role];
  return clip(`${who} ${countsText(t, reviewed)}`, 400);
}

function themeName(role: Role, t: Theme): string {
  const name = lowerName(t.name);
  const phrase = t.tone === 'concern' ? `worried about ${name}` : t.tone === 'praise' ? `who cares most about ${name}` : `who checks the ${name}`;
  return clip(`${ROLES[role]!.theme} ${phrase}`, 80);
}

/** What the persona holds against a listing: copy that never mentions its concern. */
function objections(input: StageInput, t: Theme): string[] {
  const name = lowerName(t.name);
  const copy = { A: addressed(input, t, 'A'), B: addressed(input, t, 'B') };
  if (copy.A && copy.B) return [];
  if (!copy.A && !copy.B) return [clip(`Neither listing's title or bullets mention ${name}.`, 300)];
  const gap: Side = copy.A ? 'B' : 'A';
  return [clip(`${gap}'s title and bullets never mention ${name}.`, 300)];
}

function themePersona(input: StageInput, role: Role, t: Theme, cat: string, reviewed: Record<Side, boolean>): Persona {
  return {
    name: themeName(role, t),
    profile: themeProfile(role, t, cat, reviewed),
    caresAbout: [{ aspect: t.name, citation: clip(citationOf(t), 300), from: fromOf(t) }],
    ...decideTheme(input, t, reviewed),
    objections: objections(input, t),
  };
}

function defaultPersona(input: StageInput, role: Role, cat: string, used: ReadonlySet<string>, anyReviews: boolean): Persona {
  const r = ROLES[role]!;
  const aspect = r.aspects.find((a) => !used.has(a.toLowerCase())) ?? r.aspects[0]!;
  const citation = `${anyReviews ? 'No review mentions this' : 'Neither listing has review insights'}; it is what most shoppers ${cat} weigh first.`;
  return {
    name: r.name,
    profile: r.profile(cat),
    caresAbout: [{ aspect, citation, from: 'category' }],
    ...decideDefault(input, role),
    objections: [],
  };
}

export function avatarsOffline(input: StageInput): AvatarsOutput {
  const { A, B } = input.acquired;
  const themes = mergeThemes(A.listing, B.listing).slice(0, 3);
  const reviewed = { A: hasReviews(A.listing), B: hasReviews(B.listing) };
  const cat = categoryPhrase(A.listing, B.listing);
  const used = new Set(themes.map((t) => t.key));
  const personas = ([0, 1, 2] as const).map((role) => {
    const t = themes[role];
    return t ? themePersona(input, role, t, cat, reviewed) : defaultPersona(input, role, cat, used, themes.length > 0);
  });
  return { personas, categoryDefault: themes.length === 0 };
}

/** Each theme once, with each listing's own counts and quote, for the model. */
function reviewQuotes(input: StageInput): string {
  const { A, B } = input.acquired;
  const reviewed = { A: hasReviews(A.listing), B: hasReviews(B.listing) };
  const lines = mergeThemes(A.listing, B.listing).map((t) => {
    const quotes = (sideOrder(t) ?? (['A', 'B'] as const)).flatMap((s) => {
      const q = t[s]?.quote;
      return q ? [`${s}'s reviews: "${q}"`] : [];
    });
    const copy = { A: addressed(input, t, 'A'), B: addressed(input, t, 'B') };
    const said = copy.A && copy.B ? "Both listings' titles or bullets mention it." : copy.A || copy.B ? `Only ${copy.A ? 'A' : 'B'}'s title or bullets mention it.` : "Neither listing's title or bullets mention it.";
    return `- ${countsText(t, reviewed)} ${quotes.join('; ')}${quotes.length ? '. ' : ''}${said}`;
  });
  return lines.length ? lines.join('\n') : '- (no review insights)';
}

const stageMean = (o: { listings: Record<Side, { scores: Record<string, number> }> } | undefined, side: Side) =>
  o ? meanOf(Object.values(o.listings[side].scores)) : 5;

function analysisText(prior: Partial<StageOutputs>): string {
  const lines: string[] = [];
  for (const s of ['ctr', 'pdp', 'text'] as const) {
    const o = prior[s];
    if (o) lines.push(`- ${s}: winner ${o.winner}; A ${stageMean(o, 'A').toFixed(1)}, B ${stageMean(o, 'B').toFixed(1)}. ${o.summary}`);
    else lines.push(`- ${s}: not available (stage failed)`);
  }
  return lines.join('\n');
}

export const avatarsStage: StageDefinition<'avatars'> = {
  name: 'avatars',
  schema: AvatarsOutputSchema,
  schemaName: 'buyer_personas',
  maxOutputTokens: 2_500,
  images: () => [],
  variables: (input) => ({
    category: input.acquired.A.listing.category ?? input.acquired.B.listing.category ?? 'unknown',
    category_phrase: categoryPhrase(input.acquired.A.listing, input.acquired.B.listing),
    title_a: input.acquired.A.listing.title,
    title_b: input.acquired.B.listing.title,
    review_themes: reviewThemes([input.acquired.A.listing, input.acquired.B.listing]),
    review_quotes: reviewQuotes(input),
    analysis: analysisText(input.prior),
  }),
  offline: avatarsOffline,
};
