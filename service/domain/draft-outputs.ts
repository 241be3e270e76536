import { z } from 'zod';

/**
 * The validated outputs of a draft run's stages (photos → listing drafts, PRODUCT.md "Photos →
 * listing drafts"). Like the comparison's stage outputs, nothing is stored or shown before it
 * passed its schema here, whoever produced it (a model or the offline rules engine).
 *
 *   draft_acquire  photos stored and measured: the main-image pick and what to reshoot
 *   draft_analyze  attributes, each with a confidence and what it rests on
 *   draft_write    one text draft per marketplace
 *   draft_score    each draft checked against its marketplace's rules, scored, with what would raise it
 *
 * Nullable rather than optional fields: strict structured-output modes require every property.
 */

export const MARKETPLACES = ['amazon', 'ebay', 'etsy', 'shopify'] as const;
export type Marketplace = (typeof MARKETPLACES)[number];

export const MARKETPLACE_NAMES: Readonly<Record<Marketplace, string>> = { amazon: 'Amazon', ebay: 'eBay', etsy: 'Etsy', shopify: 'Shopify' };

const Share = z.number().min(0).max(1);

// ── draft_acquire ───────────────────────────────────────────────────────────────────────────

export const BackgroundKind = z.enum(['white', 'off_white', 'plain', 'busy']);
export type BackgroundKind = z.infer<typeof BackgroundKind>;

