// The cost event as the ledger stores it, declared once: each column with its SQL name, its PostgreSQL type, how it
// is written from an event and read back into one, and the report dimension and rollup key it is. The insert
// columns, the row mapping, the rollup keys, the dimensions' columns and the PostgreSQL types all derive from it.
import {
  USAGE_DETAIL_COUNTS,
  type CostEvent,
  type Dimension,
  type TimeDimension,
  type UsageDetail,
} from '../decode/cost-event.js';

type Value = string | number | bigint;
type Row = Record<string, unknown>;
type PgType = 'text' | 'bigint' | 'integer' | 'double precision';
type DetailCount = (typeof USAGE_DETAIL_COUNTS)[number];

interface EventColumn {
  name: string;
  pgType: PgType;
  write: (e: CostEvent) => Value;
  /** What the column gives the event read back (nothing: it is derived, or absent when empty). */
  read: (row: Row) => Partial<CostEvent>;
  /** The report dimension this column is. */
  dimension?: Exclude<Dimension, TimeDimension>;
  /** Whether the hourly rollup is keyed on it (every dimension but `customer`, whose values are unbounded). */
  rollupKey?: boolean;
  /** The usage detail count it holds (`detail.cacheReadTokens`, …). */
  detail?: DetailCount;
}

type Field<T> = { [K in keyof CostEvent]-?: CostEvent[K] extends T ? K : never }[keyof CostEvent];
type Keying = Pick<EventColumn, 'dimension' | 'rollupKey'>;

const str = (row: Row, name: string) => String(row[name] ?? '');

const text = (name: string, field: Field<string>, keying: Keying = {}): EventColumn => ({
  name,
  pgType: 'text',
  write: (e) => e[field] as string,
  read: (row) => ({ [field]: str(row, name) }),
  ...keying,
});
/** Text that is absent from the event when empty. */
const optionalText = (name: string, field: Field<string | undefined>): EventColumn => ({
  name,
  pgType: 'text',
  write: (e) => (e[field] as string | undefined) ?? '',
  read: (row) => (str(row, name) ? { [field]: str(row, name) } : {}),
});
const int = (name: string, field: Field<number>): EventColumn => ({
  name,
  pgType: 'bigint',
  write: (e) => e[field] as number,
  read: (row) => ({ [field]: Number(row[name]) }),
});
const nano = (name: string, field: Field<bigint>): EventColumn => ({
  name,
  pgType: 'bigint',
  write: (e) => e[field] as bigint,
  read: (row) => ({ [field]: BigInt(String(row[name])) }),
});
/** A boolean as 0/1; `whenSet`: absent from the event unless true. */
const flag = (name: string, field: Field<boolean | undefined>, whenSet = false): EventColumn => ({
  name,
  pgType: 'integer',
  write: (e) => (e[field] ? 1 : 0),
  read: (row) => (Number(row[name]) === 1 ? { [field]: true } : whenSet ? {} : { [field]: false }),
});
const detailCount = (name: string, detail: DetailCount): EventColumn => ({
  name,
  pgType: 'bigint',
  write: (e) => e.detail?.[detail] ?? 0,
  read: () => ({}), // gathered into `detail` by eventFromRow
  detail,
});

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

