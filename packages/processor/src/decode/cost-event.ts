// A cost event: one LLM call as the ledger stores it. Money is integer nano-USD.
import type { TokenUsage } from '@genops/pricing';

/** The counts of a call's usage beyond prompt and completion tokens, as @genops/pricing's TokenUsage names them. */
export const USAGE_DETAIL_COUNTS = [
  'cacheReadTokens',
  'cacheWriteTokens',
  'cacheWrite1hTokens',
  'reasoningTokens',
  'webSearches',
] as const satisfies readonly (keyof TokenUsage)[];

/** Usage beyond prompt and completion tokens: those counts and the service tier. */
export type UsageDetail = Pick<TokenUsage, (typeof USAGE_DETAIL_COUNTS)[number] | 'serviceTier'>;

/** Identity of an event: a span delivered twice is counted once. */
export interface EventId {
  traceId: string;
  spanId: string;
}

export interface CostEvent extends EventId {
  /** Span end time, ms since the epoch (UTC). */
  eventTimeMs: number;
  team: string;
  project: string;
  customer: string;
  feature: string;
  environment: string;
  costCenter: string;
  experiment: string;
  variant: string;
  /** The model requested: the catalog's id for it when the name resolves to one (reports group by it). */
  model: string;
  /** The name the client sent, when it differs from `model` (`claude-sonnet-4-5-20250929`). */
  modelName?: string;
  servedModel: string;
  /** The API called (e.g. openrouter). */
  provider: string;
  /** The provider that served the call (OpenRouter's `provider`), or the API when none is known. */
  servedProvider: string;
  costNano: bigint;
  /** Of costNano, what the model provider billed (OpenRouter BYOK: on the caller's own key); 0 when unknown. */
  upstreamNano: bigint;
  costSource: string;
  /**
   * What the service itself recorded, when the processor priced the call with its own catalog (or could not price
   * it): kept for drift between the services' bundled prices and the processor's.
   */
  clientCostNano?: bigint;
  inputTokens: number;
  outputTokens: number;
  /** The rest of the usage, as priced (so a call recorded unpriced can be priced exactly once a price arrives). */
  detail?: UsageDetail;
  /** A re-pricing adjustment: the tokens of the unpriced call it prices (they leave the unpriced count). */
  repricedTokens?: number;
  isError: boolean;
  durationMs: number;
  reservationId: string;
  /** OpenRouter's generation id (`gen-…`): the key of the call's record in its bill; '' or absent when none. */
  generationId?: string;
  /**
   * A reconciliation adjustment (what the bill says minus what was recorded), not a call: it counts in cost and
   * budgets, never in requests, errors, tokens or latency. Its identity is the call's trace id and `adj-<generation id>`.
   */
  adjustment?: boolean;
  /** OpenRouter served another model or provider than the request's first choice (`genops.openrouter.fallback_used`). */
  fallback?: boolean;
  /** Queue this call for reconciliation with the provider's bill (the consumer's reconciliation policy sets it). */
  reconcile?: boolean;
}

/** The dimensions a report can group by (DESIGN.md), mapped to event fields. */
export const DIMENSIONS = {
  team: 'team',
  project: 'project',
  customer: 'customer',
  feature: 'feature',
  environment: 'environment',
  model: 'model',
  provider: 'servedProvider',
  costCenter: 'costCenter',
  experiment: 'experiment',
  variant: 'variant',
  day: 'day',
  week: 'week',
  month: 'month',
} as const;

export type Dimension = keyof typeof DIMENSIONS;
export const DIMENSION_NAMES = Object.keys(DIMENSIONS) as Dimension[];
/** Dimensions of time: local calendar days, ISO weeks (labelled by their Monday) and months in a time zone. */
export const TIME_DIMENSIONS = ['day', 'week', 'month'] as const satisfies readonly Dimension[];
export type TimeDimension = (typeof TIME_DIMENSIONS)[number];
export const isTimeDimension = (d: Dimension): d is TimeDimension =>
  (TIME_DIMENSIONS as readonly string[]).includes(d);

/** nano-USD ↔ USD: one definition, in @genops/pricing. */
export { NANO_PER_USD, nanoUsdToUsd as nanoToUsd } from '@genops/pricing';
