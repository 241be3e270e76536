import { claimEvidence, findClaims, type SeenEvidence } from '../domain/claims.ts';
import type { AmazonDraft, Claim, EbayDraft, EtsyDraft, Marketplace, Problem, ShopifyDraft } from '../domain/draft-outputs.ts';
import { charCount, utf8Bytes, type MarketplaceRules } from '../domain/marketplace-rules.ts';
import type { Finding } from '../providers/rules/findings.ts';
import { checkBullets, checkDescription } from '../providers/rules/copy-rules.ts';
import type { RuleSet } from '../providers/rules/rule-sets.ts';
import { checkTitle } from '../providers/rules/title-rules.ts';
import { words } from '../providers/rules/text-utils.ts';
import { toEvidence } from './offline.ts';
import { andList, fillInName, hasPlaceholder, placeholdersIn, withArticle } from './draft-placeholders.ts';

/**
 * One validator per marketplace: a draft against that marketplace's rules (marketplace-rules.ts;
 * Amazon's through the rules engine's own title, bullet and description checks). Every problem
 * says what is wrong with the numbers, what to do, and what it costs the draft's score.
 *
 * `error`: the marketplace's rules are broken, the draft claims what the photos do not show, or it
 * still holds a [placeholder] the seller has to fill in (a "[Brand]" is not a brand: the draft is
 * not valid, whatever else it gets right). `warning`: within the rules, but weaker than it could be.
 */

export interface CheckContext {
  readonly rules: MarketplaceRules;
  /** The Amazon rule set in force (for the rules engine's checks). */
  readonly amazon: RuleSet;
  /** What the product shows: a claim is verified only against this. */
  readonly seen: SeenEvidence;
}

export interface CheckResult {
  readonly problems: Problem[];
  readonly claims: Claim[];
}

export const PENALTY = { error: 20, warning: 5, placeholder: 8, claim: 25 } as const;

const sentenceCase = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function problem(severity: Problem['severity'], field: string, code: string, message: string, fix: string, penalty: number = PENALTY[severity]): Problem {
  return { severity, field, code, message: message.slice(0, 400), fix: fix.slice(0, 300), penalty };
}

/** Placeholders and claims, for any text field of any marketplace. */
function textChecks(field: string, text: string, seen: SeenEvidence, out: CheckResult): void {
  const holes = placeholdersIn(text);
  if (holes.length) {
    const names = andList([...new Set(holes.map(fillInName))].map(withArticle));
    out.problems.push(problem('error', field, 'placeholder', `${sentenceCase(field)} is not finished: fill in ${names} (it still reads ${holes.join(', ')})`,
      `Fill in ${names} (${field})`, PENALTY.placeholder));
  }
  for (const c of findClaims(text)) {
    if (out.claims.some((x) => x.term === c.term && x.field === field)) continue;
    const evidence = claimEvidence(c.term, seen);
    out.claims.push({ term: c.term, field, verified: evidence !== null, evidence });
    if (evidence === null) {
      out.problems.push(problem('error', field, 'unverified_claim',
        `${sentenceCase(field)} claims "${c.term}", which the photos do not show (a ${c.kind} claim)`,
        `Remove "${c.term}" from the ${field}, or add a photo that shows it (the mark or certificate on the product)`, PENALTY.claim));
    }
  }
}

function limit(out: CheckResult, field: string, text: string, max: number, marketplace: string): void {
  const n = charCount(text);
  if (n > max) out.problems.push(problem('error', field, 'too_long', `${sentenceCase(field)} is ${n} characters; ${marketplace} allows ${max}`, `Shorten the ${field} to ${max} characters or fewer`));
}

function required(out: CheckResult, field: string, text: string): boolean {
  if (text.trim() !== '') return true;
  out.problems.push(problem('error', field, 'missing', `${sentenceCase(field)} is empty`, `Write the ${field}`));
  return false;
}

// The rules engine's findings that break Amazon's rules (the rest are advice).
const AMAZON_ERRORS = new Set(['title.too_long', 'title.banned_chars', 'title.promo_words', 'title.repeated_words', 'bullets.missing', 'description.missing', 'description.too_long']);

function fromFindings(out: CheckResult, field: string, findings: readonly Finding[], skip: ReadonlySet<string> = new Set()): void {
  for (const f of findings) {
    if (f.severity === 'info' || skip.has(f.id)) continue;
    const severity = AMAZON_ERRORS.has(f.id) ? 'error' : 'warning';
    out.problems.push(problem(severity, field, f.id.replace('.', '_'), f.message, toEvidence(f).fix ?? `Fix the ${field}: ${f.message}`));
  }
}

