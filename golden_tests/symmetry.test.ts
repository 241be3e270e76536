import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import type { RunView } from '../service/app/views/index.ts';
import type { AvatarsOutput, CtrOutput, PdpOutput, TextOutput } from '../service/domain/stage-outputs.ts';
import { mirrorAvatars } from '../service/stages/persona-arbitraries.ts';
import { mirrorStage, mirrorVerdict } from '../service/stages/stage-input-arbitraries.ts';
import { startTestPipeline } from '../test/support/pipeline.ts';

/**
 * Issue 19: the offline engine is exactly symmetric. Every golden pair goes through the real
 * offline pipeline (acquire, the rules engine, stages 1–4, the verdict) in both orders, and
 * comparing B with A is the mirror of comparing A with B: the same stage scores, evidence and
 * summaries with the listings exchanged, the same personas with their letters and votes swapped,
 * and the same verdict with its winner, scores and fixes (per listing, same order, same numbers)
 * swapped — its hash is the hash of that mirror.
 */

const PAIRS = path.resolve(import.meta.dirname, 'pairs');
const pairs = readdirSync(PAIRS).sort();
const pipeline = await startTestPipeline();

const output = <O,>(view: RunView, stage: string) => view.stages.find((s) => s.name === stage)?.output as O;

describe('golden pairs in both orders (offline rules engine)', () => {
  test.each(pairs)('%s: B against A is the mirror of A against B', async (name) => {
    const [A, B] = [path.join(PAIRS, name, 'A'), path.join(PAIRS, name, 'B')];
    const ab = await pipeline.compareFolders(A, B);
    const ba = await pipeline.compareFolders(B, A);
    expect([ab.status, ba.status]).toEqual(['succeeded', 'succeeded']);

    expect(output<CtrOutput>(ba, 'ctr')).toEqual(mirrorStage(output<CtrOutput>(ab, 'ctr')));
    expect(output<PdpOutput>(ba, 'pdp')).toEqual(mirrorStage(output<PdpOutput>(ab, 'pdp')));
    expect(output<TextOutput>(ba, 'text')).toEqual(mirrorStage(output<TextOutput>(ab, 'text')));
    expect(output<AvatarsOutput>(ba, 'avatars')).toEqual(mirrorAvatars(output<AvatarsOutput>(ab, 'avatars')));

    const v = ab.verdict!;
    const w = ba.verdict!;
    expect(w.winner).toBe(v.winner === 'tie' ? 'tie' : v.winner === 'A' ? 'B' : 'A');
    expect(w.score).toEqual({ A: v.score.B, B: v.score.A });
    expect(w.confidence).toBe(v.confidence);
    // Each listing's fixes: the same actions, order, priorities and projected effects.
    for (const [side, other] of [['A', 'B'], ['B', 'A']] as const) {
      const plain = (f: (typeof v.fixes)[number]) => ({ action: f.action, priority: f.priority, effect: f.effect, current: f.current, target: f.target });
      expect(w.fixes.filter((f) => f.listing === side).map(plain)).toEqual(v.fixes.filter((f) => f.listing === other).map(plain));
    }
    expect(w).toEqual(mirrorVerdict(v));
  });
});
