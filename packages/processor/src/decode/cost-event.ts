// A cost event: one LLM call (or an adjustment of one) as the ledger stores it, declared once as a table of columns.
// Each column names its event field, its SQL column and PostgreSQL type, how it is written and read back, and the
// report dimension and rollup key it is; the event type below derives from the table, as the ledger's insert
// columns, row mapping, rollup keys and dimension columns do (ledger/event-columns.ts). Money is integer nano-USD.
import type { TokenUsage } from '@genops/pricing';
import { idBytes, idText } from './event-id.js';

/** The counts of a call's usage beyond prompt and completion tokens, as @genops/pricing's TokenUsage names them. */
export const USAGE_DETAIL_COUNTS = [
  'cacheReadTokens',
  'cacheWriteTokens',
  'cacheWrite1hTokens',
  'reasoningTokens',
  'webSearches',
] as const satisfies readonly (keyof TokenUsage)[];
type DetailCount = (typeof USAGE_DETAIL_COUNTS)[number];

/** Usage beyond prompt and completion tokens: those counts and the service tier. */
export type UsageDetail = Pick<TokenUsage, DetailCount | 'serviceTier'>;

type Value = string | number | bigint | Buffer;
type Row = Record<string, unknown>;
export type PgType = 'text' | 'bigint' | 'integer' | 'double precision' | 'bytea';
type ColumnDimension =
  | 'team'
  | 'project'
  | 'customer'
  | 'feature'
  | 'environment'
  | 'model'
  | 'provider'
  | 'costCenter'
  | 'experiment'
  | 'variant';

/** One stored column: field `F` of the event, of type `T`, present on every event unless `O` (optional). */
export interface EventColumn<F extends string = string, T = unknown, O extends boolean = boolean> {
  name: string;
  field: F;
  optional: O;
  pgType: PgType;
  write: (e: { [K in F]?: T }) => Value;
  /** What the column gives the event read back (nothing: derived, or absent when empty). */
  read: (row: Row) => { [K in F]?: T };
  /** The report dimension this column is. */
  dimension?: ColumnDimension;
  /** Whether the hourly rollup is keyed on it (every dimension but `customer`, whose values are unbounded). */
  rollupKey?: boolean;
  /** The usage detail count it holds (`detail.cacheReadTokens`, …). */
  detail?: DetailCount;
}

const str = (row: Row, name: string) => String(row[name] ?? '');
type Keying = Pick<EventColumn, 'dimension' | 'rollupKey'>;

const text = <F extends string>(
  name: string,
  field: F,
  keying: Keying = {},
): EventColumn<F, string, false> => ({
  name,
  field,
  optional: false,
  pgType: 'text',
  write: (e) => e[field] as string,
  read: (row) => ({ [field]: str(row, name) }) as { [K in F]?: string },
  ...keying,
});
/** A trace or span id: text on the event, bytes in the ledger (event-id.ts). */
const id = <F extends string>(name: string, field: F): EventColumn<F, string, false> => ({
  name,
  field,
  optional: false,
  pgType: 'bytea',
  write: (e) => idBytes(e[field] as string),
  read: (row) => ({ [field]: idText(row[name] as Uint8Array) }) as { [K in F]?: string },
});
/** Text that is absent from the event when empty. */
const optionalText = <F extends string>(name: string, field: F): EventColumn<F, string, true> => ({
  name,
  field,
  optional: true,
  pgType: 'text',
  write: (e) => e[field] ?? '',
  read: (row) => (str(row, name) ? { [field]: str(row, name) } : {}) as { [K in F]?: string },
});
const int = <F extends string>(
  name: string,
  field: F,
  pgType: PgType = 'bigint',
): EventColumn<F, number, false> => ({
  name,
  field,
  optional: false,
  pgType,
  write: (e) => e[field] as number,
  read: (row) => ({ [field]: Number(row[name]) }) as { [K in F]?: number },
});
const nano = <F extends string>(name: string, field: F): EventColumn<F, bigint, false> => ({
  name,
  field,
  optional: false,
  pgType: 'bigint',
  write: (e) => e[field] as bigint,
  read: (row) => ({ [field]: BigInt(String(row[name])) }) as { [K in F]?: bigint },
});
/** A boolean as 0/1; `absentUnlessSet`: read back only when true. */
function flag<F extends string, O extends boolean>(
  name: string,
  field: F,
  optional: O,
  absentUnlessSet: boolean = optional,
): EventColumn<F, boolean, O> {
  return {
    name,
    field,
    optional,
    pgType: 'integer',
    write: (e) => (e[field] ? 1 : 0),
    read: (row) =>
      (Number(row[name]) === 1 ? { [field]: true } : absentUnlessSet ? {} : { [field]: false }) as {
        [K in F]?: boolean;
      },
  };
}
/** A count of the usage detail; `detail` is gathered from these columns and `service_tier` (ledger/event-columns.ts). */
const detailCount = (name: string, detail: DetailCount): EventColumn<'detail', UsageDetail, true> => ({
  name,
  field: 'detail',
  optional: true,
  pgType: 'bigint',
  write: (e) => e.detail?.[detail] ?? 0,
  read: () => ({}),
  detail,
});

