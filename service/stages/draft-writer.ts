import { baseColour } from '../domain/colour-names.ts';
import type { DraftAttributes, DraftTexts } from '../domain/draft-outputs.ts';
import { charCount, utf8Bytes, type MarketplaceRules } from '../domain/marketplace-rules.ts';

/**
 * Stage draft_write offline: one draft per marketplace built only from what was observed —
 * attributes the rules engine was reasonably sure of (printed words, measured colours, a printed
 * size) — never from guesses. What only a model (or the seller) can say is left as an explicit
 * [placeholder], which the validators report as a warning to fill in: the draft is within each
 * marketplace's rules, honest about what is missing, and claims nothing the photos do not show.
 */

/** Attributes at least this sure are written into the copy; the rest are left to the seller. */
export const USE_MIN_CONFIDENCE = 0.5;

export interface Facts {
  readonly brand: string | null;
  readonly type: string | null;
  readonly colour: string | null;
  readonly size: string | null;
  readonly material: string | null;
  readonly condition: string | null;
  readonly features: readonly string[];
  readonly printed: readonly string[];
}

export function factsOf(a: DraftAttributes): Facts {
  const use = (x: { value: string | null; confidence: number }) => (x.value && x.confidence >= USE_MIN_CONFIDENCE ? x.value : null);
  return {
    brand: use(a.brand),
    type: use(a.productType),
    colour: use(a.colour),
    size: use(a.size),
    material: use(a.material),
    condition: use(a.condition),
    features: a.features.filter((f) => f.confidence >= USE_MIN_CONFIDENCE).map((f) => f.value),
    printed: a.printedText,
  };
}

const titleCase = (s: string) => s.replace(/(^|[\s-])(\p{Ll})/gu, (_m, sep: string, c: string) => sep + c.toUpperCase());
const sentence = (s: string) => (s ? s.charAt(0).toUpperCase() + s.slice(1) : s);

/** Joins parts and cuts at a word boundary to `max` characters. */
export function fit(parts: readonly (string | null | undefined)[], max: number, sep = ' '): string {
  let out = '';
  for (const part of parts) {
    if (!part) continue;
    const next = out ? `${out}${sep}${part}` : part;
    if (charCount(next) > max) break;
    out = next;
  }
  return out;
}

function clipWords(text: string, max: number): string {
  if (charCount(text) <= max) return text;
  const cut = Array.from(text).slice(0, max).join('');
  const space = cut.lastIndexOf(' ');
  return (space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.–-]+$/, '');
}

const name = (f: Facts) => `${f.brand ?? '[Brand]'} ${f.type ? titleCase(f.type) : '[Product type]'}`;
const printedQuote = (f: Facts) => (f.printed.length ? `“${f.printed.slice(0, 8).join(' ')}”` : null);

function description(f: Facts): string {
  const lines = [
    `${name(f)}${f.colour ? ` in ${f.colour}` : ''}${f.size ? `, ${f.size}` : ''}.`,
    printedQuote(f) ? `The packaging reads ${printedQuote(f)}.` : null,
    f.material ? `Made of ${f.material}.` : null,
    f.features.length ? `${sentence(f.features.slice(0, 4).join('; '))}.` : null,
    f.condition ? `Condition: ${f.condition}.` : null,
    '[Describe what it is, who it is for and how it is used.]',
  ];
  return lines.filter(Boolean).join(' ');
}

function amazonBullets(f: Facts): string[] {
  const observed = [
    f.colour ? `Colour: ${sentence(f.colour)}, as shown in the photos.` : null,
    f.size ? `Size: ${f.size}, as printed on the packaging.` : null,
    f.material ? `Material: ${sentence(f.material)}.` : null,
    printedQuote(f) ? `Printed on the product: ${printedQuote(f)}.` : null,
    ...f.features.slice(0, 2).map((x) => `${sentence(x)}.`),
  ].filter((b): b is string => b !== null);
  const prompts = [
    'Key benefit: [what the product does for the buyer, and the detail that proves it].',
    'Use: [how, where and by whom it is used].',
    f.size ? null : 'Size: [size, volume or dimensions].',
    f.material ? null : 'Material: [what it is made of].',
    "What's included: [the contents of the package].",
    'Care: [care, storage or safety instructions].',
  ].filter((b): b is string => b !== null);
  return [...observed, ...prompts].slice(0, 5);
}

