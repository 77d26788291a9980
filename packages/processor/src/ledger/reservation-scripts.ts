// Reservations, written once for both ledgers: admission (a fast path of one step, a slow path that locks the team's
// row and decides), release, and the expiry of reservations whose call never reported.
import { admits, counterBounds, planRoll } from '../budget/budget-counters.js';
import type { ExtensionRequest, ReservationRequest, ReserveOutcome } from '../budget/budget-store.js';
import { big, COLUMNS, counterRow, rollCounters, specOf } from './budget-scripts.js';
import { skipLocked, type Dialect, type Row, type Script } from './script.js';

/** Fast-path admission: one conditional update of the team's row, for a calendar period containing now. */
const RESERVE_FAST_SQL = `UPDATE budgets SET reserved_nano = reserved_nano + $1
  WHERE team = $2 AND window_ms = 0 AND period_start <= $3 AND period_end > $3
    AND (hard = 0 OR spent_nano + reserved_nano + $1 <= limit_nano)
  RETURNING ${COLUMNS}`;
const INSERT_RESERVATION_SQL = `INSERT INTO reservations (id, team, amount_nano, created_ms, expires_ms, status, model)
  VALUES ($1, $2, $3, $4, $5, 'active', $6)`;

const insertReservationParams = (r: ReservationRequest) => [
  r.id,
  r.team,
  r.amountNano,
  r.nowMs,
  r.expiresMs,
  r.model ?? '',
];

/** What the fast path answers when only a locked look at the counters can decide. */
export const LOCKED_LOOK = Symbol('locked look');

/**
 * Most admissions in one step: the conditional UPDATE admits and the reservation is recorded. On PostgreSQL that is
 * one statement (one round trip, run without BEGIN … COMMIT), and when it matched nothing the row as of the same
 * snapshot says whether the call is BLOCKED; SQLite runs the two statements in its write transaction. A new period,
 * a rolling window or an undecided block answers LOCKED_LOOK: `reserveSlow` then locks the row and decides.
 */
export function* reserveFast(
  r: ReservationRequest,
  dialect: Dialect,
): Script<ReserveOutcome | typeof LOCKED_LOOK | undefined> {
  const fastParams = [r.amountNano, r.team, r.nowMs];
  if (dialect === 'sqlite') {
    const [fast] = yield { sql: RESERVE_FAST_SQL, params: fastParams };
    if (!fast) return LOCKED_LOOK;
    yield { sql: INSERT_RESERVATION_SQL, params: insertReservationParams(r) };
    return fastOutcome(fast, r);
  }
  const [row] = yield {
    sql: `WITH admitted AS (${RESERVE_FAST_SQL}),
      inserted AS (INSERT INTO reservations (id, team, amount_nano, created_ms, expires_ms, status, model)
        SELECT $4::text, $2, $1, $3, $5::bigint, 'active', $6::text FROM admitted)
      SELECT true AS admitted, * FROM admitted
      UNION ALL
      SELECT false, spec, period_start, period_end, window_ms, spent_nano, reserved_nano
        FROM budgets WHERE team = $2 AND NOT EXISTS (SELECT 1 FROM admitted)`,
    params: [...fastParams, r.id, r.expiresMs, r.model ?? ''],
  };
  if (!row) return undefined;
  if (row.admitted === true) return fastOutcome(row, r);
  return blockedOutcome(row, r) ?? LOCKED_LOOK;
}

/** The outcome of a fast-path row (values after the update) as counters before the admission. */
function fastOutcome(r: Row, request: ReservationRequest): ReserveOutcome {
  const spec = specOf(String(r.spec));
  const row = counterRow(r);
  return {
    spec,
    period: counterBounds(spec, request.nowMs).period,
    spentNano: row.spentNano,
    reservedNano: row.reservedNano - request.amountNano,
    admitted: true,
  };
}

/**
 * A BLOCKED decision from an unlocked read of the row (a committed state: blocking on it is as exact as blocking
 * a moment earlier), when the row counts the current calendar period; undefined when a locked look is needed.
 */
function blockedOutcome(r: Row, request: ReservationRequest): ReserveOutcome | undefined {
  const spec = specOf(String(r.spec));
  const row = counterRow(r);
  const bounds = counterBounds(spec, request.nowMs);
  if (
    planRoll(row, bounds).kind !== 'keep' ||
    admits(spec, row.spentNano, row.reservedNano, request.amountNano)
  )
    return undefined;
  return {
    spec,
    period: bounds.period,
    spentNano: row.spentNano,
    reservedNano: row.reservedNano,
    admitted: false,
  };
}

