import path from 'node:path';
import { runCompare } from './compare.ts';

/**
 * `npm run demo`: a complete comparison with no accounts and no keys — the bundled golden pair
 * (real ABO product photos, CC BY 4.0; listing texts written for the tests) on the embedded
 * database, evaluated by the offline rules engine.
 */
export const DEMO_PAIR = path.resolve(import.meta.dirname, '../../golden_tests/pairs/duffel-compliance');

export function runDemo(): Promise<number> {
  process.stderr.write('ListingLab demo: two bundled duffel-bag listings, embedded database, no keys (offline rules engine).\n\n');
  return runCompare({ a: path.join(DEMO_PAIR, 'A'), b: path.join(DEMO_PAIR, 'B'), fresh: true, json: false });
}
