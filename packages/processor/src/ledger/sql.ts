// SQL shared by both adapters: columns, rollup keys, and the aggregate query over rollups plus raw edges.
import {
  isTimeDimension,
  unpricedOf,
  type CostEvent,
  type Dimension,
  type TimeDimension,
} from '../decode/cost-event.js';
import { DIMENSION_COLUMN, ROLLUP_KEYS, rollupKeyOf } from './event-columns.js';
import { bucketFor, timeLabel } from '../report/time-buckets.js';
import type { Script } from './script.js';
import {
  addFigures,
  noFigures,
  type AggregateQuery,
  type AggregateRow,
  type ProviderSample,
} from './cost-ledger.js';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** The rollup's figures in column order, each with its value in a sum. */
const ROLLUP_FIGURES: readonly [string, (s: RollupSum) => bigint | number][] = [
  ['cost_nano', (s) => s.costNano],
  ['upstream_nano', (s) => s.upstreamNano],
  ['requests', (s) => s.requests],
  ['errors', (s) => s.errors],
  ['input_tokens', (s) => s.inputTokens],
  ['output_tokens', (s) => s.outputTokens],
  ['unpriced_requests', (s) => s.unpricedRequests],
  ['unpriced_tokens', (s) => s.unpricedTokens],
];

/** The hourly rollup's columns, in the order `rollupRow` gives their values. */
export const ROLLUP_COLUMNS: readonly string[] = ['hour', ...ROLLUP_KEYS, ...ROLLUP_FIGURES.map(([c]) => c)];
/** The daily rollup's: the same with `day` (UTC days since the epoch) for `hour`. */
export const DAILY_ROLLUP_COLUMNS: readonly string[] = ['day', ...ROLLUP_COLUMNS.slice(1)];

/** A sum as a rollup row, in ROLLUP_COLUMNS order. */
export const rollupRow = (s: RollupSum): (string | number | bigint)[] => [
  ...s.key,
  ...ROLLUP_FIGURES.map(([, value]) => value(s)),
];

/** What the upsert of a rollup row does when its key is there: add each figure (the same in both dialects). */
const onConflict = (table: string, time: string) =>
  `ON CONFLICT (${time}, ${ROLLUP_KEYS.join(', ')}) DO UPDATE SET ${ROLLUP_FIGURES.map(
    ([c]) => `${c} = ${table}.${c} + excluded.${c}`,
  ).join(', ')}`;
export const ROLLUP_ON_CONFLICT = onConflict('cost_rollup_hourly', 'hour');
export const DAILY_ROLLUP_ON_CONFLICT = onConflict('cost_rollup_daily', 'day');

/** One rollup row's increments. */
export interface RollupSum {
  key: (string | number)[];
  costNano: bigint;
  upstreamNano: bigint;
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  unpricedRequests: number;
  unpricedTokens: number;
}

/** Sums fresh events per rollup key (hour + dimensions), in a fixed key order so writers never deadlock. */
export function rollupSums(events: readonly CostEvent[]): RollupSum[] {
  const sums = new Map<string, RollupSum>();
  for (const e of events) {
    const key = [Math.floor(e.eventTimeMs / HOUR_MS), ...rollupKeyOf(e)];
    const id = JSON.stringify(key);
    let s = sums.get(id);
    if (!s) {
      s = { key, ...noFigures() };
      sums.set(id, s);
    }
    s.costNano += e.costNano;
    s.upstreamNano += e.upstreamNano;
    s.requests += e.adjustment ? 0 : 1;
    s.errors += e.isError ? 1 : 0;
    s.inputTokens += e.inputTokens;
    s.outputTokens += e.outputTokens;
    const unpriced = unpricedOf(e);
    s.unpricedRequests += unpriced.requests;
    s.unpricedTokens += unpriced.tokens;
  }
  return [...sums.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, s]) => s);
}

/** Hourly sums added up per UTC day (the daily rollup's increments), in the same fixed key order. */
export function dailySums(hourly: readonly RollupSum[]): RollupSum[] {
  const sums = new Map<string, RollupSum>();
  for (const h of hourly) {
    const key = [Math.floor(Number(h.key[0]) / 24), ...h.key.slice(1)];
    const id = JSON.stringify(key);
    const s = sums.get(id);
    if (s) addFigures(s, h);
    else sums.set(id, { ...h, key });
  }
  return [...sums.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, s]) => s);
}

