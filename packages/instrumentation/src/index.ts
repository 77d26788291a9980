export { withGenOps, getGenOpsContext, ATTRIBUTION_ENV } from './context.js';
export { instrumentOpenAI } from './openai/instrument-openai.js';
export {
  instrumentAnthropic,
  anthropicCatalogModel,
  usageFromAnthropic,
} from './anthropic/instrument-anthropic.js';
export type { InstrumentAnthropicOptions, AnthropicUsage } from './anthropic/instrument-anthropic.js';
export { trackLLMCall } from './track-llm-call.js';
export { genopsMiddleware, usageFromAiSdk } from './ai-sdk/genops-middleware.js';
export type { GenOpsMiddlewareOptions } from './ai-sdk/genops-middleware.js';
export { BudgetGuard } from './budget/budget-guard.js';
export { withoutStreamCut } from './budget/stream-budget.js';
export {
  BudgetExceededError,
  StreamCutError,
  CallBlockedError,
  GenOpsError,
  GuardRejectedError,
  ProcessorUnavailableError,
} from './errors.js';
export type {
  BudgetGuardOptions,
  BudgetDecision,
  AdmitRequest,
  Admitted,
  ChatAdmission,
} from './budget/guard-types.js';
export {
  estimatePromptTokens,
  estimatePromptTokensWithMargin,
  PROMPT_ESTIMATE_MARGIN,
  PROMPT_ESTIMATE_SLACK_TOKENS,
} from './budget/prompt-tokens.js';
export type { PromptTokenCounter, ChatMessageLike } from './budget/prompt-tokens.js';
export {
  PriceCatalog,
  PriceTableError,
  costNanoUsd,
  nanoUsdToUsd,
  usdToNanoUsd,
  BUNDLED_PRICES,
} from '@genops/pricing';
export type { ModelPrice, PriceTable, CostEstimate } from '@genops/pricing';
export * as semconv from '@genops/semconv';
export type {
  GenOpsAttribution,
  TokenUsage,
  TelemetryOptions,
  InstrumentOpenAIOptions,
  LLMCallMeta,
  LLMResponseInfo,
  LLMCall,
} from './types.js';
