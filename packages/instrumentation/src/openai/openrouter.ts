// What OpenRouter (and any OpenAI-compatible API) says about a call: pure extraction from request and response.
import { nanoUsdToUsd, usdToNanoUsd } from '@genops/pricing';
import type { LLMResponseInfo, TokenUsage } from '../types.js';

/** The routing a request asked for: `provider.order` and the `models` fallback list. */
export interface RequestedRouting {
  requestedProvider?: string;
  requestedModels: string[];
}

export interface WireUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  cost?: number;
  is_byok?: boolean;
  cost_details?: { upstream_inference_cost?: number | null } | null;
  prompt_tokens_details?: { cached_tokens?: number; cache_write_tokens?: number } | null;
  completion_tokens_details?: { reasoning_tokens?: number } | null;
}

/** The fields of a chat completion (or accumulated stream) that GenOps reads. */
export interface WireResponse {
  id?: string;
  model?: string;
  provider?: string;
  usage?: WireUsage | null;
  /** The tier that served the call (OpenAI: `default`, `priority`, `flex`, …). */
  service_tier?: string | null;
  choices?: { finish_reason?: string | null; message?: unknown }[];
}

export function requestedRouting(params: Record<string, unknown>): RequestedRouting {
  const provider = params.provider as { order?: unknown } | undefined;
  const order = Array.isArray(provider?.order) ? provider.order.filter((p) => typeof p === 'string') : [];
  const models = Array.isArray(params.models) ? params.models.filter((m) => typeof m === 'string') : [];
  const first = order[0] as string | undefined;
  return { ...(first ? { requestedProvider: first } : {}), requestedModels: models as string[] };
}

/** Usage as priced: tokens by kind, and the service tier that served the call when the response names one. */
export function usageFromWire(
  usage: WireUsage | null | undefined,
  serviceTier?: string | null,
): TokenUsage | undefined {
  if (!usage || typeof usage !== 'object') return undefined;
  return {
    inputTokens: usage.prompt_tokens ?? 0,
    outputTokens: usage.completion_tokens ?? 0,
    cacheReadTokens: usage.prompt_tokens_details?.cached_tokens ?? 0,
    cacheWriteTokens: usage.prompt_tokens_details?.cache_write_tokens ?? 0,
    reasoningTokens: usage.completion_tokens_details?.reasoning_tokens ?? 0,
    ...(typeof serviceTier === 'string' && serviceTier ? { serviceTier } : {}),
  };
}

/** Routing variants OpenRouter accepts after a model id (`:free`, `:nitro`, …): the same model either way. */
const VARIANT = /:[a-z0-9-]+$/i;
/** Version suffixes a provider answers with for the model asked for: dates, `v3-0324`, `latest`, `preview`. */
const VERSION_SUFFIX = /^(-(v\d+(\.\d+)*|\d{4}-\d{2}-\d{2}|\d{4,8}|latest|preview))+$/i;

/**
 * Whether the served model is the requested one: the same id, ignoring a routing variant and a provider prefix
 * only one side has, or that id plus a version suffix (`openai/gpt-4o-mini-2024-07-18`,
 * `deepseek/deepseek-chat-v3-0324`). `openai/gpt-4o-mini` is not `openai/gpt-4o`: that is a fallback.
 */
export function sameModel(served: string, requested: string): boolean {
  let s = served.trim().toLowerCase().replace(VARIANT, '');
  let r = requested.trim().toLowerCase().replace(VARIANT, '');
  if (s.includes('/') !== r.includes('/')) {
    s = s.slice(s.indexOf('/') + 1);
    r = r.slice(r.indexOf('/') + 1);
  }
  return s === r || (s.startsWith(r) && VERSION_SUFFIX.test(s.slice(r.length)));
}

/** Response facts, with `fallbackUsed` when the served model or provider is not the request's first choice. */
export function responseInfo(
  body: WireResponse,
  requestedModel: string,
  routing: RequestedRouting,
): LLMResponseInfo {
  const info: LLMResponseInfo = {};
  if (typeof body.model === 'string') info.responseModel = body.model;
  if (typeof body.id === 'string') {
    info.responseId = body.id;
    if (body.id.startsWith('gen-')) info.generationId = body.id;
  }
  if (typeof body.provider === 'string') info.actualProvider = body.provider;
  if (routing.requestedProvider) info.requestedProvider = routing.requestedProvider;
  const cost = body.usage?.cost;
  const upstream = body.usage?.cost_details?.upstream_inference_cost;
  if (typeof upstream === 'number') info.upstreamCostUsd = upstream;
  if (body.usage?.is_byok === true && typeof cost === 'number') {
    // BYOK: `cost` is OpenRouter's fee; the provider bills the upstream cost to your own key. Spend is both,
    // summed in nano-USD so the total is exact.
    info.byok = true;
    info.feeUsd = cost;
    info.reportedCostUsd = nanoUsdToUsd(
      usdToNanoUsd(cost) + usdToNanoUsd(typeof upstream === 'number' ? upstream : 0),
    );
  } else if (typeof cost === 'number') info.reportedCostUsd = cost;
  const reasons = (body.choices ?? [])
    .map((c) => c.finish_reason)
    .filter((r): r is string => typeof r === 'string');
  if (reasons.length) info.finishReasons = reasons;
  if (info.actualProvider !== undefined || routing.requestedModels.length || routing.requestedProvider) {
    const firstModel = routing.requestedModels[0] ?? requestedModel;
    const modelFellBack = info.responseModel !== undefined && !sameModel(info.responseModel, firstModel);
    const providerFellBack =
      routing.requestedProvider !== undefined &&
      info.actualProvider !== undefined &&
      info.actualProvider.toLowerCase() !== routing.requestedProvider.toLowerCase();
    info.fallbackUsed = modelFellBack || providerFellBack;
  }
  return info;
}
