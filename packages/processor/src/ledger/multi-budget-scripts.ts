// Admission of a call several budgets cover (the organisation's, its team's, its customer's…) in one step, written
// once for both ledgers: PostgreSQL in one statement, SQLite in three inside its write transaction.
import { admits, byKey, counterBounds, planRoll } from '../budget/budget-counters.js';
import type { ReservationRequest, ReserveOutcome } from '../budget/budget-store.js';
import { COLUMNS, counterRow, specOf } from './budget-scripts.js';
import { leaseRoom, NO_LEASES, type BatchLeases } from './lease-scripts.js';
import { LOCKED_LOOK } from './locked-look.js';
import type { Dialect, Query, Row, Script } from './script.js';

/**
 * A call several budgets cover, in one step: their rows read (PostgreSQL: locked in key order), and reserved against
 * only if every one counts the current calendar period and can take the call; the rows as read (before the admission)
 * come back either way. On PostgreSQL one statement (one round trip, no BEGIN … COMMIT), so the organisation's row,
 * which every call locks, is held only while it runs — or, when the processor holds a lease on it (lease-scripts.ts),
 * read and not locked, the lease's row locked and drawn on instead; SQLite runs three statements in its write
 * transaction. A missing template counter, a rolled period, a rolling window or a lease too small answer LOCKED_LOOK.
 */
export function* reserveAllAtOnce(
  r: ReservationRequest,
  dialect: Dialect,
  leases: BatchLeases = NO_LEASES,
): Script<ReserveOutcome | typeof LOCKED_LOOK> {
  const keys = [...r.budgets].map((b) => b.key).sort(byKey);
  const leased = keys.map((key) => ({ key, id: leases.leaseFor(key) })).filter((l) => l.id);
  const rows =
    dialect === 'postgres' ? yield postgresAllAtOnce(r, keys, leased) : yield* sqliteAllAtOnce(r, keys);
  if (rows.length !== keys.length) return LOCKED_LOOK;
  const budgets = budgetsAsRead(rows, r.nowMs);
  const admitted = rows[0]!.admitted === true;
  for (const l of leased) {
    if (admitted) leases.drew(l.key, r.amountNano);
    else if (rows[0]!.lease_short === true) leases.short(l.key);
  }
  // Not admitted: exact when every row counts the current period (they were locked) and the call would not fit even
  // with the leases' room given back (PostgreSQL reads reserved without them); else a locked look decides.
  const fits = () => budgets.every((b) => admits(b.spec, b.row.spentNano, b.row.reservedNano, r.amountNano));
  if (!admitted && (rows[0]!.lease_short === true || !budgets.every(countsNow) || fits())) return LOCKED_LOOK;
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

function postgresAllAtOnce(
  r: ReservationRequest,
  keys: string[],
  leased: { key: string; id: string }[],
): Query {
  const leasedKeys = leased.map((l) => l.key);
  const locked = keys.filter((k) => !leasedKeys.includes(k));
  return {
    sql: `WITH locked AS (
        SELECT scope_key, ${COLUMNS}, limit_nano, hard FROM budgets
        WHERE scope_key = ANY($2::text[]) ORDER BY scope_key FOR UPDATE),
      held AS (
        SELECT id FROM reservations WHERE id = ANY($9::text[]) AND status = 'lease' AND amount_nano >= $1
          AND expires_ms > $3 AND (SELECT COUNT(*) FROM locked) >= 0 ORDER BY id FOR UPDATE),
      seen AS (
        SELECT scope_key, ${COLUMNS}, limit_nano, hard FROM budgets
        WHERE scope_key = ANY($10::text[]) AND window_ms = 0 AND period_start <= $3 AND period_end > $3),
      decided AS (
        SELECT (SELECT COUNT(*) FROM held) < cardinality($9::text[]) AS lease_short,
          (SELECT COUNT(*) FROM locked) = cardinality($2::text[])
          AND (SELECT COUNT(*) FROM held) = cardinality($9::text[])
          AND (SELECT COUNT(*) FROM seen) = cardinality($10::text[])
          AND COALESCE((SELECT bool_and(${admitsNow('$1')}) FROM locked), true) AS admit),
      updated AS (
        UPDATE budgets b SET reserved_nano = b.reserved_nano + $1 FROM decided
        WHERE decided.admit AND b.scope_key = ANY($2::text[]) RETURNING 1),
      drawn AS (
        UPDATE reservations l SET amount_nano = l.amount_nano - $1 FROM decided
        WHERE decided.admit AND l.id = ANY($9::text[]) AND l.status = 'lease' RETURNING 1),
      inserted AS (
        INSERT INTO reservations (id, budget_key, team, amount_nano, created_ms, expires_ms, status, model)
        SELECT $4::text, key, $6::text, $1, $3, $5::bigint, 'active', $7::text
        FROM unnest($8::text[]) AS key, decided WHERE decided.admit)
      SELECT decided.admit AS admitted, decided.lease_short, b.scope_key, b.template_key, b.spec, b.period_start,
        b.period_end, b.window_ms, b.spent_nano, b.reserved_nano - ${leaseRoom('b.scope_key')} AS reserved_nano
      FROM (SELECT * FROM locked UNION ALL SELECT * FROM seen) b CROSS JOIN decided
      ORDER BY b.scope_key`,
    params: [
      r.amountNano,
      locked,
      r.nowMs,
      r.id,
      r.expiresMs,
      r.team,
      r.model ?? '',
      keys,
      leased.map((l) => l.id),
      leasedKeys,
    ],
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
