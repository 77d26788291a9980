// The spend an ingest adds to budgets, written once for both ledgers: inside the transaction that records the events,
// their reservations are settled and their cost added to every budget covering them (a template's counter for a value
// made with its first spend).
import { byKey, counterBounds, counterDeltas } from '../budget/budget-counters.js';
import { coveringBudgets, scopedCall, type CoveringBudget } from '../budget/budget-scope.js';
import type { CostEvent } from '../decode/cost-event.js';
import {
  COLUMNS,
  counterRow,
  makeTemplateCounters,
  scopeDefinitions,
  setCounters,
  specOf,
  sumSpend,
} from './budget-scripts.js';
import { big, inList, type Dialect, type Script } from './script.js';

/**
 * Inside an ingest transaction, after the fresh events are inserted: settle their reservations, and add their spend
 * to every budget covering them (templates' counters made as needed, counted from the raw rows). Rows are locked in
 * key order, as every writer locks them. A row still counting an earlier period takes no spend outside it: the next
 * look at it sums its new period from the raw rows.
 */
export function* countIngested(fresh: readonly CostEvent[], dialect: Dialect, nowMs: number): Script<void> {
  const ids = fresh.filter((e) => e.reservationId).map((e) => e.reservationId);
  const settled: { key: string; amountNano: bigint }[] = [];
  if (ids.length) {
    const where = inList(dialect, 'id', ids);
    const rows = yield {
      sql: `DELETE FROM reservations WHERE ${where.sql} RETURNING budget_key, amount_nano`,
      params: [where.param],
    };
    for (const r of rows) settled.push({ key: String(r.budget_key), amountNano: big(r.amount_nano) });
  }
  const definitions = fresh.length ? yield* scopeDefinitions() : [];
  const covered = new Map<string, CoveringBudget>();
  const events = fresh.map((e) => {
    const covering = coveringBudgets(definitions, scopedCall(e));
    for (const c of covering) covered.set(c.key, c);
    return { keys: covering.map((c) => c.key), eventTimeMs: e.eventTimeMs, costNano: e.costNano };
  });
  const keys = [...new Set([...covered.keys(), ...settled.map((s) => s.key)])].sort(byKey);
  if (!keys.length) return;
  yield* makeTemplateCounters(
    keys.flatMap((k) => covered.get(k) ?? []),
    nowMs,
  );
  const where = inList(dialect, 'scope_key', keys);
  const rows = yield {
    sql: `SELECT scope_key, ${COLUMNS} FROM budgets WHERE ${where.sql} ORDER BY scope_key`,
    params: [where.param],
    lock: true,
  };
  const bounds = new Map<string, { periodStartMs: number; periodEndMs: number }>();
  for (const r of rows) {
    const key = String(r.scope_key);
    const row = counterRow(r);
    if (row.periodStartMs === 0 && row.periodEndMs === 0) {
      // A template's counter made just now (or reset by a change of its template): counted from the raw rows, this
      // batch's events with them, so only its settlements are left to apply.
      const next = counterBounds(specOf(String(r.spec)), nowMs);
      yield* setCounters(
        key,
        next,
        yield* sumSpend(key, next.periodStartMs, next.periodEndMs),
        row.reservedNano,
      );
      bounds.set(key, { periodStartMs: 0, periodEndMs: 0 });
    } else bounds.set(key, { periodStartMs: row.periodStartMs, periodEndMs: row.periodEndMs });
  }
  for (const d of counterDeltas(events, bounds, settled)) {
    yield {
      sql: 'UPDATE budgets SET spent_nano = spent_nano + $2, reserved_nano = reserved_nano - $3 WHERE scope_key = $1',
      params: [d.key, d.spentNano, d.settledNano],
    };
  }
}
