import type { Effort } from '../../domain/stage-outputs.ts';
import type { Measured } from './findings.ts';
import { pct } from './findings.ts';

/**
 * What a seller does about a finding, in plain words with its numbers: the action, the stage
 * dimension it lowers, the value now and the value to reach (with units, from the finding's
 * `measured`), the kind of effort, and whether it breaks an Amazon rule that can get the listing
 * suppressed. Ids are bare (no side): "main.fill_low".
 */
export interface FixDetail {
  readonly fix: string;
  /** 1 low – 3 high: how much fixing it would move the result. */
  readonly impact: 1 | 2 | 3;
  /** 1 hard – 3 easy. */
  readonly ease: 1 | 2 | 3;
  readonly dimension: FixDimension;
  readonly effort: Effort;
  readonly compliance: boolean;
  readonly current: string;
  readonly target: string;
}

export type FixDimension =
  | 'compliance' | 'fill' | 'legibility' | 'quality'
  | 'coverage' | 'count' | 'uniqueness'
  | 'title_rules' | 'clarity' | 'review_alignment' | 'bullets';

/** Reads a finding's measurements, with the rule's defaults when one is absent. */
class M {
  private readonly m: Measured;
  constructor(m: Measured) {
    this.m = m;
  }
  num(key: string, fallback: number): number {
    const v = this.m[key];
    return typeof v === 'number' ? v : fallback;
  }
  str(key: string, fallback = ''): string {
    const v = this.m[key];
    return typeof v === 'string' && v !== '' ? v : fallback;
  }
}

type Rule = Omit<FixDetail, 'fix' | 'current' | 'target'> & {
  readonly fix: (m: M) => string;
  readonly current: (m: M) => string;
  readonly target: (m: M) => string;
};

