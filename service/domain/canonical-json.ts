/**
 * Canonical JSON: object keys sorted recursively (by UTF-16 code units), no whitespace, numbers
 * and strings as JSON.stringify writes them, array order kept. Properties whose value is
 * `undefined` are left out (as JSON.stringify does). For the JSON values the domain produces
 * this equals RFC 8785 (JCS), so the same value always gives the same text and the same hash.
 *
 * Invariant: only plain JSON data. Non-finite numbers, functions, symbols and bigints have no
 * canonical form and throw a TypeError rather than being silently changed.
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${String(value)} is not a JSON number`);
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) {
        return `[${value.map((v: unknown) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
      }
      const entries = Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
    }
    case 'undefined':
    case 'function':
    case 'symbol':
    case 'bigint':
      break;
  }
  throw new TypeError(`canonicalJson: a ${typeof value} is not JSON`);
}
