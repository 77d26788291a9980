export { setupGenOps, genopsViews } from './setup.js';
export type { SetupGenOpsOptions, GenOpsHandle } from './setup.js';
export { withGenOps, getGenOpsContext, ATTRIBUTION_ENV } from './context.js';
export { instrumentOpenAI } from './openai/instrument-openai.js';
export { trackLLMCall } from './track-llm-call.js';
export { BudgetGuard, BudgetExceededError } from './budget/budget-guard.js';
export type { BudgetGuardOptions, BudgetDecision, AdmitRequest, Admitted } from './budget/budget-guard.js';
export {
  PriceCatalog,
  PriceTableError,
  costNanoUsd,
  nanoUsdToUsd,
  usdToNanoUsd,
} from './pricing/price-catalog.js';
export type { ModelPrice, PriceTable, CostEstimate } from './pricing/price-catalog.js';
export { BUNDLED_PRICES } from './pricing/bundled-prices.js';
import * as semconv from './semconv.js';
export { semconv };
export type {
  GenOpsAttribution,
  TokenUsage,
  TelemetryOptions,
  InstrumentOpenAIOptions,
  LLMCallMeta,
  LLMResponseInfo,
  LLMCall,
} from './types.js';