export const ColourSchema = z.object({ hex: z.string().regex(/^#[0-9a-f]{6}$/), share: Share, name: z.string().min(1).max(40) });
export type Colour = z.infer<typeof ColourSchema>;

export const PhotoSchema = z.object({
  index: z.number().int().min(0),
  name: z.string().min(1).max(200),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  background: BackgroundKind,
  /** Share of the border at ≥ 250 on every channel, and close to its own median colour. */
  whiteNear: Share,
  uniformity: Share,
  /** How far the product reaches along its longest axis; null when not measurable (a busy scene). */
  fill: Share.nullable(),
  legibility: Share,
  /** Colours of the product itself (background pixels left out), largest first. */
  colours: z.array(ColourSchema).max(5),
  /** Words OCR is confident of, most prominent first. */
  text: z.array(z.object({ text: z.string().min(1).max(80), confidence: z.number().min(0).max(100), height: z.number().min(0) })).max(60),
  /** 0–10: how well the photo would work as a marketplace main image (background, fill, size, legibility). */
  suitability: z.number().min(0).max(10),
});
export type Photo = z.infer<typeof PhotoSchema>;

export const FeedbackIssue = z.enum(['background', 'fill', 'resolution', 'legibility', 'unusable']);
export const PhotoFeedbackSchema = z.object({
  photo: z.number().int().min(0),
  name: z.string().max(200),
  issue: FeedbackIssue,
  severity: z.enum(['info', 'minor', 'major', 'critical']),
  /** What was measured, with the numbers. */
  message: z.string().min(1).max(400),
  /** What to reshoot or change; null for a good outcome. */
  fix: z.string().max(300).nullable(),
});
export type PhotoFeedback = z.infer<typeof PhotoFeedbackSchema>;

export const DraftPhotosSchema = z.object({
  /** The Amazon image rule set the photos were judged by. */
  ruleSet: z.string(),
  photos: z.array(PhotoSchema).min(1).max(8),
  refused: z.array(z.object({ index: z.number().int().min(0), name: z.string().max(200), reason: z.string().max(200) })).max(8),
  main: z.object({ index: z.number().int().min(0), name: z.string().max(200), reasons: z.array(z.string().max(400)).min(1).max(8) }),
  feedback: z.array(PhotoFeedbackSchema).max(60),
});
export type DraftPhotos = z.infer<typeof DraftPhotosSchema>;

// ── draft_analyze ───────────────────────────────────────────────────────────────────────────

export const AttributeSchema = z.object({
  /** null: not visible in the photos (never guessed). */
  value: z.string().min(1).max(120).nullable(),
  confidence: Share,
  /** What the value rests on: the photo and what is seen or measured there. */
  evidence: z.string().max(300),
});
export type Attribute = z.infer<typeof AttributeSchema>;

export const ATTRIBUTE_NAMES = ['productType', 'brand', 'material', 'colour', 'size', 'condition'] as const;
export type AttributeName = (typeof ATTRIBUTE_NAMES)[number];

export const DraftAttributesSchema = z.object({
  productType: AttributeSchema,
  brand: AttributeSchema,
  material: AttributeSchema,
  colour: AttributeSchema,
  size: AttributeSchema,
  condition: AttributeSchema,
  features: z.array(z.object({ value: z.string().min(1).max(120), confidence: Share, evidence: z.string().max(300) })).max(12),
  /** Text printed on the product or its packaging, as read. */
  printedText: z.array(z.string().min(1).max(80)).max(40),
});
export type DraftAttributes = z.infer<typeof DraftAttributesSchema>;

// ── draft_write ─────────────────────────────────────────────────────────────────────────────
// Bounds here are sanity limits on what a model may return; each marketplace's own limits are
// checked by its validator (draft-validate.ts), so a draft over a limit is shown with the problem.

const Text = (max: number) => z.string().max(max);
const Line = (max: number) => z.string().min(1).max(max);

export const AmazonDraftSchema = z.object({ title: Line(400), bullets: z.array(Line(1000)).length(5), description: Text(4000), searchTerms: Text(1000) });
export const EbayDraftSchema = z.object({
  title: Line(200),
  itemSpecifics: z.array(z.object({ name: Line(100), value: Line(200) })).max(60),
  condition: Text(80).nullable(),
  description: Text(6000),
});
export const EtsyDraftSchema = z.object({ title: Line(300), tags: z.array(Line(60)).max(20), materials: z.array(Line(100)).max(20), description: Text(6000) });
export const ShopifyDraftSchema = z.object({ title: Line(300), description: Text(6000), seoTitle: Text(200), metaDescription: Text(600) });

export const DraftTextsSchema = z.object({ amazon: AmazonDraftSchema, ebay: EbayDraftSchema, etsy: EtsyDraftSchema, shopify: ShopifyDraftSchema });
export type DraftTexts = z.infer<typeof DraftTextsSchema>;
export type AmazonDraft = DraftTexts['amazon'];
export type EbayDraft = DraftTexts['ebay'];
export type EtsyDraft = DraftTexts['etsy'];
export type ShopifyDraft = DraftTexts['shopify'];

// ── draft_score ─────────────────────────────────────────────────────────────────────────────

export const ProblemSchema = z.object({
  /** error: the marketplace's rules are broken (the draft is not valid); warning: weaker, still valid. */
  severity: z.enum(['error', 'warning']),
  field: z.string().max(60),
  code: z.string().max(60),
  message: z.string().max(400),
  fix: z.string().max(300),
  /** Points of the 0–100 score this problem costs: fixing it raises the score by as much. */
  penalty: z.number().int().min(0).max(100),
});
export type Problem = z.infer<typeof ProblemSchema>;

export const ClaimSchema = z.object({
  term: z.string().max(60),
  field: z.string().max(60),
  /** Seen on the product (printed text, or a confident visual attribute); unverified claims are errors. */
  verified: z.boolean(),
  evidence: z.string().max(300).nullable(),
});
export type Claim = z.infer<typeof ClaimSchema>;

const scored = <T extends z.ZodType>(fields: T) =>
  z.object({
    fields,
    valid: z.boolean(),
    problems: z.array(ProblemSchema),
    score: z.number().int().min(0).max(100),
    improve: z.array(z.object({ action: z.string().max(300), gain: z.number().int().min(0).max(100) })),
    claims: z.array(ClaimSchema),
    /**
     * What the seller must fill in before the draft can be pasted ("brand", "size/volume"), from
     * the placeholders it still holds; empty when nothing is left. A draft with anything here is
     * never valid. (Defaults to empty for drafts scored before it was recorded.)
     */
    fillIn: z.array(z.string().max(80)).max(30).default([]),
  });

export const DraftScoredSchema = z.object({
  /** The marketplace rule table version (and Amazon's rule set) the drafts were checked against. */
  ruleSet: z.string(),
  drafts: z.object({ amazon: scored(AmazonDraftSchema), ebay: scored(EbayDraftSchema), etsy: scored(EtsyDraftSchema), shopify: scored(ShopifyDraftSchema) }),
});
export type DraftScored = z.infer<typeof DraftScoredSchema>;
export type ScoredDraft<M extends Marketplace = Marketplace> = DraftScored['drafts'][M];
