// The cost event as the ledger stores it: its columns in insert order, how each is read from an event, and the
// event read back from a row.
import { USAGE_DETAIL_COUNTS, type CostEvent, type UsageDetail } from '../decode/cost-event.js';

type EventColumn = [string, (e: CostEvent) => string | number | bigint];

/** The column of each usage detail count. */
const DETAIL_COLUMN: Record<(typeof USAGE_DETAIL_COUNTS)[number], string> = {
  cacheReadTokens: 'cache_read_tokens',
  cacheWriteTokens: 'cache_write_tokens',
  cacheWrite1hTokens: 'cache_write_1h_tokens',
  reasoningTokens: 'reasoning_tokens',
  webSearches: 'web_searches',
};

/** Event columns in insert order, with how to read each from an event. */
export const EVENT_COLUMNS: EventColumn[] = [
  ['trace_id', (e) => e.traceId],
  ['span_id', (e) => e.spanId],
  ['event_time', (e) => e.eventTimeMs],
  ['team', (e) => e.team],
  ['project', (e) => e.project],
  ['customer', (e) => e.customer],
  ['feature', (e) => e.feature],
  ['environment', (e) => e.environment],
  ['cost_center', (e) => e.costCenter],
  ['experiment', (e) => e.experiment],
  ['variant', (e) => e.variant],
  ['model', (e) => e.model],
  ['model_name', (e) => e.modelName ?? ''],
  ['served_model', (e) => e.servedModel],
  ['provider', (e) => e.provider],
  ['served_provider', (e) => e.servedProvider],
  ['cost_nano', (e) => e.costNano],
  ['upstream_nano', (e) => e.upstreamNano],
  ['cost_source', (e) => e.costSource],
  ['input_tokens', (e) => e.inputTokens],
  ['output_tokens', (e) => e.outputTokens],
  ['is_error', (e) => (e.isError ? 1 : 0)],
  ['duration_ms', (e) => e.durationMs],
  ['reservation_id', (e) => e.reservationId],
  ['generation_id', (e) => e.generationId ?? ''],
  ['is_adjustment', (e) => (e.adjustment ? 1 : 0)],
  ['is_fallback', (e) => (e.fallback ? 1 : 0)],
  ['client_cost_nano', (e) => e.clientCostNano ?? -1n],
  ...USAGE_DETAIL_COUNTS.map((f): EventColumn => [DETAIL_COLUMN[f], (e) => e.detail?.[f] ?? 0]),
  ['service_tier', (e) => e.detail?.serviceTier ?? ''],
  ['unpriced_requests', (e) => unpricedOf(e).requests],
  ['unpriced_tokens', (e) => unpricedOf(e).tokens],
];

/**
 * What an event adds to the count of unpriced calls: a call recorded unpriced adds itself and its tokens; the
 * adjustment that prices it later takes them away again.
 */
export function unpricedOf(e: CostEvent): { requests: number; tokens: number } {
  if (e.repricedTokens !== undefined) return { requests: -1, tokens: -e.repricedTokens };
  if (e.costSource === 'unknown' && !e.adjustment)
    return { requests: 1, tokens: e.inputTokens + e.outputTokens };
  return { requests: 0, tokens: 0 };
}

/** An event read back from its row (the inverse of EVENT_COLUMNS). */
export function eventFromRow(r: Record<string, unknown>): CostEvent {
  const text = (c: string) => String(r[c] ?? '');
  return {
    traceId: text('trace_id'),
    spanId: text('span_id'),
    eventTimeMs: Number(r.event_time),
    team: text('team'),
    project: text('project'),
    customer: text('customer'),
    feature: text('feature'),
    environment: text('environment'),
    costCenter: text('cost_center'),
    experiment: text('experiment'),
    variant: text('variant'),
    model: text('model'),
    ...(text('model_name') ? { modelName: text('model_name') } : {}),
    servedModel: text('served_model'),
    provider: text('provider'),
    servedProvider: text('served_provider'),
    costNano: BigInt(String(r.cost_nano)),
    upstreamNano: BigInt(String(r.upstream_nano)),
    costSource: text('cost_source'),
    inputTokens: Number(r.input_tokens),
    outputTokens: Number(r.output_tokens),
    isError: Number(r.is_error) === 1,
    durationMs: Number(r.duration_ms),
    reservationId: text('reservation_id'),
    generationId: text('generation_id'),
    adjustment: Number(r.is_adjustment) === 1,
    ...(Number(r.is_fallback) === 1 ? { fallback: true } : {}),
    ...(BigInt(String(r.client_cost_nano ?? -1)) >= 0n
      ? { clientCostNano: BigInt(String(r.client_cost_nano)) }
      : {}),
    ...detailFromRow(r),
    ...(Number(r.unpriced_requests) < 0 ? { repricedTokens: -Number(r.unpriced_tokens) } : {}),
  };
}

function detailFromRow(r: Record<string, unknown>): { detail?: UsageDetail } {
  const detail: UsageDetail = {};
  for (const field of USAGE_DETAIL_COUNTS) {
    const n = Number(r[DETAIL_COLUMN[field]] ?? 0);
    if (n > 0) detail[field] = n;
  }
  if (r.service_tier) detail.serviceTier = String(r.service_tier);
  return Object.keys(detail).length ? { detail } : {};
}

/**
 * Rollup key columns (besides `hour`): every groupable dimension except `day` (derived from hour) and `customer`
 * (unbounded: a rollup keyed on it would be as large as the ledger; customer reports read raw events).
 */
export const ROLLUP_KEYS = [
  'team',
  'project',
  'feature',
  'environment',
  'model',
  'served_provider',
  'cost_center',
  'experiment',
  'variant',
] as const;
