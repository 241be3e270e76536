import type { z } from 'zod';

/**
 * The port every model provider sits behind. Stages ask for a structured output validated by a
 * zod schema; they never see an SDK.
 *
 * Invariant: a `GenerateResult.output` has passed `request.schema` — unvalidated model output
 * never leaves a provider.
 */

export type ProviderName = 'openai' | 'anthropic' | 'rules';

export interface ModelImage {
  /** SHA-256 (hex) of the original image bytes; identifies the image in caches and logs. */
  readonly sha256: string;
  readonly mediaType: 'image/jpeg' | 'image/png' | 'image/webp';
  /** The derivative to send (already resized for models by acquisition). */
  readonly data: Buffer;
  /** OpenAI's image `detail`: low for thumbnails/CTR-at-a-glance, high where fine print matters. */
  readonly detail: 'low' | 'high' | 'auto';
  /** A short label the prompt refers to, e.g. "A main", "B gallery 3". */
  readonly label: string;
}

export interface GenerateRequest<T> {
  /** Which evaluation this is (stage name); used in logs and cost records. */
  readonly task: string;
  readonly system: string;
  readonly prompt: string;
  readonly images: readonly ModelImage[];
  readonly schema: z.ZodType<T>;
  /** A JSON-schema-safe name for the output (letters, digits, underscores). */
  readonly schemaName: string;
  readonly maxOutputTokens?: number;
  readonly signal?: AbortSignal;
}

export interface Usage {
  readonly inputTokens: number;
  readonly outputTokens: number;
}

export interface GenerateResult<T> {
  readonly output: T;
  readonly provider: ProviderName;
  readonly model: string;
  readonly usage: Usage;
  readonly costUsd: number;
  readonly latencyMs: number;
  /** Model calls made for this result, repairs and fallbacks included. */
  readonly calls: number;
}

export interface ModelProvider {
  readonly name: Exclude<ProviderName, 'rules'>;
  readonly model: string;
  generate<T>(request: GenerateRequest<T>): Promise<GenerateResult<T>>;
}

/** Price per million tokens, from configuration. */
export interface TokenPrice {
  readonly inputPerMillion: number;
  readonly outputPerMillion: number;
}

/** What every model provider's factory takes (each adds its own base URL meaning and extras). */
export interface ProviderOptions {
  readonly apiKey: string;
  readonly model: string;
  readonly price: TokenPrice;
  /** Per-request timeout the SDK enforces (ms). */
  readonly timeoutMs: number;
  /** SDK-level retries, clamped to 0..1: the router does the retrying, so they must not multiply. */
  readonly maxRetries: number;
  /** Measures `latencyMs`. Default: the system clock. */
  readonly clock?: Clock;
}

export function costOf(usage: Usage, price: TokenPrice): number {
  return (usage.inputTokens * price.inputPerMillion + usage.outputTokens * price.outputPerMillion) / 1_000_000;
}

/** Time, injectable so timing logic is tested with a fake clock. */
export interface Clock {
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };
