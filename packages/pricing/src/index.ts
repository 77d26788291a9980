// Prices and exact money: the effective-dated price catalog, the bundled table and nano-USD arithmetic.
export {
  PriceCatalog,
  PriceTableError,
  costNanoUsd,
  NANO_PER_USD,
  nanoUsdToUsd,
  tokenPricesFor,
  usdToNanoUsd,
} from './price-catalog.js';
export type {
  ModelPrice,
  LongContextTier,
  PriceTable,
  ServiceTierPrices,
  CostEstimate,
  LookupOptions,
  TokenPrices,
  TokenUsage,
} from './price-catalog.js';
export { BUNDLED_PRICES } from './bundled-prices.js';
export {
  mergePrices,
  PRICE_SOURCES,
  PRICE_SOURCE_URLS,
  pricesFromGenaiPrices,
  pricesFromLiteLLM,
  pricesFromOpenRouter,
  pricesFromSource,
  PriceSourceError,
  samePrice,
  scaleDecimal,
} from './price-sync.js';
export type { CurrentPrice, MergeOptions, PriceSource, SyncResult } from './price-sync.js';
export type { LiteLLMOptions } from './litellm-prices.js';
export { matchesRule, type MatchRule } from './match-rule.js';
export type { GenaiPrices } from './genai-prices.js';
export { ModelIdentity, parseModelName } from './model-identity.js';
export type { ModelName, ModelResolution } from './model-identity.js';
