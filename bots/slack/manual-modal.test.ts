import { describe, expect, test } from 'vitest';
import { parseManualSubmission } from './manual-modal.ts';

const meta = JSON.stringify({ runId: 'r1', channelId: 'C1', asins: { A: 'B0799CK52K', B: 'B07GTFSCHB' } });
const values = (over: Record<string, unknown> = {}) => ({
  side: { value: { selected_option: { value: 'B' } } },
  title: { value: { value: '  Vitamin E Oil  ' } },
  bullets: { value: { value: 'one\n\n two \n' } },
  description: { value: { value: null } },
  images: { value: { value: 'https://m.media-amazon.com/images/I/a.jpg\nhttps://m.media-amazon.com/images/I/b.jpg' } },
  ...over,
});

describe('manual fallback modal submission', () => {
  test('becomes a listing for the chosen side, keeping its ASIN', () => {
    const r = parseManualSubmission(values(), meta);
    expect(r).toEqual({
      ok: true,
      side: 'B',
      meta: { runId: 'r1', channelId: 'C1', asins: { A: 'B0799CK52K', B: 'B07GTFSCHB' } },
      listing: { asin: 'B07GTFSCHB', title: 'Vitamin E Oil', bullets: ['one', 'two'], description: '', images: ['https://m.media-amazon.com/images/I/a.jpg', 'https://m.media-amazon.com/images/I/b.jpg'] },
    });
  });

  test('missing title, no images, a non-URL, and expired metadata are field errors', () => {
    expect(parseManualSubmission(values({ title: { value: { value: ' ' } } }), meta)).toEqual({ ok: false, errors: { title: 'A title is needed.' } });
    expect(parseManualSubmission(values({ images: { value: { value: '' } } }), meta)).toMatchObject({ ok: false, errors: { images: expect.stringMatching(/At least one/) } });
    expect(parseManualSubmission(values({ images: { value: { value: 'javascript:alert(1)' } } }), meta)).toMatchObject({ ok: false, errors: { images: expect.stringMatching(/Not an image URL/) } });
    expect(parseManualSubmission(values(), 'not json')).toMatchObject({ ok: false, errors: { title: expect.stringMatching(/expired/) } });
  });
});
