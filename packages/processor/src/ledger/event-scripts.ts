// Writing cost events, once for both ledgers: the events whose identity is new, their rollups (hourly, daily and the
// hour tree), the calls to reconcile and the budget counters, in the one transaction that makes them durable.
import type { CostEvent } from '../decode/cost-event.js';
import { idText } from '../decode/event-id.js';
import { countIngested } from './spend-scripts.js';
import type { InsertResult } from './cost-ledger.js';
import { EVENT_COLUMNS } from './event-columns.js';
import { RECONCILIATION_COLUMNS, reconciliationRow, toReconcile } from './reconciliation-scripts.js';
import type { Dialect, Script } from './script.js';
import {
  DAILY_ROLLUP_COLUMNS,
  DAILY_ROLLUP_ON_CONFLICT,
  dailySums,
  hourlySums,
  ROLLUP_COLUMNS,
  ROLLUP_ON_CONFLICT,
  rollupRow,
  stepSums,
  TREE_COLUMNS,
  TREE_ON_CONFLICT,
  treeSums,
} from './rollups.js';

const EVENT_COLUMN_NAMES = EVENT_COLUMNS.map(([c]) => c);
const identity = (e: { traceId: string; spanId: string }) => `${e.traceId}/${e.spanId}`;

/** An event whose identity is already stored, earlier or in this batch, is a duplicate. */
export function* insertEvents(
  events: readonly CostEvent[],
  nowMs: number,
  dialect: Dialect,
): Script<InsertResult> {
  const unique = new Map<string, CostEvent>();
  for (const e of events) if (!unique.has(identity(e))) unique.set(identity(e), e);
  const batch = [...unique.values()];
  const stored = yield {
    insert: 'cost_events',
    columns: EVENT_COLUMN_NAMES,
    rows: batch.map((e) => EVENT_COLUMNS.map(([, read]) => read(e))),
    onConflict: 'ON CONFLICT (trace_id, span_id) DO NOTHING',
    returning: ['trace_id', 'span_id'],
  };
  const fresh = new Set(
    stored.map((r) =>
      identity({ traceId: idText(r.trace_id as Uint8Array), spanId: idText(r.span_id as Uint8Array) }),
    ),
  );
  const inserted = batch.filter((e) => fresh.has(identity(e)));
  // Rollup keys come distinct and sorted, so concurrent writers lock rollup rows in one order.
  const steps = stepSums(inserted);
  const hourly = hourlySums(steps);
  yield {
    insert: 'cost_rollup_hourly',
    columns: ROLLUP_COLUMNS,
    rows: hourly.map(rollupRow),
    onConflict: ROLLUP_ON_CONFLICT,
  };
  yield {
    insert: 'cost_rollup_daily',
    columns: DAILY_ROLLUP_COLUMNS,
    rows: dailySums(hourly).map(rollupRow),
    onConflict: DAILY_ROLLUP_ON_CONFLICT,
  };
  yield {
    insert: 'cost_rollup_hour_tree',
    columns: TREE_COLUMNS,
    rows: treeSums(steps).map(rollupRow),
    onConflict: TREE_ON_CONFLICT,
  };
  yield {
    insert: 'reconciliations',
    columns: RECONCILIATION_COLUMNS,
    rows: toReconcile(inserted).map((e) => reconciliationRow(e, nowMs)),
    onConflict: 'ON CONFLICT (generation_id) DO NOTHING',
  };
  // Last before COMMIT: the counter rows stay locked for as short a time as possible.
  yield* countIngested(inserted, dialect, nowMs);
  return { inserted: inserted.length, duplicates: events.length - inserted.length };
}
