/** What `run_stages.orders` holds for a pairwise model stage. */
export interface StageOrders {
  /** Both orders answered and agree (the same winner; avatars: the same majority votes). False when one order is missing. */
  readonly consistent: boolean;
  /** The answer to (A, B) as given; null when that order failed. */
  readonly first: unknown;
  /** The answer to (B, A), mapped back to A/B; null when that order failed. */
  readonly second: unknown;
  readonly firstError?: string;
  readonly secondError?: string;
}

/** How a stored `orders` value bears on confidence: asked in both orders and they disagreed, or answered in one order only. */
export function ordersState(orders: unknown): 'consistent' | 'order-sensitive' | 'single-order' | undefined {
  if (typeof orders !== 'object' || orders === null) return undefined;
  const o = orders as Partial<StageOrders>;
  if (o.first == null || o.second == null) return 'single-order';
  return o.consistent === true ? 'consistent' : 'order-sensitive';
}
