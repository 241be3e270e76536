import { vi } from 'vitest';

/**
 * The RequestInit of every global `fetch` made while `use` runs (the requests still go out). An SDK
 * takes the global fetch when it is constructed: make its client inside `use`.
 */
export async function fetchInitsDuring(use: () => Promise<unknown>): Promise<RequestInit[]> {
  const inits: RequestInit[] = [];
  const real = globalThis.fetch;
  const spy = vi.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
    inits.push(init ?? {});
    return real(input, init);
  });
  try {
    await use();
  } finally {
    spy.mockRestore();
  }
  return inits;
}