/** A parameterised statement (`$1`, `$2`, …) of a report. */
export interface Statement {
  text: string;
  params: (string | number)[];
  /** Length of the time bucket in column `tb` (time dimensions), ms. */
  bucketMs: number;
}

function whereFilters(filters: Partial<Record<Dimension, string>>, params: (string | number)[]): string[] {
  const where: string[] = [];
  for (const [d, value] of Object.entries(filters) as [Dimension, string][]) {
    if (isTimeDimension(d)) continue; // time filters narrow [from, to) instead (report-query.ts)
    params.push(value);
    where.push(`${DIMENSION_COLUMN[d]} = $${params.length}`);
  }
  return where;
}

/** Where a report's figures come from: raw events (ms), or a rollup by UTC hour or UTC day. */
const SOURCES = {
  events: { table: 'cost_events', time: 'event_time', unitMs: 1 },
  hourly: { table: 'cost_rollup_hourly', time: 'hour', unitMs: HOUR_MS },
  daily: { table: 'cost_rollup_daily', time: 'day', unitMs: DAY_MS },
} as const;
type Source = keyof typeof SOURCES;

const EVENT_SUMS =
  'SUM(cost_nano) AS cost, SUM(upstream_nano) AS upstream, SUM(1 - is_adjustment) AS requests, SUM(is_error) AS errors, SUM(input_tokens) AS input, SUM(output_tokens) AS output, SUM(unpriced_requests) AS unpriced, SUM(unpriced_tokens) AS unpriced_tokens';
const ROLLUP_SUMS =
  'SUM(cost_nano) AS cost, SUM(upstream_nano) AS upstream, SUM(requests) AS requests, SUM(errors) AS errors, SUM(input_tokens) AS input, SUM(output_tokens) AS output, SUM(unpriced_requests) AS unpriced, SUM(unpriced_tokens) AS unpriced_tokens';

/**
 * The aggregate as statements over disjoint parts of `[from, to)`: whole UTC days from the daily rollup, the whole
 * hours around them from the hourly rollup, the partial hours at either edge from the raw events — so a report's
 * cost depends on neither the ledger's size nor the range's length. Each returns columns `d0..dn` (non-time
 * dimensions), `tb` (a time bucket, when a time dimension is grouped), and the sums. Time-grouped reports read daily
 * rows only in UTC (a local day may start mid UTC day); where the time zone's offset is not whole hours they read raw
 * events in quarter-hour buckets; a report by customer (not in the rollups) reads raw events.
 */
export function aggregateStatements(q: AggregateQuery): Statement[] {
  const byTime = q.groupBy.some(isTimeDimension);
  const timezone = q.timezone ?? 'UTC';
  const bucketMs = byTime ? bucketFor(timezone, q.fromMs, q.toMs) : HOUR_MS;
  const dims = q.groupBy.filter((d): d is Exclude<Dimension, TimeDimension> => !isTimeDimension(d));
  const build = (source: Source, lo: number, hi: number): Statement => {
    const { table, time, unitMs } = SOURCES[source];
    const params: (string | number)[] = [lo, hi];
    const where = [`${time} >= $1`, `${time} < $2`, ...whereFilters(q.filters, params)];
    const columns = dims.map((d, i) => `${DIMENSION_COLUMN[d]} AS d${i}`);
    if (byTime) columns.push(source === 'events' ? `(event_time / ${bucketMs}) AS tb` : `${time} AS tb`);
    const keys = [...dims.map((_, i) => `d${i}`), ...(byTime ? ['tb'] : [])];
    const groupBy = keys.length ? ` GROUP BY ${keys.join(', ')}` : '';
    const sums = source === 'events' ? EVENT_SUMS : ROLLUP_SUMS;
    return {
      text: `SELECT ${[...columns, sums].join(', ')} FROM ${table} WHERE ${where.join(' AND ')}${groupBy}`,
      params,
      bucketMs: source === 'events' ? bucketMs : unitMs,
    };
  };
  const byCustomer = q.groupBy.includes('customer') || q.filters.customer !== undefined;
  const firstHour = Math.ceil(q.fromMs / HOUR_MS);
  const endHour = Math.floor(q.toMs / HOUR_MS);
  if (firstHour >= endHour || byCustomer || bucketMs !== HOUR_MS) return [build('events', q.fromMs, q.toMs)];
  const statements = [...rollupParts(firstHour, endHour, !byTime || timezone === 'UTC', build)];
  if (q.fromMs < firstHour * HOUR_MS) statements.push(build('events', q.fromMs, firstHour * HOUR_MS));
  if (endHour * HOUR_MS < q.toMs) statements.push(build('events', endHour * HOUR_MS, q.toMs));
  return statements;
}