/**
 * What an event adds to the count of unpriced calls: a call recorded unpriced adds itself and its tokens; the
 * adjustment that prices it later takes them away again.
 */
export function unpricedOf(e: {
  repricedTokens?: number;
  costSource?: string;
  adjustment?: boolean;
  inputTokens?: number;
  outputTokens?: number;
}): { requests: number; tokens: number } {
  if (e.repricedTokens !== undefined) return { requests: -1, tokens: -e.repricedTokens };
  if (e.costSource === 'unknown' && !e.adjustment)
    return { requests: 1, tokens: (e.inputTokens ?? 0) + (e.outputTokens ?? 0) };
  return { requests: 0, tokens: 0 };
}

/** The event's columns in insert order. */
export const COST_EVENT_COLUMNS = [
  // Identity: a span delivered twice is counted once.
  id('trace_id', 'traceId'),
  id('span_id', 'spanId'),
  // Span end time, ms since the epoch (UTC).
  int('event_time', 'eventTimeMs'),
  // Who pays.
  text('team', 'team', { dimension: 'team', rollupKey: true }),
  text('project', 'project', { dimension: 'project', rollupKey: true }),
  text('customer', 'customer', { dimension: 'customer' }),
  text('feature', 'feature', { dimension: 'feature', rollupKey: true }),
  text('environment', 'environment', { dimension: 'environment', rollupKey: true }),
  text('cost_center', 'costCenter', { dimension: 'costCenter', rollupKey: true }),
  text('experiment', 'experiment', { dimension: 'experiment', rollupKey: true }),
  text('variant', 'variant', { dimension: 'variant', rollupKey: true }),
  // The model requested: the catalog's id for it when the name resolves to one (reports group by it).
  text('model', 'model', { dimension: 'model', rollupKey: true }),
  // The name the client sent, when it differs from `model` (`claude-sonnet-4-5-20250929`).
  optionalText('model_name', 'modelName'),
  text('served_model', 'servedModel'),
  // The API called (e.g. openrouter).
  text('provider', 'provider'),
  // The provider that served the call (OpenRouter's `provider`), or the API when none is known.
  text('served_provider', 'servedProvider', { dimension: 'provider', rollupKey: true }),
  nano('cost_nano', 'costNano'),
  // Of costNano, what the model provider billed (OpenRouter BYOK: on the caller's own key); 0 when unknown.
  nano('upstream_nano', 'upstreamNano'),
  text('cost_source', 'costSource'),
  int('input_tokens', 'inputTokens'),
  int('output_tokens', 'outputTokens'),
  flag('is_error', 'isError', false),
  int('duration_ms', 'durationMs', 'double precision'),
  text('reservation_id', 'reservationId'),
  // OpenRouter's generation id (`gen-…`): the key of the call's record in its bill; '' when none.
  {
    ...optionalText('generation_id', 'generationId'),
    read: (row: Row) => ({ generationId: str(row, 'generation_id') }),
  },
  // A reconciliation adjustment (what the bill says minus what was recorded), not a call: it counts in cost and
  // budgets, never in requests, errors, tokens or latency. Its identity is the call's trace id and `adj-<generation id>`.
  flag('is_adjustment', 'adjustment', true, false),
  // OpenRouter served another model or provider than the request's first choice (`genops.openrouter.fallback_used`).
  flag('is_fallback', 'fallback', true),
  {
    // What the service itself recorded, when the processor priced the call with its own catalog (or could not price
    // it): kept for drift between the services' bundled prices and the processor's. -1: the processor kept it.
    name: 'client_cost_nano',
    field: 'clientCostNano',
    optional: true,
    pgType: 'bigint',
    write: (e) => e.clientCostNano ?? -1n,
    read: (row) => {
      const n = BigInt(String(row.client_cost_nano ?? -1));
      return n >= 0n ? { clientCostNano: n } : {};
    },
  } satisfies EventColumn<'clientCostNano', bigint, true>,
  // The rest of the usage, as priced (so a call recorded unpriced can be priced exactly once a price arrives).
  detailCount('cache_read_tokens', 'cacheReadTokens'),
  detailCount('cache_write_tokens', 'cacheWriteTokens'),
  detailCount('cache_write_1h_tokens', 'cacheWrite1hTokens'),
  detailCount('reasoning_tokens', 'reasoningTokens'),
  detailCount('web_searches', 'webSearches'),
  {
    name: 'service_tier',
    field: 'detail',
    optional: true,
    pgType: 'text',
    write: (e) => e.detail?.serviceTier ?? '',
    read: () => ({}),
  } satisfies EventColumn<'detail', UsageDetail, true>,
  // Derived: the call's contribution to the unpriced count (rollups sum it).
  {
    name: 'unpriced_requests',
    field: 'repricedTokens',
    optional: true,
    pgType: 'bigint',
    write: (e) => unpricedOf(e).requests,
    read: () => ({}),
  } satisfies EventColumn<'repricedTokens', number, true>,
  {
    // A re-pricing adjustment counts -1 request and takes its call's tokens out of the unpriced count.
    name: 'unpriced_tokens',
    field: 'repricedTokens',
    optional: true,
    pgType: 'bigint',
    write: (e) => unpricedOf(e).tokens,
    read: (row) =>
      Number(row.unpriced_requests) < 0 ? { repricedTokens: -Number(row.unpriced_tokens) } : {},
  } satisfies EventColumn<'repricedTokens', number, true>,
] as const;

