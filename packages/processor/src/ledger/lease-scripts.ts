// Escrow leases (PostgreSQL): a processor holds a share of a hot budget's headroom — the organisation's, which every
// call locks — as a reservation row of its own (status 'lease'), and admits calls against that row instead of the
// budget's, so two processors no longer take the budget's row in turn. The budget's reserved counter already counts
// the lease: admitting moves an amount from the lease row to the call's, and the counter does not change. A lease
// goes back when its processor stops or the budget cools, expires like a reservation when its processor dies, and is
// revoked whenever a call is refused that would fit without the leases (reservation-scripts.ts): admission stays
// exact to the nano-dollar. Every writer locks budgets' rows before lease rows.
import { byKey } from '../budget/budget-counters.js';
import { big, type Row, type Script } from './script.js';

export interface LeaseGrant {
  /** The lease's row id: `lease:<processor>:<budget key>`. */
  id: string;
  key: string;
  nowMs: number;
  /** What to add to the lease. */
  wantNano: bigint;
  /** Nothing is granted below this (a lease too small to admit a few calls is not worth holding). */
  minNano: bigint;
  /** A hard budget grants at most 1/share of its headroom at a time. */
  share: number;
  ttlMs: number;
}

export interface HeldLease {
  amountNano: bigint;
  expiresMs: number;
}

/** The leases a processor holds (lease-keeper.ts), as admission uses them. */
export interface BatchLeases {
  /** The lease a budget's calls are admitted against; '' for the budget's row. */
  leaseFor(key: string): string;
  /** A call was admitted against the lease. */
  drew(key: string, amountNano: bigint): void;
  /** A call found the lease too small, expired or gone. */
  short(key: string): void;
}

export const NO_LEASES: BatchLeases = { leaseFor: () => '', drew: () => {}, short: () => {} };

export const leaseId = (owner: string, key: string): string => `lease:${owner}:${key}`;

/**
 * SQL: the room the leases on the budget `key` (an SQL expression) hold — reserved, but by no call. Reads subtract
 * it to show what calls reserved; the partial index on lease rows finds them without reading the budget's calls.
 */
export const leaseRoom = (key: string): string =>
  `COALESCE((SELECT SUM(amount_nano) FROM reservations WHERE budget_key = ${key} AND status = 'lease'), 0)`;

/** Deletes every lease on a budget whose rows the caller changed (its limit) or deleted; a recount follows or none is needed. */
export function* dropLeases(key: string): Script<void> {
  yield { sql: `DELETE FROM reservations WHERE budget_key = $1 AND status = 'lease'`, params: [key] };
}

/**
 * Adds to a lease what the budget can spare (`wantNano`; from a hard budget at most 1/share of its headroom, nothing
 * below `minNano`) and moves its expiry to min(now + TTL, the period's end), under the budget's row lock, in one
 * statement. Undefined when nothing was granted: the budget is missing, counts a rolling window or a period not rolled
 * yet, or has too little headroom.
 */
export function* grantLease(g: LeaseGrant): Script<HeldLease | undefined> {
  const [row] = yield {
    sql: `WITH b AS (
        SELECT spent_nano, reserved_nano, limit_nano, hard, period_end FROM budgets
        WHERE scope_key = $1 AND template_key = '' AND window_ms = 0 AND period_start <= $2 AND period_end > $2
        FOR UPDATE),
      g AS (
        SELECT CASE WHEN hard = 0 THEN $3::bigint
            ELSE LEAST($3::bigint, GREATEST(limit_nano - spent_nano - reserved_nano, 0) / $5) END AS amount,
          LEAST($2 + $6, period_end) AS expires
        FROM b),
      ok AS (SELECT amount, expires FROM g WHERE amount >= $4),
      updated AS (UPDATE budgets SET reserved_nano = reserved_nano + ok.amount FROM ok WHERE scope_key = $1 RETURNING 1),
      leased AS (
        INSERT INTO reservations (id, budget_key, team, amount_nano, created_ms, expires_ms, status, model)
        SELECT $7, $1, '', amount, $2, expires, 'lease', '' FROM ok
        ON CONFLICT (id, budget_key) DO UPDATE
          SET amount_nano = reservations.amount_nano + excluded.amount_nano, expires_ms = excluded.expires_ms
        RETURNING amount_nano, expires_ms)
      SELECT amount_nano, expires_ms FROM leased`,
    params: [g.key, g.nowMs, g.wantNano, g.minNano, g.share, g.ttlMs, g.id],
  };
  return row ? heldLease(row) : undefined;
}

/** Moves a lease's expiry on without touching the budget's row; undefined when the lease is gone (revoked, expired). */
export function* renewLease(
  id: string,
  key: string,
  nowMs: number,
  ttlMs: number,
): Script<HeldLease | undefined> {
  const [row] = yield {
    sql: `UPDATE reservations r SET expires_ms = LEAST($3 + $4, b.period_end) FROM budgets b
      WHERE r.id = $1 AND r.budget_key = $2 AND r.status = 'lease' AND r.expires_ms > $3
        AND b.scope_key = $2 AND b.period_end > $3
      RETURNING r.amount_nano, r.expires_ms`,
    params: [id, key, nowMs, ttlMs],
  };
  return row ? heldLease(row) : undefined;
}

/** Gives a lease back: its row deleted and its amount taken off the budget's reserved counter (the row locked first). */
export function* returnLease(id: string, key: string): Script<void> {
  yield {
    sql: `WITH b AS (SELECT scope_key FROM budgets WHERE scope_key = $2 FOR UPDATE),
      gone AS (
        DELETE FROM reservations WHERE id = $1 AND budget_key = $2 AND status = 'lease' AND (SELECT COUNT(*) FROM b) >= 0
        RETURNING amount_nano)
      UPDATE budgets SET reserved_nano = reserved_nano - (SELECT SUM(amount_nano) FROM gone)
      WHERE scope_key = $2 AND EXISTS (SELECT 1 FROM gone)`,
    params: [id, key],
  };
}

/**
 * Inside a transaction holding the budgets' rows: deletes every lease row on them — live leases, expired ones not swept
 * yet, room a sweep freed (reservation-sweep-scripts.ts) — and takes their amounts off the reserved counters. What each
 * budget got back, by key (none on a ledger without leases: SQLite).
 */
export function* revokeLeases(keys: readonly string[]): Script<Map<string, bigint>> {
  const back = new Map<string, bigint>();
  for (const key of [...keys].sort(byKey)) {
    const rows = yield {
      sql: `DELETE FROM reservations WHERE budget_key = $1 AND status = 'lease' RETURNING amount_nano`,
      params: [key],
    };
    const amount = rows.reduce((sum, r) => sum + big(r.amount_nano), 0n);
    if (!amount) continue;
    yield {
      sql: 'UPDATE budgets SET reserved_nano = reserved_nano - $2 WHERE scope_key = $1',
      params: [key, amount],
    };
    back.set(key, amount);
  }
  return back;
}

const heldLease = (row: Row): HeldLease => ({
  amountNano: big(row.amount_nano),
  expiresMs: Number(row.expires_ms),
});
