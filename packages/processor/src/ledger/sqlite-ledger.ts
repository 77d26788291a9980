// The embedded ledger: SQLite (better-sqlite3) in WAL mode with full sync, so a committed batch survives a crash.
import Database from 'better-sqlite3';
import type { BudgetSpec } from '../budget/budget-spec.js';
import type { BudgetStore, ReservationRequest, Totals } from '../budget/budget-store.js';
import type { CostEvent } from '../decode/cost-event.js';
import type {
  AggregateQuery,
  AggregateRow,
  CostLedger,
  InsertResult,
  ProviderSample,
} from './cost-ledger.js';
import {
  aggregateStatements,
  EVENT_COLUMNS,
  providerSamplesStatement,
  ROLLUP_KEYS,
  rollupSums,
  toAggregateRow,
  toProviderSample,
} from './sql.js';
import { migrations } from './schema.js';

const MIGRATIONS = migrations('sqlite');

export class SqliteLedger implements CostLedger, BudgetStore {
  private readonly db: Database.Database;
  private insertEvent!: Database.Statement;
  private upsertRollup!: Database.Statement;
  private settle!: Database.Statement;
  // Reservation hot path: prepared once, not per admission.
  private getBudgetSpec!: Database.Statement;
  private spentInPeriod!: Database.Statement;
  private liveReserved!: Database.Statement;
  private insertReservation!: Database.Statement;
  private releaseReservation!: Database.Statement;

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
  }

  async migrate(): Promise<void> {
    this.db.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)',
    );
    const applied = new Set(
      (this.db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map(
        (r) => r.version,
      ),
    );
    MIGRATIONS.forEach((sql, i) => {
      if (applied.has(i + 1)) return;
      this.db.transaction(() => {
        this.db.exec(sql);
        this.db.prepare('INSERT INTO schema_migrations VALUES (?, ?)').run(i + 1, new Date().toISOString());
      })();
    });
    this.insertEvent = this.db.prepare(
      `INSERT OR IGNORE INTO cost_events (${EVENT_COLUMNS.map(([c]) => c).join(', ')}) VALUES (${EVENT_COLUMNS.map(() => '?').join(', ')})`,
    );
    this.upsertRollup = this.db.prepare(
      `INSERT INTO cost_rollup_hourly (hour, ${ROLLUP_KEYS.join(', ')}, cost_nano, requests, errors, input_tokens, output_tokens)
       VALUES (?, ${ROLLUP_KEYS.map(() => '?').join(', ')}, ?, ?, ?, ?, ?)
       ON CONFLICT (hour, ${ROLLUP_KEYS.join(', ')}) DO UPDATE SET
         cost_nano = cost_nano + excluded.cost_nano, requests = requests + excluded.requests, errors = errors + excluded.errors,
         input_tokens = input_tokens + excluded.input_tokens, output_tokens = output_tokens + excluded.output_tokens`,
    );
    this.settle = this.db.prepare(
      `UPDATE reservations SET status = 'settled' WHERE id = ? AND status = 'active'`,
    );
    this.getBudgetSpec = this.db.prepare('SELECT spec FROM budgets WHERE team = ?');
    this.spentInPeriod = this.db
      .prepare(
        'SELECT COALESCE(SUM(cost_nano), 0) AS n FROM cost_events WHERE team = ? AND event_time >= ? AND event_time < ?',
      )
      .safeIntegers(true);
    this.liveReserved = this.db
      .prepare(
        `SELECT COALESCE(SUM(amount_nano), 0) AS n FROM reservations WHERE team = ? AND status = 'active' AND expires_ms > ?`,
      )
      .safeIntegers(true);
    this.insertReservation = this.db.prepare(`INSERT INTO reservations VALUES (?, ?, ?, ?, ?, 'active')`);
    this.releaseReservation = this.db.prepare(
      `UPDATE reservations SET status = 'released' WHERE id = ? AND status = 'active'`,
    );
  }

  async insertEvents(events: readonly CostEvent[]): Promise<InsertResult> {
    const fresh: CostEvent[] = [];
    this.db.transaction(() => {
      for (const e of events) {
        if (this.insertEvent.run(...EVENT_COLUMNS.map(([, read]) => read(e))).changes === 0) continue;
        fresh.push(e);
        if (e.reservationId) this.settle.run(e.reservationId);
      }
      for (const s of rollupSums(fresh)) {
        this.upsertRollup.run(...s.key, s.costNano, s.requests, s.errors, s.inputTokens, s.outputTokens);
      }
    })();
    return { inserted: fresh.length, duplicates: events.length - fresh.length };
  }

  async aggregate(query: AggregateQuery): Promise<AggregateRow[]> {
    const rows: AggregateRow[] = [];
    for (const statement of aggregateStatements(query, () => '?')) {
      const result = this.db
        .prepare(statement.text)
        .safeIntegers(true)
        .all(...statement.params) as Record<string, unknown>[];
      for (const r of result) {
        const row = toAggregateRow(r, query.groupBy);
        if (row) rows.push(row);
      }
    }
    return rows;
  }

  async providerSamples(query: Omit<AggregateQuery, 'groupBy'>): Promise<ProviderSample[]> {
    const statement = providerSamplesStatement(query, () => '?');
    const rows = this.db
      .prepare(statement.text)
      .safeIntegers(true)
      .all(...statement.params) as Record<string, unknown>[];
    return rows.map(toProviderSample);
  }

  async putBudget(spec: BudgetSpec, nowMs: number): Promise<void> {
    this.db
      .prepare(
        'INSERT INTO budgets VALUES (?, ?, ?) ON CONFLICT (team) DO UPDATE SET spec = excluded.spec, updated_ms = excluded.updated_ms',
      )
      .run(spec.team, JSON.stringify(spec), nowMs);
  }

  async getBudget(team: string): Promise<BudgetSpec | undefined> {
    const row = this.getBudgetSpec.get(team) as { spec: string } | undefined;
    return row ? (JSON.parse(row.spec) as BudgetSpec) : undefined;
  }

  async listBudgets(): Promise<BudgetSpec[]> {
    const rows = this.db.prepare('SELECT spec FROM budgets ORDER BY team').all() as { spec: string }[];
    return rows.map((r) => JSON.parse(r.spec) as BudgetSpec);
  }

  async deleteBudget(team: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM budgets WHERE team = ?').run(team).changes === 1;
  }

  private totalsNow(team: string, startMs: number, endMs: number, nowMs: number): Totals {
    const spent = this.spentInPeriod.get(team, startMs, endMs) as { n: bigint };
    const reserved = this.liveReserved.get(team, nowMs) as { n: bigint };
    return { spentNano: BigInt(spent.n), reservedNano: BigInt(reserved.n) };
  }

  async totals(team: string, startMs: number, endMs: number, nowMs: number): Promise<Totals> {
    return this.totalsNow(team, startMs, endMs, nowMs);
  }

  /**
   * Reservations are short-lived soft state (a TTL releases them): their commits skip the fsync, so admission
   * is not bound by disk latency. They stay atomic, and the next ledger write (synchronous=FULL) syncs them too.
   */
  private softDurable<T>(fn: () => T): T {
    this.db.pragma('synchronous = NORMAL');
    try {
      return fn();
    } finally {
      this.db.pragma('synchronous = FULL');
    }
  }

  async reserve(
    r: ReservationRequest,
    admit: (totals: Totals) => boolean,
  ): Promise<Totals & { admitted: boolean }> {
    // IMMEDIATE takes the write lock first, so no other writer can slip between the check and the insert.
    const transaction = this.db.transaction(() => {
      const totals = this.totalsNow(r.team, r.periodStartMs, r.periodEndMs, r.nowMs);
      const admitted = admit(totals);
      if (admitted) {
        this.insertReservation.run(r.id, r.team, r.amountNano, r.nowMs, r.expiresMs);
      }
      return { ...totals, admitted };
    });
    return this.softDurable(() => transaction.immediate());
  }

  async release(id: string): Promise<boolean> {
    return this.softDurable(() => this.releaseReservation.run(id).changes === 1);
  }

  async markAlertFired(
    team: string,
    periodStartMs: number,
    alertKey: string,
    nowMs: number,
  ): Promise<boolean> {
    return (
      this.db
        .prepare('INSERT OR IGNORE INTO budget_alerts_fired VALUES (?, ?, ?, ?)')
        .run(team, periodStartMs, alertKey, nowMs).changes === 1
    );
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