/** Whole hours `[firstHour, endHour)` as whole UTC days from the daily rollup (when `days`) and hours around them. */
function rollupParts(
  firstHour: number,
  endHour: number,
  days: boolean,
  build: (source: Source, lo: number, hi: number) => Statement,
): Statement[] {
  const firstDay = Math.ceil(firstHour / 24);
  const endDay = Math.floor(endHour / 24);
  if (!days || firstDay >= endDay) return [build('hourly', firstHour, endHour)];
  const parts = [build('daily', firstDay, endDay)];
  if (firstHour < firstDay * 24) parts.push(build('hourly', firstHour, firstDay * 24));
  if (endDay * 24 < endHour) parts.push(build('hourly', endDay * 24, endHour));
  return parts;
}

/** Turns a raw result row into an AggregateRow key: time buckets become local days, weeks, months. */
export function keyOf(
  row: Record<string, unknown>,
  groupBy: Dimension[],
  timezone: string,
  bucketMs: number,
): Record<string, string> {
  const key: Record<string, string> = {};
  let i = 0;
  for (const d of groupBy) {
    if (isTimeDimension(d)) key[d] = timeLabel(d, timezone, Number(row.tb) * bucketMs);
    else key[d] = String(row[`d${i++}`] ?? '');
  }
  return key;
}

/** A result row of an aggregate statement (numbers may come back as bigint or string, per driver). */
export function toAggregateRow(
  r: Record<string, unknown>,
  query: AggregateQuery,
  statement: Statement,
): AggregateRow | undefined {
  // No rows (an ungrouped SUM over nothing is one row of NULLs). A group of adjustments only has no requests but
  // still counts.
  if (r.cost === null || r.cost === undefined) return undefined;
  return {
    key: keyOf(r, query.groupBy, query.timezone ?? 'UTC', statement.bucketMs),
    costNano: BigInt(String(r.cost)),
    upstreamNano: BigInt(String(r.upstream ?? 0)),
    requests: Number(r.requests),
    errors: Number(r.errors),
    inputTokens: Number(r.input),
    outputTokens: Number(r.output),
    unpricedRequests: Number(r.unpriced ?? 0),
    unpricedTokens: Number(r.unpriced_tokens ?? 0),
  };
}

export function toProviderSample(r: Record<string, unknown>): ProviderSample {
  return {
    servedProvider: String(r.served_provider),
    model: String(r.model),
    durationMs: Number(r.duration_ms),
    isError: Number(r.is_error) === 1,
    costNano: BigInt(String(r.cost_nano)),
    tokens: Number(r.tokens),
    ...(Number(r.is_adjustment) === 1 ? { adjustment: true } : {}),
    ...(Number(r.is_fallback) === 1 ? { fallback: true } : {}),
  };
}

function providerSamplesStatement(q: {
  fromMs: number;
  toMs: number;
  filters: Partial<Record<Dimension, string>>;
}): Statement {
  const params: (string | number)[] = [q.fromMs, q.toMs];
  const where = [`event_time >= $1`, `event_time < $2`, ...whereFilters(q.filters, params)];
  return {
    text: `SELECT served_provider, model, duration_ms, is_error, cost_nano, input_tokens + output_tokens AS tokens, is_adjustment, is_fallback FROM cost_events WHERE ${where.join(' AND ')}`,
    params,
    bucketMs: HOUR_MS,
  };
}

/** The aggregate's statements, run on one snapshot; a group may come back in several rows (the report merges them). */
export function* aggregate(query: AggregateQuery): Script<AggregateRow[]> {
  const rows: AggregateRow[] = [];
  for (const statement of aggregateStatements(query)) {
    for (const r of yield { sql: statement.text, params: statement.params }) {
      const row = toAggregateRow(r, query, statement);
      if (row) rows.push(row);
    }
  }
  return rows;
}

export function* providerSamples(query: Omit<AggregateQuery, 'groupBy'>): Script<ProviderSample[]> {
  const statement = providerSamplesStatement(query);
  return (yield { sql: statement.text, params: statement.params }).map(toProviderSample);
}
