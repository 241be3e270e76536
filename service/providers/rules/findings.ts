import type { Side } from '../../domain/listing.ts';

/**
 * A finding is one honest measurement of a listing, stated as a sentence with its numbers.
 *
 * Invariants:
 * - `id` is stable across runs and versions for the same check and outcome (e.g.
 *   `main.bg_not_white`), so stage outputs, fixes and golden tests can refer to it. The caller
 *   prefixes the side with `forSide` (`A.main.bg_not_white`).
 * - Every check also emits its positive outcome (severity `info`), so a good listing carries the
 *   evidence of why it is good.
 * - `measured` holds only finite numbers, strings and booleans: it is grounding for model prompts
 *   and is stored as JSON.
 */

export type FindingKind = 'main_image' | 'gallery' | 'title' | 'bullets' | 'description' | 'reviews';

export type Severity = 'info' | 'minor' | 'major' | 'critical';

export type Measured = Readonly<Record<string, number | string | boolean>>;

export interface Finding {
  readonly id: string;
  readonly kind: FindingKind;
  readonly severity: Severity;
  /** Concrete, with the measured numbers, e.g. "Main image border is 12% white …". */
  readonly message: string;
  readonly measured?: Measured;
}

/** Higher is worse; for sorting fixes and picking the worst finding of a kind. */
export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { info: 0, minor: 1, major: 2, critical: 3 };

export function finding(
  id: string,
  kind: FindingKind,
  severity: Severity,
  message: string,
  measured?: Record<string, number | string | boolean>,
): Finding {
  return measured === undefined ? { id, kind, severity, message } : { id, kind, severity, message, measured: finiteOnly(measured) };
}

/** Prefixes ids with the side of the comparison: `main.bg_white` → `A.main.bg_white`. */
export function forSide(side: Side, findings: readonly Finding[]): Finding[] {
  return findings.map((f) => ({ ...f, id: `${side}.${f.id}` }));
}

/** Worst first, then by id, so the order is deterministic. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || a.id.localeCompare(b.id));
}

/** A 0–1 share as a whole percentage for messages ("99%"). */
export function pct(share: number): string {
  return `${Math.round(share * 100)}%`;
}

/** Rounds for `measured` values: enough precision to be useful, short enough for a prompt. */
export function round(value: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Drops non-finite numbers (NaN, ±Infinity) so `measured` is always valid JSON with real numbers. */
function finiteOnly(measured: Record<string, number | string | boolean>): Measured {
  const out: Record<string, number | string | boolean> = {};
  for (const [key, value] of Object.entries(measured)) {
    if (typeof value === 'number' && !Number.isFinite(value)) continue;
    out[key] = value;
  }
  return out;
}
