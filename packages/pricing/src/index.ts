// Prices and exact money: the effective-dated price catalog, the bundled table and nano-USD arithmetic.
export { PriceCatalog, PriceTableError, costNanoUsd, nanoUsdToUsd, usdToNanoUsd } from './price-catalog.js';
export type { ModelPrice, PriceTable, CostEstimate, TokenUsage } from './price-catalog.js';
export { BUNDLED_PRICES } from './bundled-prices.js';
