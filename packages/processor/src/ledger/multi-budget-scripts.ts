// Admission of a call several budgets cover (the organisation's, its team's, its customer's…) in one step, written
// once for both ledgers: PostgreSQL in one statement, SQLite in three inside its write transaction.
import { byKey, counterBounds, planRoll } from '../budget/budget-counters.js';
import type { ReservationRequest, ReserveOutcome } from '../budget/budget-store.js';
import { COLUMNS, counterRow, specOf } from './budget-scripts.js';
import { LOCKED_LOOK } from './locked-look.js';
import type { Dialect, Query, Row, Script } from './script.js';

/**
 * A call several budgets cover, in one step: their rows read (PostgreSQL: locked in key order), and reserved against
 * only if every one counts the current calendar period and can take the call; the rows as read (before the admission)
 * come back either way. On PostgreSQL one statement (one round trip, no BEGIN … COMMIT), so the organisation's row,
 * which every call locks, is held only while it runs; SQLite runs three statements in its write transaction. A missing
 * template counter, a rolled period or a rolling window answer LOCKED_LOOK.
 */
export function* reserveAllAtOnce(
  r: ReservationRequest,
  dialect: Dialect,
): Script<ReserveOutcome | typeof LOCKED_LOOK> {
  const keys = [...r.budgets].map((b) => b.key).sort(byKey);
  const rows = dialect === 'postgres' ? yield postgresAllAtOnce(r, keys) : yield* sqliteAllAtOnce(r, keys);
  if (rows.length !== keys.length) return LOCKED_LOOK;
  const budgets = budgetsAsRead(rows, r.nowMs);
  const admitted = rows[0]!.admitted === true;
  // Not admitted: exact when every row counts the current period (they were locked); else a locked look decides.
  if (!admitted && !budgets.every(countsNow)) return LOCKED_LOOK;
  return outcomeOf(admitted, budgets);
}

type BudgetAsRead = ReturnType<typeof budgetsAsRead>[number];

/** Budget rows as an admission read them (`scope_key` and COLUMNS), with their specs and the period of `nowMs`. */
export function budgetsAsRead(rows: readonly Row[], nowMs: number) {
  return rows.map((row) => {
    const spec = specOf(String(row.spec));
    return {
      key: String(row.scope_key),
      row: counterRow(row),
      spec,
      bounds: counterBounds(spec, nowMs),
      templateKey: String(row.template_key),
    };
  });
}

/** The row counts the current calendar period: no roll, no rolling window, before it can decide unlocked. */
export const countsNow = (b: BudgetAsRead): boolean =>
  b.row.windowMs === 0 && planRoll(b.row, b.bounds).kind === 'keep';

/** An admission's outcome: every budget's counters as they were before it. */
export function outcomeOf(admitted: boolean, budgets: readonly BudgetAsRead[]): ReserveOutcome {
  return {
    admitted,
    budgets: budgets.map((b) => ({
      key: b.key,
      templateKey: b.templateKey,
      spec: b.spec,
      period: b.bounds.period,
      spentNano: b.row.spentNano,
      reservedNano: b.row.reservedNano,
    })),
  };
}

/** Whether a budget's row, as stored, admits `amount` now: in its current calendar period, with room. */
const admitsNow = (amount: string) =>
  `window_ms = 0 AND period_start <= $3 AND period_end > $3 AND (hard = 0 OR spent_nano + reserved_nano + ${amount} <= limit_nano)`;

function postgresAllAtOnce(r: ReservationRequest, keys: string[]): Query {
  return {
    sql: `WITH locked AS (
        SELECT scope_key, ${COLUMNS}, limit_nano, hard FROM budgets
        WHERE scope_key = ANY($2::text[]) ORDER BY scope_key FOR UPDATE),
      decided AS (SELECT COUNT(*) = $8 AND COALESCE(bool_and(${admitsNow('$1')}), false) AS admit FROM locked),
      updated AS (
        UPDATE budgets b SET reserved_nano = b.reserved_nano + $1 FROM decided
        WHERE decided.admit AND b.scope_key = ANY($2::text[]) RETURNING b.scope_key),
      inserted AS (
        INSERT INTO reservations (id, budget_key, team, amount_nano, created_ms, expires_ms, status, model)
        SELECT $4::text, scope_key, $6::text, $1, $3, $5::bigint, 'active', $7::text FROM updated)
      SELECT decided.admit AS admitted, locked.* FROM locked, decided ORDER BY scope_key`,
    params: [r.amountNano, keys, r.nowMs, r.id, r.expiresMs, r.team, r.model ?? '', keys.length],
  };
}

/** SQLite, inside its write transaction (no other writer between): read, decide, reserve against each. */
function* sqliteAllAtOnce(r: ReservationRequest, keys: string[]): Script<Row[]> {
  const list = JSON.stringify(keys);
  const rows = yield {
    sql: `SELECT scope_key, ${COLUMNS}, CASE WHEN ${admitsNow('$1')} THEN 1 ELSE 0 END AS admits FROM budgets
      WHERE scope_key IN (SELECT value FROM json_each($2)) ORDER BY scope_key`,
    params: [r.amountNano, list, r.nowMs],
  };
  const admitted = rows.length === keys.length && rows.every((row) => Number(row.admits) === 1);
  if (admitted) {
    yield {
      sql: 'UPDATE budgets SET reserved_nano = reserved_nano + $1 WHERE scope_key IN (SELECT value FROM json_each($2))',
      params: [r.amountNano, list],
    };
    yield {
      sql: `INSERT INTO reservations (id, budget_key, team, amount_nano, created_ms, expires_ms, status, model)
        SELECT $1, value, $2, $3, $4, $5, 'active', $6 FROM json_each($7)`,
      params: [r.id, r.team, r.amountNano, r.nowMs, r.expiresMs, r.model ?? '', list],
    };
  }
  return rows.map((row) => ({ ...row, admitted }));
}
