// The processor is the price authority: a GenOps span whose cost the provider did not report is priced again with
// the processor's catalog (which may know a model the service's bundled table did not), the service's own estimate
// kept beside it. A call neither can price stays unpriced (cost 0, source `unknown`) and is counted as such.
import * as A from '@genops/semconv';
import type { CostEstimate, PriceCatalog, TokenUsage } from '@genops/pricing';
import { USAGE_DETAIL_COUNTS, type CostEvent, type UsageDetail } from './cost-event.js';
import { firstInt, type AttributeReader } from './foreign-llm-span.js';

/** The usage beyond prompt and completion tokens that an event keeps (only what is there). */
export function detailOf(usage: TokenUsage): { detail?: UsageDetail } {
  const detail: UsageDetail = {};
  for (const field of USAGE_DETAIL_COUNTS) if (usage[field]) detail[field] = usage[field];
  if (usage.serviceTier) detail.serviceTier = usage.serviceTier;
  return Object.keys(detail).length ? { detail } : {};
}

/** The catalog's id for the model a client named, the name kept when it differs; an unknown or ambiguous name as sent. */
export function canonicalModel(catalog: PriceCatalog, name: string): { model: string; modelName?: string } {
  const resolved = catalog.resolve(name);
  return resolved.kind === 'alias' ? { model: resolved.id, modelName: name } : { model: name };
}

/**
 * The processor's price of a call at `at`: the model that served it, else the one asked for; a call made before its
 * model's first price (one a sync brought later) at that first price.
 */
export function catalogPrice(
  catalog: PriceCatalog,
  call: { model: string; servedModel: string; usage: TokenUsage },
  at: Date,
): CostEstimate | undefined {
  return (
    catalog.estimate(call.servedModel, call.usage, at, { orFirst: true }) ??
    catalog.estimate(call.model, call.usage, at, { orFirst: true })
  );
}

/** The usage an event was recorded with, to price it. */
export function usageOf(e: Pick<CostEvent, 'inputTokens' | 'outputTokens' | 'detail'>): TokenUsage {
  return { inputTokens: e.inputTokens, outputTokens: e.outputTokens, ...e.detail };
}

/** The usage a GenOps span carries: tokens by kind, and the service tier that served it. */
export function genopsUsage(read: AttributeReader): TokenUsage {
  const tier = read.str(A.ATTR_OPENAI_RESPONSE_SERVICE_TIER);
  const cacheWrites = firstInt(read, [A.ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS]);
  // Services from before the 1-hour split was on the span: every cache write is priced as a 5-minute one.
  const cacheWrite1h = Math.min(cacheWrites, firstInt(read, [A.ATTR_GENOPS_TOKENS_CACHE_WRITE_1H]));
  return {
    inputTokens: read.int(A.ATTR_GENOPS_TOKENS_INPUT),
    outputTokens: read.int(A.ATTR_GENOPS_TOKENS_OUTPUT),
    cacheReadTokens: firstInt(read, [
      A.ATTR_GENOPS_TOKENS_CACHE_READ,
      A.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
    ]),
    cacheWriteTokens: cacheWrites - cacheWrite1h,
    cacheWrite1hTokens: cacheWrite1h,
    reasoningTokens: firstInt(read, [
      A.ATTR_GENOPS_TOKENS_REASONING,
      A.ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
    ]),
    webSearches: firstInt(read, [A.ATTR_GENOPS_WEB_SEARCHES]),
    ...(tier ? { serviceTier: tier } : {}),
  };
}

export interface IngestPrice {
  costNano: bigint;
  costSource: string;
  /** What the service recorded when the processor priced the call itself (for drift); undefined otherwise. */
  clientCostNano?: bigint;
}

/**
 * The cost the ledger records for a GenOps span: the provider's reported cost as sent; otherwise the processor's
 * catalog price (served model first, then the requested one) at the call's end; otherwise the service's estimate
 * when it had one; otherwise unpriced.
 */
export function priceAtIngest(
  catalog: PriceCatalog,
  call: { model: string; servedModel: string; usage: TokenUsage; endMs: number },
  sent: { costNano: bigint; costSource: string },
): IngestPrice {
  if (sent.costSource === A.COST_SOURCE_REPORTED) return sent;
  const estimate = catalogPrice(catalog, call, new Date(call.endMs));
  if (estimate)
    return { costNano: estimate.nanoUsd, costSource: A.COST_SOURCE_ESTIMATED, clientCostNano: sent.costNano };
  if (sent.costSource === A.COST_SOURCE_ESTIMATED) return sent;
  return { costNano: 0n, costSource: A.COST_SOURCE_UNKNOWN, clientCostNano: sent.costNano };
}
