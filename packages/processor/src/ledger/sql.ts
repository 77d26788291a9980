// SQL shared by both adapters: columns, rollup keys, and the aggregate query over rollups plus raw edges.
import type { CostEvent, Dimension } from '../decode/cost-event.js';
import type { AggregateQuery, AggregateRow, ProviderSample } from './cost-ledger.js';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** Event columns in insert order, with how to read each from an event. */
export const EVENT_COLUMNS: [string, (e: CostEvent) => string | number | bigint][] = [
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
  ['served_model', (e) => e.servedModel],
  ['provider', (e) => e.provider],
  ['served_provider', (e) => e.servedProvider],
  ['cost_nano', (e) => e.costNano],
  ['cost_source', (e) => e.costSource],
  ['input_tokens', (e) => e.inputTokens],
  ['output_tokens', (e) => e.outputTokens],
  ['is_error', (e) => (e.isError ? 1 : 0)],
  ['duration_ms', (e) => e.durationMs],
  ['reservation_id', (e) => e.reservationId],
];

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

const DIMENSION_COLUMN: Record<Exclude<Dimension, 'day'>, string> = {
  team: 'team',
  project: 'project',
  customer: 'customer',
  feature: 'feature',
  environment: 'environment',
  model: 'model',
  provider: 'served_provider',
  costCenter: 'cost_center',
  experiment: 'experiment',
  variant: 'variant',
};

export function rollupKeyOf(e: CostEvent): string[] {
  return [
    e.team,
    e.project,
    e.feature,
    e.environment,
    e.model,
    e.servedProvider,
    e.costCenter,
    e.experiment,
    e.variant,
  ];
}

/** One rollup row's increments. */
export interface RollupSum {
  key: (string | number)[];
  costNano: bigint;
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
}

/** Sums fresh events per rollup key (hour + dimensions), in a fixed key order so writers never deadlock. */
export function rollupSums(events: readonly CostEvent[]): RollupSum[] {
  const sums = new Map<string, RollupSum>();
  for (const e of events) {
    const key = [Math.floor(e.eventTimeMs / HOUR_MS), ...rollupKeyOf(e)];
    const id = JSON.stringify(key);
    let s = sums.get(id);
    if (!s) {
      s = { key, costNano: 0n, requests: 0, errors: 0, inputTokens: 0, outputTokens: 0 };
      sums.set(id, s);
    }
    s.costNano += e.costNano;
    s.requests += 1;
    s.errors += e.isError ? 1 : 0;
    s.inputTokens += e.inputTokens;
    s.outputTokens += e.outputTokens;
  }
  return [...sums.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, s]) => s);
}

function dimensionExpr(d: Dimension, table: 'events' | 'rollup'): string {
  if (d === 'day') return table === 'events' ? `(event_time / ${DAY_MS})` : '(hour / 24)';
  return DIMENSION_COLUMN[d];
}

/** A parameterised statement; `placeholder(i)` renders the i-th (1-based) parameter for the dialect. */
export interface Statement {
  text: string;
  params: (string | number)[];
}

/**
 * The aggregate as up to three statements: rollup rows for the whole hours inside `[from, to)`, and raw events
 * for the partial hours at either edge. Each returns columns `d0..dn, cost, requests, errors, input, output`.
 */
export function aggregateStatements(q: AggregateQuery, placeholder: (i: number) => string): Statement[] {
  const firstHour = Math.ceil(q.fromMs / HOUR_MS);
  const endHour = Math.floor(q.toMs / HOUR_MS);
  const statements: Statement[] = [];
  const build = (table: 'events' | 'rollup', lo: number, hi: number): Statement => {
    const params: (string | number)[] = [lo, hi];
    const timeCol = table === 'events' ? 'event_time' : 'hour';
    const where = [`${timeCol} >= ${placeholder(1)}`, `${timeCol} < ${placeholder(2)}`];
    for (const [d, value] of Object.entries(q.filters) as [Dimension, string][]) {
      params.push(d === 'day' ? Math.floor(Date.parse(value) / DAY_MS) : value);
      where.push(`${dimensionExpr(d, table)} = ${placeholder(params.length)}`);
    }
    const dims = q.groupBy.map((d, i) => `${dimensionExpr(d, table)} AS d${i}`);
    const sums =
      table === 'events'
        ? 'SUM(cost_nano) AS cost, COUNT(*) AS requests, SUM(is_error) AS errors, SUM(input_tokens) AS input, SUM(output_tokens) AS output'
        : 'SUM(cost_nano) AS cost, SUM(requests) AS requests, SUM(errors) AS errors, SUM(input_tokens) AS input, SUM(output_tokens) AS output';
    const groupBy = q.groupBy.length ? ` GROUP BY ${q.groupBy.map((_, i) => `d${i}`).join(', ')}` : '';
    const from = table === 'events' ? 'cost_events' : 'cost_rollup_hourly';
    return {
      text: `SELECT ${[...dims, sums].join(', ')} FROM ${from} WHERE ${where.join(' AND ')}${groupBy}`,
      params,
    };
  };
  const byCustomer = q.groupBy.includes('customer') || q.filters.customer !== undefined;
  if (firstHour < endHour && !byCustomer) {
    statements.push(build('rollup', firstHour, endHour));
    if (q.fromMs < firstHour * HOUR_MS) statements.push(build('events', q.fromMs, firstHour * HOUR_MS));
    if (endHour * HOUR_MS < q.toMs) statements.push(build('events', endHour * HOUR_MS, q.toMs));
  } else {
    statements.push(build('events', q.fromMs, q.toMs));
  }
  return statements;
}

/** Turns a raw result row into an AggregateRow key (day numbers → ISO dates). */
export function keyOf(row: Record<string, unknown>, groupBy: Dimension[]): Record<string, string> {
  const key: Record<string, string> = {};
  groupBy.forEach((d, i) => {
    const v = row[`d${i}`];
    key[d] = d === 'day' ? new Date(Number(v) * DAY_MS).toISOString().slice(0, 10) : String(v ?? '');
  });
  return key;
}

/** A result row of an aggregate statement (numbers may come back as bigint or string, per driver). */
export function toAggregateRow(r: Record<string, unknown>, groupBy: Dimension[]): AggregateRow | undefined {
  if (r.requests === null || r.requests === undefined || Number(r.requests) === 0) return undefined;
  return {
    key: keyOf(r, groupBy),
    costNano: BigInt(String(r.cost)),
    requests: Number(r.requests),
    errors: Number(r.errors),
    inputTokens: Number(r.input),
    outputTokens: Number(r.output),
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
  };
}

export function providerSamplesStatement(
  q: { fromMs: number; toMs: number; filters: Partial<Record<Dimension, string>> },
  placeholder: (i: number) => string,
): Statement {
  const params: (string | number)[] = [q.fromMs, q.toMs];
  const where = [`event_time >= ${placeholder(1)}`, `event_time < ${placeholder(2)}`];
  for (const [d, value] of Object.entries(q.filters) as [Dimension, string][]) {
    params.push(d === 'day' ? Math.floor(Date.parse(value) / DAY_MS) : value);
    where.push(`${dimensionExpr(d, 'events')} = ${placeholder(params.length)}`);
  }
  return {
    text: `SELECT served_provider, model, duration_ms, is_error, cost_nano, input_tokens + output_tokens AS tokens FROM cost_events WHERE ${where.join(' AND ')}`,
    params,
  };
}