export function checkAmazon(d: AmazonDraft, ctx: CheckContext): CheckResult {
  const out: CheckResult = { problems: [], claims: [] };
  const r = ctx.rules.amazon;
  if (required(out, 'title', d.title)) fromFindings(out, 'title', checkTitle(d.title, ctx.amazon));
  textChecks('title', d.title, ctx.seen, out);
  d.bullets.forEach((b, i) => textChecks(`bullet ${i + 1}`, b, ctx.seen, out));
  if (d.bullets.length !== r.bulletsRecommended) {
    out.problems.push(problem('error', 'bullets', 'bullet_count', `${d.bullets.length} bullet points; Amazon shows ${r.bulletsRecommended}`, `Write exactly ${r.bulletsRecommended} bullet points`));
  }
  // A bullet still holding a [placeholder] is short by design: the placeholder is the problem.
  const unfilled = d.bullets.some(hasPlaceholder);
  fromFindings(out, 'bullets', checkBullets(d.bullets, ctx.amazon), new Set(unfilled ? ['bullets.too_short'] : []));
  fromFindings(out, 'description', checkDescription(d.description, ctx.amazon));
  textChecks('description', d.description, ctx.seen, out);
  const bytes = utf8Bytes(d.searchTerms);
  if (bytes > r.searchTermsMaxBytes) {
    out.problems.push(problem('error', 'search terms', 'too_long', `Search terms are ${bytes} bytes; Amazon indexes under ${r.searchTermsMaxBytes + 1}`, `Cut the search terms below ${r.searchTermsMaxBytes + 1} bytes (drop words already in the title)`));
  } else if (bytes === 0) {
    out.problems.push(problem('warning', 'search terms', 'missing', 'No backend search terms', 'Add search terms: synonyms and uses shoppers type that the title does not already say'));
  }
  const inTitle = new Set(words(d.title.toLowerCase()).filter((w) => w.length > 2));
  const repeated = [...new Set(words(d.searchTerms.toLowerCase()).filter((w) => inTitle.has(w)))];
  if (repeated.length) {
    out.problems.push(problem('warning', 'search terms', 'repeats_title', `Search terms repeat title words: ${repeated.slice(0, 6).join(', ')}`, 'Drop title words from the search terms: they are indexed already'));
  }
  textChecks('search terms', d.searchTerms, ctx.seen, out);
  return out;
}

export function checkEbay(d: EbayDraft, ctx: CheckContext): CheckResult {
  const out: CheckResult = { problems: [], claims: [] };
  const r = ctx.rules.ebay;
  if (required(out, 'title', d.title)) limit(out, 'title', d.title, r.titleMax, 'eBay');
  textChecks('title', d.title, ctx.seen, out);
  if (d.itemSpecifics.length === 0) out.problems.push(problem('error', 'item specifics', 'missing', 'No item specifics', 'Add item specifics: at least Brand and Type'));
  if (d.itemSpecifics.length > r.specificsMax) out.problems.push(problem('error', 'item specifics', 'too_many', `${d.itemSpecifics.length} item specifics; eBay takes ${r.specificsMax}`, `Keep the ${r.specificsMax} most useful item specifics`));
  const names = new Set<string>();
  for (const s of d.itemSpecifics) {
    const key = s.name.trim().toLowerCase();
    if (names.has(key)) out.problems.push(problem('error', 'item specifics', 'duplicate', `Item specific "${s.name}" appears twice`, `Give "${s.name}" one value`));
    names.add(key);
    limit(out, `item specific "${s.name.slice(0, 20)}" name`, s.name, r.specificNameMax, 'eBay');
    limit(out, `item specific "${s.name.slice(0, 20)}"`, s.value, r.specificValueMax, 'eBay');
    textChecks(`item specific "${s.name.slice(0, 20)}"`, s.value, ctx.seen, out);
  }
  if (!d.condition) out.problems.push(problem('warning', 'condition', 'missing', 'No condition: eBay asks for one when you list, and photos alone cannot settle it', 'Set the condition (New, Used, …) when you list'));
  if (required(out, 'description', d.description)) textChecks('description', d.description, ctx.seen, out);
  return out;
}