/** Slow-path admission (a new period, a rolling window, or a decision that may be BLOCKED). */
export function* reserveSlow(r: ReservationRequest): Script<ReserveOutcome | undefined> {
  const counters = yield* rollCounters(r.team, r.nowMs);
  if (!counters) return undefined;
  const admitted = admits(counters.spec, counters.spentNano, counters.reservedNano, r.amountNano);
  if (admitted) {
    yield {
      sql: 'UPDATE budgets SET reserved_nano = reserved_nano + $2 WHERE team = $1',
      params: [r.team, r.amountNano],
    };
    yield { sql: INSERT_RESERVATION_SQL, params: insertReservationParams(r) };
  }
  return { ...counters, admitted };
}

function* releaseAmounts(released: Row[]): Script<void> {
  const byTeam = new Map<string, bigint>();
  for (const r of released)
    byTeam.set(String(r.team), (byTeam.get(String(r.team)) ?? 0n) + big(r.amount_nano));
  for (const [team, amount] of [...byTeam].sort(([a], [b]) => (a < b ? -1 : 1))) {
    yield {
      sql: 'UPDATE budgets SET reserved_nano = reserved_nano - $2 WHERE team = $1',
      params: [team, amount],
    };
  }
}

export function* release(id: string): Script<boolean> {
  const rows = yield {
    sql: 'DELETE FROM reservations WHERE id = $1 RETURNING team, amount_nano',
    params: [id],
  };
  yield* releaseAmounts(rows);
  return rows.length === 1;
}

/** Expires up to `limit` reservations per call, so one transaction stays short. */
/**
 * Expires up to `limit` reservations. On PostgreSQL one statement (run without BEGIN … COMMIT), so the counter rows
 * stay locked only while it runs: expired rows are deleted (SKIP LOCKED: processors sweeping at once take different
 * rows), their amounts summed per team, the teams' rows locked in team order (as every writer locks them) and their
 * reserved counters lowered. A transaction of one UPDATE per team would hold every team's row until its COMMIT, and
 * admissions queue behind it. SQLite, whose write lock is the whole database anyway, runs the statements in turn.
 */
export function* expireReservations(dialect: Dialect, untilMs: number, limit: number): Script<number> {
  const expired = `DELETE FROM reservations WHERE id IN (
      SELECT id FROM reservations WHERE expires_ms <= $1 ORDER BY expires_ms LIMIT $2${skipLocked(dialect)})
    RETURNING team, amount_nano`;
  if (dialect === 'postgres') {
    const [row] = yield {
      sql: `WITH expired AS (${expired}),
        sums AS (SELECT team, SUM(amount_nano) AS amount FROM expired GROUP BY team),
        locked AS (SELECT team FROM budgets WHERE team IN (SELECT team FROM sums) ORDER BY team FOR UPDATE),
        updated AS (
          UPDATE budgets b SET reserved_nano = b.reserved_nano - sums.amount FROM sums, locked
          WHERE b.team = sums.team AND locked.team = b.team RETURNING 1)
        SELECT COUNT(*) AS n FROM expired`,
      params: [untilMs, limit],
    };
    return Number(row!.n);
  }
  const rows = yield { sql: expired, params: [untilMs, limit] };
  yield* releaseAmounts(rows);
  return rows.length;
}

export function* reservationTeam(id: string): Script<string | undefined> {
  const [row] = yield { sql: 'SELECT team FROM reservations WHERE id = $1', params: [id] };
  return row ? String(row.team) : undefined;
}

export function* reservationCount(): Script<number> {
  const [row] = yield { sql: 'SELECT COUNT(*) AS n FROM reservations', params: [] };
  return Number(row!.n);
}

/**
 * Adds to a live reservation what its budget can take: the reservation's row is locked first, then the team's (the
 * order every writer takes them in), the counters rolled and the amount admitted as a new reservation would be.
 */
export function* extendReservation(
  r: ExtensionRequest,
): Script<{ team: string; outcome?: ReserveOutcome } | undefined> {
  const [row] = yield { sql: 'SELECT team FROM reservations WHERE id = $1', params: [r.id], lock: true };
  if (!row) return undefined;
  const team = String(row.team);
  const counters = yield* rollCounters(team, r.nowMs);
  if (!counters) return { team };
  const admitted = admits(counters.spec, counters.spentNano, counters.reservedNano, r.amountNano);
  if (admitted) {
    yield {
      sql: 'UPDATE budgets SET reserved_nano = reserved_nano + $2 WHERE team = $1',
      params: [team, r.amountNano],
    };
    yield {
      sql: `UPDATE reservations SET amount_nano = amount_nano + $2,
        expires_ms = CASE WHEN expires_ms < $3 THEN $3 ELSE expires_ms END WHERE id = $1`,
      params: [r.id, r.amountNano, r.expiresMs],
    };
  }
  return { team, outcome: { ...counters, admitted } };
}
