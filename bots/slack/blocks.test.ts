import { describe, expect, test } from 'vitest';
import { clampBlocks, context, esc, section, sectionsOf, truncate, LIMITS, button, actions } from './blocks.ts';

describe('Block Kit helpers', () => {
  test('truncate cuts on code points and marks the cut', () => {
    expect(truncate('abc', 3)).toBe('abc');
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('😀😀😀', 2)).toBe('😀…');
  });

  test('esc neutralises Slack control sequences', () => {
    expect(esc('<!here> & <@U1|x>')).toBe('&lt;!here&gt; &amp; &lt;@U1|x&gt;');
  });

  test('section and button texts are cut to their limits', () => {
    const s = section('x'.repeat(5000));
    expect(s.type === 'section' && s.text!.text.length).toBe(LIMITS.sectionText);
    expect(button('y'.repeat(100), 'a', 'v').text.text.length).toBe(LIMITS.buttonText);
    expect(actions('b', [])).toBeUndefined();
  });

  test('sectionsOf packs lines into sections of at most 3000 characters', () => {
    const out = sectionsOf(Array.from({ length: 40 }, () => 'z'.repeat(290)));
    expect(out.length).toBe(4);
    for (const b of out) expect(b.type === 'section' && b.text!.text.length <= LIMITS.sectionText).toBe(true);
  });

  test('clampBlocks keeps at most 50 blocks, the buttons last, with a note on what was left out', () => {
    const many = Array.from({ length: 80 }, (_, i) => section(`s${i}`));
    const buttons = actions('run', [button('Re-run', 'x', 'v')])!;
    const out = clampBlocks([...many, buttons], 'More in status.');
    expect(out).toHaveLength(LIMITS.blocks);
    expect(out.at(-1)).toBe(buttons);
    expect(out.at(-2)).toEqual(context('More in status.'));
    expect(clampBlocks([section('a'), undefined], 'n')).toHaveLength(1);
  });
});