/** "1,600": numbers a person reads. */
const n = (x: number) => Math.round(x).toLocaleString('en-US');
/** "1 image", "3 images". */
const count = (x: number, one: string, many = `${one}s`) => `${n(x)} ${x === 1 ? one : many}`;
/** A comma-separated list of quoted phrases, cut to `max` of them. */
const quoted = (list: string, max = 3) => {
  const items = list.split(', ').filter((x) => x !== '');
  return items.slice(0, max).map((x) => `"${x}"`).join(', ') + (items.length > max ? ', …' : '');
};
/** "2026-07-27" → "27 July 2026". */
const day = (iso: string) => {
  const d = new Date(`${iso}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
};
const size = (m: M) => `${n(m.num('width', 0))} × ${n(m.num('height', 0))} px`;
const PURE_WHITE = 'pure white (RGB 255,255,255)';
const NO_TEXT = 'no text or badges';

const photo = { effort: 'photo-edit', compliance: false } as const;
const shoot = { effort: 'new-shoot', compliance: false } as const;
const copy = { effort: 'text', compliance: false } as const;
const rule = { effort: 'text', compliance: true } as const;

const RULES: Readonly<Record<string, Rule>> = {
  'main.bg_not_white': {
    impact: 3, ease: 2, dimension: 'compliance', effort: 'photo-edit', compliance: true,
    fix: () => 'Cut the product out onto a pure white background (RGB 255,255,255), or reshoot it on white',
    current: (m) => `${pct(m.num('whiteNear', 0))} white border (mean colour ${m.str('meanColour', 'not white')})`,
    target: () => PURE_WHITE,
  },
  'main.bg_off_white': {
    impact: 2, ease: 3, dimension: 'compliance', effort: 'photo-edit', compliance: true,
    fix: () => 'Set the main image background to pure white (RGB 255,255,255), not off-white or grey',
    current: (m) => `${pct(m.num('whitePure', 0))} of the border pure white`,
    target: () => PURE_WHITE,
  },
  'main.promo_badge': {
    impact: 3, ease: 3, dimension: 'compliance', effort: 'photo-edit', compliance: true,
    fix: (m) => `Remove the ${m.str('matched', 'promotional')} badge from the main image: Amazon allows no badges or promotional text on it`,
    current: (m) => `${m.str('matched', 'a promotional badge')} on the image`,
    target: () => NO_TEXT,
  },
  'main.text_present': {
    impact: 2, ease: 3, dimension: 'compliance', effort: 'photo-edit', compliance: true,
    fix: (m) => `Remove the ${n(m.num('words', 0))} words of overlaid text from the main image and move the claims to an infographic`,
    current: (m) => `${count(m.num('words', 0), 'word')} of text on the image`,
    target: () => NO_TEXT,
  },
  'main.fill_low': {
    impact: 3, ease: 3, dimension: 'fill', ...photo,
    fix: (m) => `Crop or reshoot: the product fills ${pct(m.num('fillLongSide', 0))} of the frame, make it at least ${pct(m.num('fillMin', 0.85))}`,
    current: (m) => `${pct(m.num('fillLongSide', 0))} of the frame`,
    target: (m) => `at least ${pct(m.num('fillMin', 0.85))}`,
  },
  'main.thumbnail_weak': {
    impact: 2, ease: 2, dimension: 'legibility', ...photo,
    fix: () => 'Make the product read at thumbnail size: crop tighter and raise its contrast against the background',
    current: (m) => `legibility ${n(100 * m.num('legibility', 0))} of 100 at 160 px`,
    target: (m) => `at least ${n(100 * m.num('legibilityMin', 0.5))} of 100`,
  },
  'main.resolution_no_zoom': {
    impact: 2, ease: 2, dimension: 'quality', ...shoot,
    fix: (m) => `Upload a main image at least ${n(m.num('zoomMinPx', 1000))} px on its long side (${n(m.num('recommendedPx', 1600))} px recommended) so zoom works`,
    current: size,
    target: (m) => `at least ${n(m.num('zoomMinPx', 1000))} px on the long side`,
  },
  'main.resolution_below_recommended': {
    impact: 1, ease: 2, dimension: 'quality', ...photo,
    fix: (m) => `Upload the main image at ${n(m.num('recommendedPx', 1600))} px or more on its long side`,
    current: size,
    target: (m) => `at least ${n(m.num('recommendedPx', 1600))} px on the long side`,
  },
  'main.missing': {
    impact: 3, ease: 2, dimension: 'compliance', effort: 'new-shoot', compliance: true,
    fix: () => 'Add a main image: the product alone on a pure white background, filling 85% of the frame',
    current: () => 'no main image',
    target: () => 'the product alone on pure white, filling 85%',
  },
  'gallery.count_low': {
    impact: 3, ease: 2, dimension: 'count', ...shoot,
    fix: (m) => {
      const missing = Math.max(1, m.num('recommendedMin', 6) - m.num('count', 0));
      return `Add ${count(missing, 'gallery image')} to reach at least ${n(m.num('recommendedMin', 6))}: an infographic, lifestyle use, scale, detail close-ups, what is in the box`;
    },
    current: (m) => count(m.num('count', 0), 'image'),
    target: (m) => `at least ${n(m.num('recommendedMin', 6))}`,
  },
  'gallery.near_duplicates': {
    impact: 2, ease: 2, dimension: 'uniqueness', ...shoot,
    fix: () => 'Replace near-duplicate gallery images with new information (another angle, an infographic, scale)',
    current: (m) => count(m.num('pairs', 1), 'near-duplicate pair'),
    target: () => 'no near-duplicates',
  },
  'gallery.no_infographic': {
    impact: 2, ease: 2, dimension: 'coverage', ...shoot,
    fix: () => 'Add an infographic that states the key benefits and specs in a few words',
    current: () => 'no infographic',
    target: () => 'at least 1 infographic',
  },
  'gallery.no_lifestyle': {
    impact: 2, ease: 1, dimension: 'coverage', ...shoot,
    fix: () => 'Add a lifestyle image showing the product in use',
    current: () => 'no lifestyle image',
    target: () => 'at least 1 lifestyle image',
  },
  'gallery.low_resolution': {
    impact: 1, ease: 2, dimension: 'quality', ...shoot,
    fix: (m) => `Replace ${count(m.num('belowZoom', 1), 'gallery image')} under ${n(m.num('zoomMinPx', 1000))} px with ${m.num('belowZoom', 1) === 1 ? 'one' : 'ones'} at least ${n(m.num('zoomMinPx', 1000))} px on the long side`,
    current: (m) => `${n(m.num('belowZoom', 1))} of ${count(m.num('count', 1), 'image')} under ${n(m.num('zoomMinPx', 1000))} px`,
    target: (m) => `every image at least ${n(m.num('zoomMinPx', 1000))} px on the long side`,
  },
  'title.too_long': {
    impact: 3, ease: 3, dimension: 'title_rules', ...rule,
    fix: (m) => `Shorten the title to at most ${n(m.num('titleMax', 200))} characters, keeping brand, product type and the key attribute first`,
    current: (m) => count(m.num('chars', 0), 'character'),
    target: (m) => `at most ${count(m.num('titleMax', 200), 'character')}`,
  },
  'title.over_upcoming_limit': {
    impact: 1, ease: 3, dimension: 'title_rules', ...copy,
    fix: (m) => `Shorten the title to at most ${n(m.num('upcomingMax', 75))} characters before Amazon's shorter limit starts on ${day(m.str('upcomingFrom', 'the change'))}`,
    current: (m) => count(m.num('chars', 0), 'character'),
    target: (m) => `at most ${count(m.num('upcomingMax', 75), 'character')} from ${day(m.str('upcomingFrom', 'the change'))}`,
  },
  'title.promo_words': {
    impact: 3, ease: 3, dimension: 'title_rules', ...rule,
    fix: (m) => `Remove ${quoted(m.str('phrases', 'best seller'))} from the title: Amazon forbids promotional and subjective words there`,
    current: (m) => `${count(m.num('count', 1), 'promotional phrase')} (${quoted(m.str('phrases'), 2)})`,
    target: () => 'no promotional phrases',
  },
  'title.banned_chars': {
    impact: 3, ease: 3, dimension: 'title_rules', ...rule,
    fix: (m) => `Remove ${m.str('banned', 'the banned characters')} from the title: Amazon bans ${m.str('bannedList', 'these characters')} in titles`,
    current: (m) => `${m.str('banned', 'banned characters')} in the title`,
    target: (m) => `none of ${m.str('bannedList', '! $ ? _ { } ^ ¬ ¦')}`,
  },
  'title.decorative_chars': {
    impact: 1, ease: 3, dimension: 'title_rules', ...copy,
    fix: (m) => `Remove the decorative ${m.str('decorative', 'characters')} from the title`,
    current: (m) => `${m.str('decorative', 'symbols')} used as decoration`,
    target: () => 'only in identifiers or measurements',
  },
  'title.symbols': {
    impact: 1, ease: 3, dimension: 'title_rules', ...copy,
    fix: (m) => `Drop ${m.str('symbols', 'the symbols')} from the title`,
    current: (m) => `${m.str('symbols', 'symbols')} in the title`,
    target: () => 'no ©, ®, ™ or emoji',
  },
  'title.repeated_words': {
    impact: 2, ease: 3, dimension: 'title_rules', ...copy,
    fix: (m) => `Use "${m.str('words', 'a word').split(', ')[0] ?? ''}" at most ${m.num('maxRepeats', 2) === 2 ? 'twice' : `${n(m.num('maxRepeats', 2))} times`} in the title (now ${n(m.num('maxCount', 3))} times): Amazon allows no word more often`,
    current: (m) => `"${m.str('words', 'a word').split(', ')[0] ?? ''}" ${n(m.num('maxCount', 3))} times`,
    target: (m) => `each word at most ${n(m.num('maxRepeats', 2))} times`,
  },
  'title.all_caps': {
    impact: 1, ease: 3, dimension: 'title_rules', ...copy,
    fix: (m) => `Write ${m.str('words', 'the capitalised words')} in title case: Amazon asks for no ALL CAPS words in titles`,
    current: (m) => count(m.num('count', 1), 'ALL CAPS word'),
    target: () => 'title case',
  },
  'bullets.missing': {
    impact: 3, ease: 2, dimension: 'bullets', ...copy,
    fix: (m) => `Write ${n(m.num('recommended', 5))} bullets: benefit first, then the spec that proves it`,
    current: (m) => `0 of ${n(m.num('recommended', 5))} bullets`,
    target: (m) => `${n(m.num('recommended', 5))} bullets`,
  },
  'bullets.count_low': {
    impact: 2, ease: 2, dimension: 'bullets', ...copy,
    fix: (m) => `Add ${count(Math.max(1, m.num('recommended', 5) - m.num('count', 0)), 'bullet')} to use all ${n(m.num('recommended', 5))}: each one a benefit a buyer asked about`,
    current: (m) => `${n(m.num('count', 0))} of ${n(m.num('recommended', 5))} bullets`,
    target: (m) => `${n(m.num('recommended', 5))} bullets`,
  },
  'bullets.too_short': {
    impact: 1, ease: 2, dimension: 'bullets', ...copy,
    fix: (m) => `Expand ${m.num('tooShort', 1) === 1 ? 'the short bullet' : `the ${n(m.num('tooShort', 1))} short bullets`} to a full benefit and proof (${n(m.num('idealMin', 150))}–${n(m.num('idealMax', 250))} characters)`,
    current: (m) => `${count(m.num('tooShort', 1), 'bullet')} under ${n(m.num('minChars', 40))} characters (shortest ${n(m.num('shortest', 0))})`,
    target: (m) => `${n(m.num('idealMin', 150))}–${n(m.num('idealMax', 250))} characters each`,
  },
  'bullets.too_long': {
    impact: 1, ease: 3, dimension: 'bullets', ...copy,
    fix: (m) => `Cut ${m.num('tooLong', 1) === 1 ? 'the bullet' : `the ${n(m.num('tooLong', 1))} bullets`} over ${n(m.num('maxChars', 500))} characters to ${n(m.num('idealMin', 150))}–${n(m.num('idealMax', 250))} characters so they are read`,
    current: (m) => `${count(m.num('tooLong', 1), 'bullet')} over ${n(m.num('maxChars', 500))} characters (longest ${n(m.num('longest', 0))})`,
    target: (m) => `${n(m.num('idealMin', 150))}–${n(m.num('idealMax', 250))} characters each`,
  },
  'bullets.promo_words': {
    impact: 1, ease: 3, dimension: 'bullets', ...copy,
    fix: (m) => `Remove ${quoted(m.str('phrases', 'guaranteed'))} from the bullets: Amazon forbids promotional and guarantee claims there`,
    current: (m) => `${count(m.num('count', 1), 'promotional phrase')} (${quoted(m.str('phrases'), 2)})`,
    target: () => 'no promotional claims',
  },
  'bullets.special_chars': {
    impact: 1, ease: 3, dimension: 'bullets', ...copy,
    fix: (m) => `Remove ${m.str('symbols', 'the special characters and emoji')} from the bullets`,
    current: (m) => `${m.str('symbols', 'special characters')} in the bullets`,
    target: () => 'no special characters or emoji',
  },
  'description.missing': {
    impact: 1, ease: 2, dimension: 'clarity', ...copy,
    fix: () => 'Add a product description that answers the remaining buyer questions',
    current: () => 'no description',
    target: (m) => `at least ${count(m.num('min', 100), 'character')}`,
  },
  'description.short': {
    impact: 1, ease: 2, dimension: 'clarity', ...copy,
    fix: (m) => `Expand the description to at least ${n(m.num('min', 100))} characters with use cases, materials and care`,
    current: (m) => count(m.num('chars', 0), 'character'),
    target: (m) => `at least ${count(m.num('min', 100), 'character')}`,
  },
  'description.too_long': {
    impact: 1, ease: 3, dimension: 'clarity', ...copy,
    fix: (m) => `Trim the description to at most ${n(m.num('max', 2000))} characters: what a buyer needs to decide`,
    current: (m) => count(m.num('chars', 0), 'character'),
    target: (m) => `at most ${count(m.num('max', 2000), 'character')}`,
  },
};

const UNADDRESSED: Rule = {
  impact: 2, ease: 2, dimension: 'review_alignment', ...copy,
  fix: (m) => `Answer "${m.str('aspect', 'this theme')}" in the title or bullets: ${count(m.num('mentions', 1), 'review mentions it', 'reviews mention it')}`,
  current: (m) => `raised in ${count(m.num('mentions', 1), 'review')}, not in the title or bullets`,
  target: () => 'answered in the title or bullets',
};

/** The fix for a bare finding id, or undefined when the finding calls for none. */
export function fixDetail(bareId: string, measured: Measured = {}): FixDetail | undefined {
  const r = RULES[bareId] ?? (bareId.startsWith('reviews.aspect_unaddressed.') ? UNADDRESSED : undefined);
  if (r === undefined) return undefined;
  const m = new M(measured);
  const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);
  return {
    fix: clip(r.fix(m), 300),
    impact: r.impact,
    ease: r.ease,
    dimension: r.dimension,
    effort: r.effort,
    compliance: r.compliance,
    current: clip(r.current(m), 120),
    target: clip(r.target(m), 120),
  };
}
