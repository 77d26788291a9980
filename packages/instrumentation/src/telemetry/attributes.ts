// Pure mapping from a call's facts to span and metric attributes.
import type { Attributes } from '@opentelemetry/api';
import * as A from '@genops/semconv';
import type { GenOpsAttribution, LLMResponseInfo, TokenUsage } from '../types.js';

/** The span attribute (and W3C baggage key) of each attribution field. */
export const ATTRIBUTION_ATTRIBUTES: Readonly<Record<keyof GenOpsAttribution, string>> = {
  team: A.ATTR_GENOPS_TEAM,
  project: A.ATTR_GENOPS_PROJECT,
  customerId: A.ATTR_GENOPS_CUSTOMER_ID,
  feature: A.ATTR_GENOPS_FEATURE,
  environment: A.ATTR_GENOPS_ENVIRONMENT,
  costCenter: A.ATTR_GENOPS_COST_CENTER,
  userId: A.ATTR_GENOPS_USER_ID,
  experimentId: A.ATTR_GENOPS_EXPERIMENT_ID,
  variantId: A.ATTR_GENOPS_VARIANT_ID,
  promptVersion: A.ATTR_GENOPS_PROMPT_VERSION,
  featureVersion: A.ATTR_GENOPS_FEATURE_VERSION,
};

export function attributionAttributes(attribution: GenOpsAttribution): Attributes {
  const out: Attributes = {};
  for (const [field, key] of Object.entries(ATTRIBUTION_ATTRIBUTES) as [keyof GenOpsAttribution, string][]) {
    const value = attribution[field];
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/** Non-negative integer or 0: token counts from the wire are not trusted to be well formed. */
export function tokenCount(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}

export function usageAttributes(usage: TokenUsage): Attributes {
  const out: Attributes = {
    [A.ATTR_GENOPS_TOKENS_INPUT]: usage.inputTokens,
    [A.ATTR_GENOPS_TOKENS_OUTPUT]: usage.outputTokens,
    [A.ATTR_GENOPS_TOKENS_TOTAL]: usage.inputTokens + usage.outputTokens,
    [A.ATTR_GEN_AI_USAGE_INPUT_TOKENS]: usage.inputTokens,
    [A.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: usage.outputTokens,
  };
  if (usage.cacheReadTokens) {
    out[A.ATTR_GENOPS_TOKENS_CACHE_READ] = usage.cacheReadTokens;
    out[A.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS] = usage.cacheReadTokens;
  }
  const cacheWrites = (usage.cacheWriteTokens ?? 0) + (usage.cacheWrite1hTokens ?? 0);
  if (cacheWrites) out[A.ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS] = cacheWrites;
  // The split and the searches let the processor price the call again exactly with its own catalog.
  if (usage.cacheWrite1hTokens) out[A.ATTR_GENOPS_TOKENS_CACHE_WRITE_1H] = usage.cacheWrite1hTokens;
  if (usage.webSearches) out[A.ATTR_GENOPS_WEB_SEARCHES] = usage.webSearches;
  if (usage.serviceTier) out[A.ATTR_OPENAI_RESPONSE_SERVICE_TIER] = usage.serviceTier;
  if (usage.reasoningTokens) {
    out[A.ATTR_GENOPS_TOKENS_REASONING] = usage.reasoningTokens;
    out[A.ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS] = usage.reasoningTokens;
  }
  return out;
}

export function responseAttributes(info: LLMResponseInfo): Attributes {
  const out: Attributes = {};
  if (info.responseModel) out[A.ATTR_GEN_AI_RESPONSE_MODEL] = info.responseModel;
  if (info.responseId) out[A.ATTR_GEN_AI_RESPONSE_ID] = info.responseId;
  if (info.actualProvider) out[A.ATTR_GENOPS_OPENROUTER_ACTUAL_PROVIDER] = info.actualProvider;
  if (info.requestedProvider) out[A.ATTR_GENOPS_OPENROUTER_REQUESTED_PROVIDER] = info.requestedProvider;
  if (info.fallbackUsed !== undefined) out[A.ATTR_GENOPS_OPENROUTER_FALLBACK_USED] = info.fallbackUsed;
  if (info.generationId) out[A.ATTR_GENOPS_OPENROUTER_GENERATION_ID] = info.generationId;
  if (info.upstreamCostUsd !== undefined) out[A.ATTR_GENOPS_COST_UPSTREAM] = info.upstreamCostUsd;
  if (info.byok) {
    out[A.ATTR_GENOPS_OPENROUTER_BYOK] = true;
    if (info.feeUsd !== undefined) out[A.ATTR_GENOPS_COST_FEE] = info.feeUsd;
  }
  if (info.finishReasons?.length) out[A.ATTR_GEN_AI_RESPONSE_FINISH_REASONS] = info.finishReasons;
  return out;
}

/** `error.type`: the HTTP status for API errors, else the error's class name. */
export function errorType(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const status = (error as { status?: unknown }).status;
    if (typeof status === 'number') return String(status);
    const name = (error as { name?: unknown }).name;
    if (typeof name === 'string' && name !== 'Error') return name;
    const ctor = (error as { constructor?: { name?: unknown } }).constructor?.name;
    if (typeof ctor === 'string' && ctor !== '') return ctor;
  }
  return '_OTHER';
}
