// The reconciliation queue, written once for both ledgers (the script style of budget-scripts.ts): calls to check
// against the provider's bill are queued with the call, claimed in batches with a lease, and closed as reconciled
// (the adjustment itself is an event: sql.ts) or unavailable.
import { idBytes } from '../decode/event-id.js';
import type { CostEvent } from '../decode/cost-event.js';
import { skipLocked, type Dialect, type Row, type Script } from './script.js';
import { eventFromRow, EVENT_COLUMNS } from './event-columns.js';
import type {
  BilledCost,
  ReconciliationSummary,
  ReconciliationTask,
} from '../reconcile/reconciliation-store.js';

export const RECONCILIATION_COLUMNS = [
  'generation_id',
  'trace_id',
  'span_id',
  'event_time',
  'model',
  'cost_source',
  'recorded_nano',
  'recorded_upstream_nano',
  'status',
  'attempts',
  'created_ms',
  'next_attempt_ms',
  'billed_nano',
  'billed_upstream_nano',
  'billed_provider',
  'reconciled_ms',
  'last_error',
] as const;

/** A queue row for a fresh call to reconcile, due at once. */
export function reconciliationRow(e: CostEvent, nowMs: number): (string | number | bigint | Buffer)[] {
  return [
    e.generationId ?? '',
    idBytes(e.traceId),
    idBytes(e.spanId),
    e.eventTimeMs,
    e.model,
    e.costSource,
    e.costNano,
    e.upstreamNano,
    'pending',
    0,
    nowMs,
    nowMs,
    0n,
    0n,
    '',
    0,
    '',
  ];
}

/** The calls of a freshly inserted batch that are to be reconciled. */
export const toReconcile = (fresh: readonly CostEvent[]) =>
  fresh.filter((e) => e.reconcile && e.generationId && !e.adjustment);

export function* claimReconciliations(
  dialect: Dialect,
  nowMs: number,
  leaseMs: number,
  limit: number,
  range?: { fromMs: number; toMs: number },
): Script<ReconciliationTask[]> {
  const inRange = range ? ' AND event_time >= $4 AND event_time < $5' : '';
  // PostgreSQL: processors claiming at once skip each other's rows (SKIP LOCKED). The outer condition repeats the
  // inner one all the same: a row claimed by another between the read and the lock is re-checked and left.
  const claimed = yield {
    sql: `UPDATE reconciliations SET next_attempt_ms = $2, attempts = attempts + 1
      WHERE status = 'pending' AND next_attempt_ms <= $1 AND generation_id IN (
        SELECT generation_id FROM reconciliations
        WHERE status = 'pending' AND next_attempt_ms <= $1${inRange} ORDER BY next_attempt_ms LIMIT $3${skipLocked(dialect)})
      RETURNING generation_id, trace_id, span_id, attempts, created_ms`,
    params: [nowMs, nowMs + leaseMs, limit, ...(range ? [range.fromMs, range.toMs] : [])],
  };
  const tasks: ReconciliationTask[] = [];
  const columns = EVENT_COLUMNS.map(([c]) => c).join(', ');
  for (const r of claimed) {
    const [row] = yield {
      sql: `SELECT ${columns} FROM cost_events WHERE trace_id = $1 AND span_id = $2`,
      params: [r.trace_id, r.span_id],
    };
    if (!row) continue; // cannot happen: the queue row is written with its event
    tasks.push({
      generationId: String(r.generation_id),
      attempts: Number(r.attempts),
      createdMs: Number(r.created_ms),
      event: eventFromRow(row),
    });
  }
  return tasks.sort((a, b) => a.event.eventTimeMs - b.event.eventTimeMs);
}

export function* expediteReconciliations(fromMs: number, toMs: number, nowMs: number): Script<number> {
  const rows = yield {
    sql: `UPDATE reconciliations SET next_attempt_ms = $3
      WHERE status = 'pending' AND event_time >= $1 AND event_time < $2 RETURNING generation_id`,
    params: [fromMs, toMs, nowMs],
  };
  return rows.length;
}

export function* markReconciled(generationId: string, billed: BilledCost, nowMs: number): Script<void> {
  yield {
    sql: `UPDATE reconciliations SET status = 'reconciled', billed_nano = $2, billed_upstream_nano = $3,
      billed_provider = $4, reconciled_ms = $5, last_error = '' WHERE generation_id = $1`,
    params: [generationId, billed.costNano, billed.upstreamNano, billed.provider, nowMs],
  };
}

export function* retryReconciliation(
  generationId: string,
  nextAttemptMs: number,
  error: string,
  giveUp: boolean,
): Script<void> {
  yield {
    sql: `UPDATE reconciliations SET next_attempt_ms = $2, last_error = $3, status = $4
      WHERE generation_id = $1 AND status = 'pending'`,
    params: [generationId, nextAttemptMs, error.slice(0, 1000), giveUp ? 'unavailable' : 'pending'],
  };
}

const big = (v: unknown) => BigInt(String(v ?? 0));

export function* reconciliationSummary(
  fromMs: number,
  toMs: number,
  changeLimit: number,
): Script<ReconciliationSummary> {
  const rows: Row[] = yield {
    sql: `SELECT model, billed_provider, status, COUNT(*) AS n, SUM(recorded_nano) AS recorded,
        SUM(billed_nano) AS billed
      FROM reconciliations WHERE event_time >= $1 AND event_time < $2
      GROUP BY model, billed_provider, status ORDER BY model, billed_provider`,
    params: [fromMs, toMs],
  };
  const summary: ReconciliationSummary = { groups: [], pending: 0, unavailable: 0, changes: [] };
  for (const r of rows) {
    const n = Number(r.n);
    if (r.status === 'pending') summary.pending += n;
    else if (r.status === 'unavailable') summary.unavailable += n;
    else
      summary.groups.push({
        model: String(r.model),
        provider: String(r.billed_provider),
        reconciled: n,
        recordedNano: big(r.recorded),
        billedNano: big(r.billed),
      });
  }
  const changed = yield {
    sql: `SELECT generation_id, event_time, model, billed_provider, cost_source, recorded_nano, billed_nano
      FROM reconciliations
      WHERE status = 'reconciled' AND billed_nano <> recorded_nano AND event_time >= $1 AND event_time < $2
      ORDER BY event_time, generation_id LIMIT $3`,
    params: [fromMs, toMs, changeLimit],
  };
  summary.changes = changed.map((r) => ({
    generationId: String(r.generation_id),
    eventTimeMs: Number(r.event_time),
    model: String(r.model),
    provider: String(r.billed_provider),
    costSource: String(r.cost_source),
    recordedNano: big(r.recorded_nano),
    billedNano: big(r.billed_nano),
  }));
  return summary;
}
