// A report's reading of the ledger, the same for both: the aggregate over disjoint parts of `[from, to)` — whole UTC
// days from the daily rollup, whole hours from the hourly one, each partial hour from the hour tree (hour-tree.ts)
// and under 15 s of raw events — so its cost grows with neither the ledger's size nor the range's length.
import { isTimeDimension, type Dimension, type TimeDimension } from '../decode/cost-event.js';
import { bucketFor, HOUR_MS, timeLabel } from '../report/time-buckets.js';
import {
  addFigures,
  type AggregateQuery,
  type AggregateRow,
  type Figures,
  type ProviderSample,
} from './cost-ledger.js';
import { DIMENSION_COLUMN } from './event-columns.js';
import { prefixNodes, STEP_MS } from './hour-tree.js';
import type { Script } from './script.js';

const DAY_MS = 86_400_000;

/** A parameterised statement (`$1`, `$2`, …) of a report. */
export interface Statement {
  text: string;
  params: (string | number)[];
  /** Length of the time bucket in column `tb` (time dimensions), ms. */
  bucketMs: number;
  /** -1 for a part taken away: the first minutes of an hour read whole (its events before `from`). */
  sign: 1 | -1;
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

/** Where a report's figures come from: raw events (ms), a rollup by UTC hour or UTC day, or nodes of the hour tree. */
const SOURCES = {
  events: { table: 'cost_events', time: 'event_time', unitMs: 1 },
  hourly: { table: 'cost_rollup_hourly', time: 'hour', unitMs: HOUR_MS },
  daily: { table: 'cost_rollup_daily', time: 'day', unitMs: DAY_MS },
  tree: { table: 'cost_rollup_hour_tree', time: 'hour', unitMs: HOUR_MS },
} as const;
type Source = keyof typeof SOURCES;
/** One part's statement: `[lo, hi)` in the source's unit (the tree: hour `lo`, its `nodes`), taken away when `sign` is -1. */
type Build = (
  source: Source,
  lo: number,
  hi: number,
  part?: { sign?: 1 | -1; nodes?: number[] },
) => Statement;

const EVENT_SUMS =
  'SUM(cost_nano) AS cost, SUM(upstream_nano) AS upstream, SUM(1 - is_adjustment) AS requests, SUM(is_error) AS errors, SUM(input_tokens) AS input, SUM(output_tokens) AS output, SUM(unpriced_requests) AS unpriced, SUM(unpriced_tokens) AS unpriced_tokens';
const ROLLUP_SUMS =
  'SUM(cost_nano) AS cost, SUM(upstream_nano) AS upstream, SUM(requests) AS requests, SUM(errors) AS errors, SUM(input_tokens) AS input, SUM(output_tokens) AS output, SUM(unpriced_requests) AS unpriced, SUM(unpriced_tokens) AS unpriced_tokens';

/**
 * The aggregate as statements over disjoint parts of `[from, to)` (rangeParts). Each returns columns `d0..dn`
 * (non-time dimensions), `tb` (a time bucket, when a time dimension is grouped), and the sums. Time-grouped reports
 * read daily rows only in UTC (a local day may start mid UTC day); where the time zone's offset is not whole hours
 * they read raw events in quarter-hour buckets; a report by customer (not in the rollups) reads raw events.
 */
export function aggregateStatements(q: AggregateQuery): Statement[] {
  const byTime = q.groupBy.some(isTimeDimension);
  const timezone = q.timezone ?? 'UTC';
  const bucketMs = byTime ? bucketFor(timezone, q.fromMs, q.toMs) : HOUR_MS;
  const dims = q.groupBy.filter((d): d is Exclude<Dimension, TimeDimension> => !isTimeDimension(d));
  const build: Build = (source, lo, hi, part = {}) => {
    const { table, time, unitMs } = SOURCES[source];
    // The tree is read an hour at a time, by equality: with a range on `hour` its key could not narrow by node, and
    // every node of the hour was read (as many rows as the hour's events at 10M and more).
    const oneHour = source === 'tree';
    const params: (string | number)[] = oneHour ? [lo] : [lo, hi];
    const range = oneHour ? [`${time} = $1`] : [`${time} >= $1`, `${time} < $2`];
    const where = [...range, ...whereFilters(q.filters, params)];
    if (part.nodes) where.push(`node IN (${part.nodes.join(', ')})`);
    const columns = dims.map((d, i) => `${DIMENSION_COLUMN[d]} AS d${i}`);
    if (byTime) columns.push(source === 'events' ? `(event_time / ${bucketMs}) AS tb` : `${time} AS tb`);
    const keys = [...dims.map((_, i) => `d${i}`), ...(byTime ? ['tb'] : [])];
    const groupBy = keys.length ? ` GROUP BY ${keys.join(', ')}` : '';
    const sums = source === 'events' ? EVENT_SUMS : ROLLUP_SUMS;
    return {
      text: `SELECT ${[...columns, sums].join(', ')} FROM ${table} WHERE ${where.join(' AND ')}${groupBy}`,
      params,
      bucketMs: source === 'events' ? bucketMs : unitMs,
      sign: part.sign ?? 1,
    };
  };
  const byCustomer = q.groupBy.includes('customer') || q.filters.customer !== undefined;
  const oneStep = Math.floor(q.fromMs / STEP_MS) === Math.floor(q.toMs / STEP_MS);
  if (byCustomer || bucketMs !== HOUR_MS || oneStep) return [build('events', q.fromMs, q.toMs)];
  return rangeParts(q.fromMs, q.toMs, !byTime || timezone === 'UTC', build);
}

/**
 * `[from, to)` as parts: every hour it touches from `from`'s on, whole, from the rollups (`days`: whole UTC days from
 * the daily one), less the events of `from`'s hour before `from`, plus those of `to`'s hour before `to`.
 */
function rangeParts(fromMs: number, toMs: number, days: boolean, build: Build): Statement[] {
  const startHour = Math.floor(fromMs / HOUR_MS);
  const endHour = Math.floor(toMs / HOUR_MS);
  const parts = startHour < endHour ? rollupParts(startHour, endHour, days, build) : [];
  if (startHour * HOUR_MS < fromMs) parts.push(...hourUntil(fromMs, -1, build));
  if (endHour * HOUR_MS < toMs) parts.push(...hourUntil(toMs, 1, build));
  return parts;
}

/** The events from the start of `t`'s hour until `t`: the tree's nodes of its whole steps, then the raw events. */
function hourUntil(t: number, sign: 1 | -1, build: Build): Statement[] {
  const hour = Math.floor(t / HOUR_MS);
  const steps = Math.floor((t - hour * HOUR_MS) / STEP_MS);
  const stepStart = hour * HOUR_MS + steps * STEP_MS;
  const nodes = prefixNodes(steps);
  return [
    ...(nodes.length ? [build('tree', hour, hour + 1, { nodes, sign })] : []),
    ...(stepStart < t ? [build('events', stepStart, t, { sign })] : []),
  ];
}

/** Whole hours `[firstHour, endHour)` as whole UTC days from the daily rollup (when `days`) and hours around them. */
function rollupParts(firstHour: number, endHour: number, days: boolean, build: Build): Statement[] {
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
  const sign = statement.sign;
  return {
    key: keyOf(r, query.groupBy, query.timezone ?? 'UTC', statement.bucketMs),
    costNano: BigInt(String(r.cost)) * BigInt(sign),
    upstreamNano: BigInt(String(r.upstream ?? 0)) * BigInt(sign),
    requests: Number(r.requests) * sign,
    errors: Number(r.errors) * sign,
    inputTokens: Number(r.input) * sign,
    outputTokens: Number(r.output) * sign,
    unpricedRequests: Number(r.unpriced ?? 0) * sign,
    unpricedTokens: Number(r.unpriced_tokens ?? 0) * sign,
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
    sign: 1,
  };
}

const isNothing = (f: Figures) =>
  f.costNano === 0n &&
  f.upstreamNano === 0n &&
  f.requests === 0 &&
  f.errors === 0 &&
  f.inputTokens === 0 &&
  f.outputTokens === 0 &&
  f.unpricedRequests === 0 &&
  f.unpricedTokens === 0;

/** The aggregate's statements, run on one snapshot, their rows added up per group. */
export function* aggregate(query: AggregateQuery): Script<AggregateRow[]> {
  const groups = new Map<string, AggregateRow>();
  let takenAway = false;
  for (const statement of aggregateStatements(query)) {
    takenAway ||= statement.sign < 0;
    for (const r of yield { sql: statement.text, params: statement.params }) {
      const row = toAggregateRow(r, query, statement);
      if (!row) continue;
      const id = JSON.stringify(row.key);
      const group = groups.get(id);
      if (group) addFigures(group, row);
      else groups.set(id, row);
    }
  }
  // A group whose events in `from`'s hour all came before `from` adds up to nothing: it is not in the range.
  return [...groups.values()].filter((g) => !takenAway || !isNothing(g));
}

export function* providerSamples(query: Omit<AggregateQuery, 'groupBy'>): Script<ProviderSample[]> {
  const statement = providerSamplesStatement(query);
  return (yield { sql: statement.text, params: statement.params }).map(toProviderSample);
}
