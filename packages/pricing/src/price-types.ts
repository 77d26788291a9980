// What a price and a call's usage are: the types every price source and the catalog share.
import type { MatchRule } from './match-rule.js';

/** What one call (or, with `requests`, several) used, as priced. */
export interface TokenUsage {
  /** Prompt tokens, cached ones (read and written) included (OpenAI's `prompt_tokens`). */
  inputTokens: number;
  /** Completion tokens, reasoning ones included (OpenAI's `completion_tokens`). */
  outputTokens: number;
  /** Prompt tokens served from the provider's cache. */
  cacheReadTokens?: number;
  /** Prompt tokens written to the cache (Anthropic's 5-minute writes, OpenRouter's `cache_write_tokens`). */
  cacheWriteTokens?: number;
  /** Prompt tokens written to the 1-hour cache (Anthropic). */
  cacheWrite1hTokens?: number;
  /** Completion tokens spent on reasoning. */
  reasoningTokens?: number;
  /** Web searches the call ran (priced per search). */
  webSearches?: number;
  /** The service tier that served the call (`priority`, `flex`, …), as the response says. */
  serviceTier?: string;
  /** Calls this usage covers, for the per-request fee. Default 1. */
  requests?: number;
}

/** Token prices, USD per million tokens. */
export interface TokenPrices {
  input: number;
  output: number;
  /** Cached prompt tokens read; defaults to `input`. */
  cacheRead?: number;
  /** Prompt tokens written to the cache (5-minute); defaults to `input`. */
  cacheWrite?: number;
  /** Prompt tokens written to the 1-hour cache; defaults to `cacheWrite`. */
  cacheWrite1h?: number;
  /** Reasoning completion tokens; defaults to `output`. */
  reasoning?: number;
}

/** A long-context tier: prices that apply once a prompt is above `thresholdTokens`. */
export type LongContextTier = Partial<TokenPrices> & { thresholdTokens: number };

/** A service tier's prices over the base, and its own long-context tiers when it has them. */
export type ServiceTierPrices = Partial<TokenPrices> & { longContext?: LongContextTier[] };

/**
 * One price of a model, valid from `effectiveFrom` (ISO date or time, UTC): token prices in USD per million
 * tokens, fees in USD, a long-context tier and service tiers.
 */
export interface ModelPrice extends TokenPrices {
  effectiveFrom: string;
  /** A fixed fee per call, USD. */
  request?: number;
  /** A fee per web search, USD. */
  webSearch?: number;
  /**
   * Long-context tiers: a call whose prompt (`inputTokens`, cached included) is above a tier's `thresholdTokens`,
   * e.g. 200,000, is priced whole at the tier's prices (as Anthropic, Google and OpenRouter's `pricing.overrides`
   * bill). Every tier the prompt is above applies, in order, a later tier's field over an earlier one's; unset
   * fields keep the base price. (A price file may give one tier as an object.)
   */
  longContext?: LongContextTier[];
  /**
   * Prices of the calls a service tier served (`priority`, `flex`); unset fields keep the base price. A tier with
   * long-context tiers of its own uses them in place of the base ones.
   */
  serviceTiers?: Record<string, ServiceTierPrices>;
}

/** A price table: model id → its prices over time, and the names a model answers to beyond its own. */
export interface PriceTable {
  version: string;
  models: Record<string, ModelPrice[]>;
  /** Model id → a match rule (genai-prices' vocabulary) for names its parts do not resolve (model-identity.ts). */
  match?: Record<string, MatchRule>;
}

/** An estimate: exact nano-USD, and the same amount in USD for span attributes. */
export interface CostEstimate {
  nanoUsd: bigint;
  usd: number;
  price: ModelPrice;
}
