// What the ledger derives from the cost event's column table (decode/cost-event.ts): the insert columns and how each
// is written, the row mapping back to an event, the rollup keys, the dimensions' columns and the PostgreSQL types.
import {
  COST_EVENT_COLUMNS,
  type CostEvent,
  type Dimension,
  type EventColumn,
  type PgType,
  type TimeDimension,
  type UsageDetail,
} from '../decode/cost-event.js';

type Value = string | number | bigint | Buffer;
type Row = Record<string, unknown>;

const COLUMNS: readonly EventColumn[] = COST_EVENT_COLUMNS;

/** Event columns in insert order, with how to write each from an event. */
export const EVENT_COLUMNS: readonly [string, (e: CostEvent) => Value][] = COLUMNS.map((c) => [
  c.name,
  c.write as (e: CostEvent) => Value,
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