type Column = (typeof COST_EVENT_COLUMNS)[number];
type ValueOf<C> = C extends EventColumn<string, infer T, boolean> ? T : never;
type RequiredColumn = Extract<Column, { optional: false }>;
type OptionalColumn = Extract<Column, { optional: true }>;

/** The stored event, derived from the columns: one field per column (the detail columns make up `detail`). */
export type StoredEvent = { [C in RequiredColumn as C['field']]: ValueOf<C> } & {
  [C in OptionalColumn as C['field']]?: ValueOf<C>;
};

export type CostEvent = StoredEvent & {
  /** Queue this call for reconciliation with the provider's bill (the consumer's policy sets it; not stored). */
  reconcile?: boolean;
};

/** Identity of an event: a span delivered twice is counted once. */
export type EventId = Pick<CostEvent, 'traceId' | 'spanId'>;

/** Dimensions of time: local calendar days, ISO weeks (labelled by their Monday) and months in a time zone. */
export const TIME_DIMENSIONS = ['day', 'week', 'month'] as const;
export type TimeDimension = (typeof TIME_DIMENSIONS)[number];

/** The dimensions a report can group by (DESIGN.md): the columns' and time's, in the API's order. */
export const DIMENSION_NAMES = [
  'team',
  'project',
  'customer',
  'feature',
  'environment',
  'model',
  'provider',
  'costCenter',
  'experiment',
  'variant',
  ...TIME_DIMENSIONS,
] as const satisfies readonly (ColumnDimension | TimeDimension)[];
export type Dimension = (typeof DIMENSION_NAMES)[number];

export const isTimeDimension = (d: Dimension): d is TimeDimension =>
  (TIME_DIMENSIONS as readonly string[]).includes(d);

/** nano-USD ↔ USD: one definition, in @genops/pricing. */
export { NANO_PER_USD, nanoUsdToUsd as nanoToUsd } from '@genops/pricing';