export function checkEtsy(d: EtsyDraft, ctx: CheckContext): CheckResult {
  const out: CheckResult = { problems: [], claims: [] };
  const r = ctx.rules.etsy;
  if (required(out, 'title', d.title)) limit(out, 'title', d.title, r.titleMax, 'Etsy');
  textChecks('title', d.title, ctx.seen, out);
  if (d.tags.length > r.tagsMax) out.problems.push(problem('error', 'tags', 'too_many', `${d.tags.length} tags; Etsy takes ${r.tagsMax}`, `Keep the ${r.tagsMax} best tags`));
  else if (d.tags.length < r.tagsMax) {
    const missing = r.tagsMax - d.tags.length;
    out.problems.push(problem('warning', 'tags', 'unused_tags', `${d.tags.length} of ${r.tagsMax} tags used`, `Add ${missing} more tag${missing === 1 ? '' : 's'}: Etsy search matches on every one`, Math.min(15, 1 + missing)));
  }
  const seen = new Set<string>();
  for (const t of d.tags) {
    if (seen.has(t.toLowerCase())) out.problems.push(problem('error', 'tags', 'duplicate', `Tag "${t}" appears twice`, `Replace the second "${t}" with another search phrase`));
    seen.add(t.toLowerCase());
    if (charCount(t) > r.tagMaxChars) out.problems.push(problem('error', 'tags', 'tag_too_long', `Tag "${t}" is ${charCount(t)} characters; Etsy allows ${r.tagMaxChars}`, `Shorten "${t}" to ${r.tagMaxChars} characters`));
    if (!r.tagPattern.test(t)) out.problems.push(problem('error', 'tags', 'tag_characters', `Tag "${t}" has characters Etsy does not allow in tags`, 'Use only letters, numbers, spaces and - \' ™ © ® in tags'));
    textChecks('tags', t, ctx.seen, out);
  }
  if (d.materials.length > r.materialsMax) out.problems.push(problem('error', 'materials', 'too_many', `${d.materials.length} materials; Etsy takes ${r.materialsMax}`, `Keep ${r.materialsMax} materials`));
  if (d.materials.length === 0) out.problems.push(problem('warning', 'materials', 'missing', 'No materials', 'Add what the item is made of (Etsy shows it and searches it)'));
  for (const m of d.materials) {
    limit(out, 'materials', m, r.materialMaxChars, 'Etsy');
    textChecks('materials', m, ctx.seen, out);
  }
  if (required(out, 'description', d.description)) textChecks('description', d.description, ctx.seen, out);
  return out;
}

export function checkShopify(d: ShopifyDraft, ctx: CheckContext): CheckResult {
  const out: CheckResult = { problems: [], claims: [] };
  const r = ctx.rules.shopify;
  if (required(out, 'title', d.title)) limit(out, 'title', d.title, r.titleMax, 'Shopify');
  textChecks('title', d.title, ctx.seen, out);
  if (required(out, 'description', d.description)) textChecks('description', d.description, ctx.seen, out);
  const seo = charCount(d.seoTitle);
  if (seo === 0) out.problems.push(problem('warning', 'SEO title', 'missing', 'No SEO title: search engines get the product title', `Write an SEO title of up to ${r.seoTitleTarget} characters`));
  else if (seo > r.seoTitleMax) limit(out, 'SEO title', d.seoTitle, r.seoTitleMax, 'Shopify');
  else if (seo > r.seoTitleTarget) out.problems.push(problem('warning', 'SEO title', 'over_target', `SEO title is ${seo} characters; search results show about ${r.seoTitleTarget}`, `Shorten the SEO title to about ${r.seoTitleTarget} characters`));
  textChecks('SEO title', d.seoTitle, ctx.seen, out);
  const meta = charCount(d.metaDescription);
  if (meta === 0) out.problems.push(problem('warning', 'meta description', 'missing', 'No meta description', `Write a meta description of about ${r.metaDescriptionTarget} characters`));
  else if (meta > r.metaDescriptionMax) limit(out, 'meta description', d.metaDescription, r.metaDescriptionMax, 'Shopify');
  else if (meta > r.metaDescriptionTarget + 5) out.problems.push(problem('warning', 'meta description', 'over_target', `Meta description is ${meta} characters; search results show about ${r.metaDescriptionTarget}`, `Shorten the meta description to about ${r.metaDescriptionTarget} characters`));
  textChecks('meta description', d.metaDescription, ctx.seen, out);
  return out;
}

export const VALIDATORS = { amazon: checkAmazon, ebay: checkEbay, etsy: checkEtsy, shopify: checkShopify } as const satisfies Record<Marketplace, unknown>;
