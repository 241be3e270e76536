import { AvatarsOutputSchema, type AvatarsOutput, type Persona, type StageOutputs } from '../domain/stage-outputs.ts';
import type { ReviewAspect } from '../domain/listing.ts';
import { meanOf } from './offline.ts';
import { reviewThemes } from './pdp.ts';
import type { StageDefinition, StageInput } from './stage.ts';

/**
 * Stage 4: three buyer personas grounded in review insights. Offline, each persona is built
 * around the review themes that matter most (by mentions, negatives first) and votes with the
 * measured results: clicks the CTR leader, buys the listing whose copy addresses its concern (or
 * the conversion leader).
 */

type Side = 'A' | 'B';

const stageMean = (o: { listings: { A: { scores: Record<string, number> }; B: { scores: Record<string, number> } } } | undefined, side: Side) =>
  o ? meanOf(Object.values(o.listings[side].scores)) : 5;

function leader(prior: Partial<StageOutputs>, stages: readonly ('ctr' | 'pdp' | 'text')[]): Side {
  const a = meanOf(stages.map((s) => stageMean(prior[s], 'A')));
  const b = meanOf(stages.map((s) => stageMean(prior[s], 'B')));
  // Ties go to A: the offline engine has no further evidence to break them.
  return b > a ? 'B' : 'A';
}

const DEFAULT_PERSONAS = [
  { name: 'The quick comparer', profile: 'Scans search results on a phone and decides from the thumbnail and title in seconds.', aspect: 'Clear main image' },
  { name: 'The careful researcher', profile: 'Reads every bullet and zooms into the gallery before buying; wants specs and proof.', aspect: 'Specs and proof' },
  { name: 'The value seeker', profile: 'Compares price against what is included and how long it will last.', aspect: 'Value for money' },
] as const;

function addressedBy(input: StageInput, aspect: ReviewAspect): Side[] {
  const sides: Side[] = [];
  for (const side of ['A', 'B'] as const) {
    const id = input.acquired.facts[side].findings.find((f) => f.id.includes('.reviews.aspect_addressed.') && f.message.includes(`"${aspect.name}"`));
    if (id) sides.push(side);
  }
  return sides;
}

export function avatarsOffline(input: StageInput): AvatarsOutput {
  const clicks = leader(input.prior, ['ctr']);
  const buysDefault = leader(input.prior, ['pdp', 'text']);
  const aspects = [...(input.acquired.A.listing.reviewInsights?.aspects ?? []), ...(input.acquired.B.listing.reviewInsights?.aspects ?? [])]
    .filter((a, i, all) => all.findIndex((x) => x.name.toLowerCase() === a.name.toLowerCase()) === i)
    .sort((x, y) => Number(y.sentiment === 'NEGATIVE') - Number(x.sentiment === 'NEGATIVE') || y.mentions - x.mentions);
  const category = input.acquired.A.listing.category ?? input.acquired.B.listing.category ?? 'this category';

  if (aspects.length === 0) {
    const personas: Persona[] = DEFAULT_PERSONAS.map((p, i) => {
      const buys = i === 0 ? clicks : buysDefault;
      return {
        name: p.name,
        profile: p.profile,
        caresAbout: [{ aspect: p.aspect, citation: `category default for ${category} (no review insights)`, from: 'category' as const }],
        clicks,
        buys,
        why: `Clicks ${clicks}, whose main image measures better; buys ${buys}, which scores higher on ${i === 0 ? 'the click factors' : 'gallery and copy'}.`,
        objections: [],
      };
    });
    return { personas, categoryDefault: true };
  }

  const personas: Persona[] = [0, 1, 2].map((i) => {
    const focus = aspects.slice(i, i + 2).length ? aspects.slice(i, i + 2) : aspects.slice(0, 1);
    const main = focus[0]!;
    const covered = addressedBy(input, main);
    const buys: Side = covered.length === 1 ? covered[0]! : buysDefault;
    const snippet = main.snippets[0] ?? main.summary;
    return {
      name: `${main.sentiment === 'NEGATIVE' ? 'Wary about' : 'Looking for'} ${main.name.toLowerCase()}`.slice(0, 80),
      profile: `A ${category} buyer for whom ${main.name.toLowerCase()} decides the purchase (${main.mentions} review mentions, ${main.negative} negative).`.slice(0, 400),
      caresAbout: focus.map((a) => ({ aspect: a.name.slice(0, 80), citation: (a.snippets[0] ?? a.summary ?? '').slice(0, 300), from: 'both' as const })),
      clicks,
      buys,
      why: (covered.length === 1
        ? `Buys ${buys}: only its title or bullets speak to ${main.name.toLowerCase()}.`
        : `Buys ${buys}, the stronger gallery and copy; ${covered.length ? 'both listings' : 'neither listing'} address${covered.length ? '' : 'es'} ${main.name.toLowerCase()}.`
      ).slice(0, 500),
      objections: main.sentiment === 'NEGATIVE' ? [`"${snippet}"`.slice(0, 300)] : [],
    };
  });
  return { personas, categoryDefault: false };
}

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
    title_a: input.acquired.A.listing.title,
    title_b: input.acquired.B.listing.title,
    review_themes: reviewThemes([input.acquired.A.listing, input.acquired.B.listing]),
    analysis: analysisText(input.prior),
  }),
  offline: avatarsOffline,
};
