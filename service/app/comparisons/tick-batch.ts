/**
 * Lookups asked in the same turn of the event loop, answered by one query: the two presentation
 * orders of a stage, stages 1–3 started together, a listing's images measured at once each ask
 * for one key, and one `where key in (…)` serves them all. The batch is sent on `setImmediate`,
 * after every lookup started synchronously in this turn has joined it.
 */
export function tickBatcher<V>(load: (keys: string[]) => Promise<ReadonlyMap<string, V>>): (key: string) => Promise<V | undefined> {
  let batch: { keys: Set<string>; result: Promise<ReadonlyMap<string, V>> } | undefined;
  return (key) => {
    if (!batch) {
      const keys = new Set<string>();
      const result = new Promise<ReadonlyMap<string, V>>((resolve, reject) => {
        setImmediate(() => {
          batch = undefined;
          load([...keys]).then(resolve, reject);
        });
      });
      batch = { keys, result };
    }
    batch.keys.add(key);
    return batch.result.then((found) => found.get(key));
  };
}

/** One batcher per database handle (a test's pipeline and the service each have their own). */
export function perHandle<H extends object, V>(make: (handle: H) => (key: string) => Promise<V | undefined>): (handle: H) => (key: string) => Promise<V | undefined> {
  const made = new WeakMap<H, (key: string) => Promise<V | undefined>>();
  return (handle) => {
    let b = made.get(handle);
    if (!b) made.set(handle, (b = make(handle)));
    return b;
  };
}