/** The event's columns in insert order. */
const COLUMNS: readonly EventColumn[] = [
  text('trace_id', 'traceId'),
  text('span_id', 'spanId'),
  int('event_time', 'eventTimeMs'),
  text('team', 'team', { dimension: 'team', rollupKey: true }),
  text('project', 'project', { dimension: 'project', rollupKey: true }),
  text('customer', 'customer', { dimension: 'customer' }),
  text('feature', 'feature', { dimension: 'feature', rollupKey: true }),
  text('environment', 'environment', { dimension: 'environment', rollupKey: true }),
  text('cost_center', 'costCenter', { dimension: 'costCenter', rollupKey: true }),
  text('experiment', 'experiment', { dimension: 'experiment', rollupKey: true }),
  text('variant', 'variant', { dimension: 'variant', rollupKey: true }),
  text('model', 'model', { dimension: 'model', rollupKey: true }),
  optionalText('model_name', 'modelName'),
  text('served_model', 'servedModel'),
  text('provider', 'provider'),
  text('served_provider', 'servedProvider', { dimension: 'provider', rollupKey: true }),
  nano('cost_nano', 'costNano'),
  nano('upstream_nano', 'upstreamNano'),
  text('cost_source', 'costSource'),
  int('input_tokens', 'inputTokens'),
  int('output_tokens', 'outputTokens'),
  flag('is_error', 'isError'),
  { ...int('duration_ms', 'durationMs'), pgType: 'double precision' },
  text('reservation_id', 'reservationId'),
  {
    ...optionalText('generation_id', 'generationId'),
    read: (row) => ({ generationId: str(row, 'generation_id') }),
  },
  flag('is_adjustment', 'adjustment'),
  flag('is_fallback', 'fallback', true),
  {
    // -1: the processor kept the service's own cost.
    name: 'client_cost_nano',
    pgType: 'bigint',
    write: (e) => e.clientCostNano ?? -1n,
    read: (row) => {
      const n = BigInt(String(row.client_cost_nano ?? -1));
      return n >= 0n ? { clientCostNano: n } : {};
    },
  },
  detailCount('cache_read_tokens', 'cacheReadTokens'),
  detailCount('cache_write_tokens', 'cacheWriteTokens'),
  detailCount('cache_write_1h_tokens', 'cacheWrite1hTokens'),
  detailCount('reasoning_tokens', 'reasoningTokens'),
  detailCount('web_searches', 'webSearches'),
  { name: 'service_tier', pgType: 'text', write: (e) => e.detail?.serviceTier ?? '', read: () => ({}) },
  { name: 'unpriced_requests', pgType: 'bigint', write: (e) => unpricedOf(e).requests, read: () => ({}) },
  {
    // A re-pricing adjustment counts -1 request and takes its call's tokens out of the unpriced count.
    name: 'unpriced_tokens',
    pgType: 'bigint',
    write: (e) => unpricedOf(e).tokens,
    read: (row) =>
      Number(row.unpriced_requests) < 0 ? { repricedTokens: -Number(row.unpriced_tokens) } : {},
  },
];

/** Event columns in insert order, with how to write each from an event. */
export const EVENT_COLUMNS: readonly [string, (e: CostEvent) => Value][] = COLUMNS.map((c) => [
  c.name,
  c.write,
]);

/** PostgreSQL types of the event's columns that are not text. */
export const EVENT_PG_TYPES: Readonly<Record<string, PgType>> = Object.fromEntries(
  COLUMNS.filter((c) => c.pgType !== 'text').map((c) => [c.name, c.pgType]),
);

const ROLLUP_COLUMNS = COLUMNS.filter((c) => c.rollupKey);

/** Rollup key columns (besides `hour`). Writers insert, and take row locks, in this order. */
export const ROLLUP_KEYS: readonly string[] = ROLLUP_COLUMNS.map((c) => c.name);

/** An event's rollup key values, in ROLLUP_KEYS order. */
export function rollupKeyOf(e: CostEvent): string[] {
  return ROLLUP_COLUMNS.map((c) => String(c.write(e)));
}

/** The column of each report dimension (time dimensions are computed from `event_time`). */
export const DIMENSION_COLUMN = Object.fromEntries(
  COLUMNS.filter((c) => c.dimension).map((c) => [c.dimension, c.name]),
) as Readonly<Record<Exclude<Dimension, TimeDimension>, string>>;

/** An event read back from its row (the inverse of EVENT_COLUMNS). */
export function eventFromRow(row: Row): CostEvent {
  const event = Object.assign({}, ...COLUMNS.map((c) => c.read(row))) as CostEvent;
  const detail: UsageDetail = {};
  for (const c of COLUMNS) {
    const n = c.detail ? Number(row[c.name] ?? 0) : 0;
    if (c.detail && n > 0) detail[c.detail] = n;
  }
  if (row.service_tier) detail.serviceTier = String(row.service_tier);
  return Object.keys(detail).length ? { ...event, detail } : event;
}
