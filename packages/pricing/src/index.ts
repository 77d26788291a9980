// Prices and exact money: the effective-dated price catalog, the bundled table and nano-USD arithmetic.
export {
  PriceCatalog,
  PriceTableError,
  costNanoUsd,
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
  TokenPrices,
  TokenUsage,
} from './price-catalog.js';
export { BUNDLED_PRICES } from './bundled-prices.js';
export {
  mergePrices,
  PRICE_SOURCE_URLS,
  pricesFromLiteLLM,
  pricesFromOpenRouter,
  PriceSourceError,
  scaleDecimal,
} from './price-sync.js';
export type { CurrentPrice, PriceSource, SyncResult } from './price-sync.js';
export { ModelIdentity, parseModelName } from './model-identity.js';
export type { ModelName, ModelResolution } from './model-identity.js';
