// The budget alert outbox, written once for both ledgers: an alert fired once per budget, period and key, queued for
// every sink in the transaction that fired it, claimed by one dispatcher at a time, deleted once delivered.
import type { AlertRecord, QueuedAlert } from '../budget/budget-store.js';
import type { Script } from './script.js';

/** Marks the alert fired (once per budget, period and key) and queues it for every sink; false if it had fired. */
export function* recordAlert(a: AlertRecord): Script<boolean> {
  const fired = yield {
    sql: `INSERT INTO budget_alerts_fired (budget_key, period_start, alert_key, fired_ms, alert_id, sinks)
      VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING budget_key`,
    params: [a.budgetKey, a.periodStartMs, a.key, a.nowMs, a.id, a.sinks.join(',')],
  };
  if (!fired.length) return false;
  for (const sink of a.sinks) {
    yield {
      sql: `INSERT INTO budget_alert_outbox (id, sink, alert, created_ms, attempts, next_attempt_ms, last_error)
        VALUES ($1, $2, $3, $4, 0, $4, '')`,
      params: [a.id, sink, a.payload, a.nowMs],
    };
  }
  return true;
}

/** Whether any queued delivery is due (read before claiming: a dispatch with none takes no write lock). */
export function* anyDueAlert(nowMs: number): Script<boolean> {
  const rows = yield {
    sql: 'SELECT 1 AS one FROM budget_alert_outbox WHERE next_attempt_ms <= $1 LIMIT 1',
    params: [nowMs],
  };
  return rows.length > 0;
}

/** Claims due alerts for `leaseMs` (another dispatcher skips them meanwhile); each claim counts as an attempt. */
export function* claimDueAlerts(nowMs: number, leaseMs: number, limit: number): Script<QueuedAlert[]> {
  const rows = yield {
    sql: `UPDATE budget_alert_outbox SET next_attempt_ms = $2, attempts = attempts + 1
      WHERE (id, sink) IN (
        SELECT id, sink FROM budget_alert_outbox WHERE next_attempt_ms <= $1 ORDER BY next_attempt_ms LIMIT $3)
      RETURNING id, sink, alert, attempts`,
    params: [nowMs, nowMs + leaseMs, limit],
  };
  return rows.map((r) => ({
    id: String(r.id),
    sink: String(r.sink),
    payload: String(r.alert),
    attempts: Number(r.attempts),
  }));
}

export function* alertDelivered(id: string, sink: string): Script<void> {
  const deleted = yield {
    sql: 'DELETE FROM budget_alert_outbox WHERE id = $1 AND sink = $2 RETURNING id',
    params: [id, sink],
  };
  // The alert's history says where it went (once per sink, even when a delivery is reported twice).
  if (deleted.length)
    yield {
      sql: "UPDATE budget_alerts_fired SET delivered = delivered || $2 || ',' WHERE alert_id = $1",
      params: [id, sink],
    };
}

export function* alertFailed(id: string, sink: string, nextAttemptMs: number, error: string): Script<void> {
  yield {
    sql: 'UPDATE budget_alert_outbox SET next_attempt_ms = $3, last_error = $4 WHERE id = $1 AND sink = $2',
    params: [id, sink, nextAttemptMs, error.slice(0, 1000)],
  };
}