/** Words a shopper might type that the title does not already hold, under the byte limit. */
function searchTerms(f: Facts, title: string, maxBytes: number): string {
  const inTitle = new Set(title.toLowerCase().split(/[^\p{L}\p{N}]+/u));
  const words = [...(f.colour ? [baseColour(f.colour)] : []), ...f.printed, ...f.features, ...(f.material ? [f.material] : [])]
    .flatMap((x) => x.toLowerCase().split(/[^\p{L}\p{N}]+/u))
    .filter((x) => x.length > 2 && !inTitle.has(x));
  let out = '';
  for (const word of new Set(words)) {
    const next = out ? `${out} ${word}` : word;
    if (utf8Bytes(next) > maxBytes) break;
    out = next;
  }
  return out;
}

function etsyTags(f: Facts, pattern: RegExp, max: number, maxChars: number): string[] {
  const candidates = [
    f.type, f.brand, f.colour, f.colour ? baseColour(f.colour) : null, f.colour && f.type ? `${f.colour} ${f.type}` : null,
    f.material, f.size, ...f.features, ...f.printed.map((p) => p.toLowerCase()),
  ];
  const out: string[] = [];
  for (const c of candidates) {
    const tag = c?.toLowerCase().trim();
    if (!tag || charCount(tag) > maxChars || !pattern.test(tag) || out.includes(tag)) continue;
    out.push(tag);
    if (out.length === max) break;
  }
  return out;
}

export function writeOffline(a: DraftAttributes, rules: MarketplaceRules): DraftTexts {
  const f = factsOf(a);
  const colour = f.colour ? titleCase(f.colour) : null;
  const desc = description(f);
  const amazonTitle = fit([name(f), [f.size, colour].filter(Boolean).join(', ') || null], rules.amazon.titleMax, ', ');
  const specifics = [
    { name: 'Brand', value: f.brand ?? '[Brand]' },
    { name: 'Type', value: f.type ? titleCase(f.type) : '[Product type]' },
    ...(colour ? [{ name: 'Colour', value: colour }] : []),
    ...(f.size ? [{ name: 'Size', value: f.size }] : []),
    ...(f.material ? [{ name: 'Material', value: titleCase(f.material) }] : []),
  ];
  const shopifyTitle = fit([name(f), colour ? `– ${colour}` : null, f.size ? `– ${f.size}` : null], rules.shopify.seoTitleTarget);
  return {
    amazon: { title: amazonTitle, bullets: amazonBullets(f), description: clipWords(desc, rules.amazon.descriptionMaxChars), searchTerms: searchTerms(f, amazonTitle, rules.amazon.searchTermsMaxBytes) },
    ebay: { title: fit([name(f), colour, f.size], rules.ebay.titleMax), itemSpecifics: specifics, condition: f.condition, description: desc },
    etsy: {
      title: fit([name(f), colour, f.size, ...f.printed.slice(0, 4).map((p) => titleCase(p.toLowerCase()))], rules.etsy.titleMax, ', '),
      tags: etsyTags(f, rules.etsy.tagPattern, rules.etsy.tagsMax, rules.etsy.tagMaxChars),
      materials: f.material ? [clipWords(f.material, rules.etsy.materialMaxChars)] : [],
      description: desc,
    },
    shopify: {
      title: fit([name(f), colour ? `– ${colour}` : null, f.size ? `– ${f.size}` : null], rules.shopify.titleMax),
      description: desc,
      seoTitle: shopifyTitle,
      metaDescription: clipWords(desc, rules.shopify.metaDescriptionTarget),
    },
  };
}
