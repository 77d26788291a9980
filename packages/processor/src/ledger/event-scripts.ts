// Writing cost events, once for both ledgers: the events whose identity is new, their rollups (hourly, daily and the
// hour tree), the calls to reconcile and the budget counters, in the one transaction that makes them durable.
import type { CostEvent } from '../decode/cost-event.js';
import { idText } from '../decode/event-id.js';
import { countIngested } from './spend-scripts.js';
import type { InsertResult } from './cost-ledger.js';
import { EVENT_COLUMNS } from './event-columns.js';
import { RECONCILIATION_COLUMNS, reconciliationRow, toReconcile } from './reconciliation-scripts.js';
import type { Dialect, Row, Script } from './script.js';
import {
  DAILY_ROLLUP_COLUMNS,
  DAILY_ROLLUP_ON_CONFLICT,
  dailySums,
  hourlySums,
  ROLLUP_COLUMNS,
  ROLLUP_ON_CONFLICT,
  rollupRow,
  stepSums,
  type RollupSum,
  TREE_COLUMNS,
  TREE_ON_CONFLICT,
  treeSums,
} from './rollups.js';

const EVENT_COLUMN_NAMES = EVENT_COLUMNS.map(([c]) => c);
const identity = (e: { traceId: string; spanId: string }) => `${e.traceId}/${e.spanId}`;

/**
 * A batch made ready to write, outside the transaction (an ingest thread does it while the other one writes): its
 * events deduplicated, their rows built and their rollups summed as if every one were new — what a batch without
 * duplicates writes as it is.
 */
export interface PreparedEvents {
  /** The events given, duplicates within the batch included. */
  count: number;
  batch: CostEvent[];
  rows: unknown[][];
  steps: RollupSum[];
}

export function prepareEvents(events: readonly CostEvent[]): PreparedEvents {
  const unique = new Map<string, CostEvent>();
  for (const e of events) {
    const id = identity(e);
    if (!unique.has(id)) unique.set(id, e);
  }
  const batch = [...unique.values()];
  const rows = batch.map((e) => EVENT_COLUMNS.map(([, read]) => read(e)));
  return { count: events.length, batch, rows, steps: stepSums(batch) };
}

/**
 * Writes a prepared batch: the events whose identity is new — one already stored, earlier or in this batch, is a
 * duplicate — and what they add to rollups and counters.
 */
export function* insertPrepared(
  { count, batch, rows, steps: allSteps }: PreparedEvents,
  nowMs: number,
  dialect: Dialect,
): Script<InsertResult> {
  const stored = yield {
    insert: 'cost_events',
    columns: EVENT_COLUMN_NAMES,
    rows,
    onConflict: 'ON CONFLICT (trace_id, span_id) DO NOTHING',
    returning: ['trace_id', 'span_id'],
  };
  // As many rows stored as events: every one was new (the batch has no duplicates within).
  const allNew = stored.length === batch.length;
  const inserted = allNew ? batch : newEvents(batch, stored);
  // Rollup keys come distinct and sorted, so concurrent writers lock rollup rows in one order.
  const steps = allNew ? allSteps : stepSums(inserted);
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
  return { inserted: inserted.length, duplicates: count - inserted.length };
}

/** The events of `batch` among the rows the insert stored (by their identity). */
function newEvents(batch: CostEvent[], stored: Row[]): CostEvent[] {
  const fresh = new Set(
    stored.map((r) =>
      identity({ traceId: idText(r.trace_id as Uint8Array), spanId: idText(r.span_id as Uint8Array) }),
    ),
  );
  return batch.filter((e) => fresh.has(identity(e)));
}
