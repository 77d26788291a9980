// The embedded ledger: SQLite (better-sqlite3) in WAL mode with full sync, so a committed batch survives a crash.
import Database from 'better-sqlite3';
import type { BudgetSpec } from '../budget/budget-spec.js';
import type {
  BudgetCounters,
  BudgetStore,
  RecountResult,
  ReservationRequest,
  ReserveOutcome,
} from '../budget/budget-store.js';
import type { CostEvent } from '../decode/cost-event.js';
import * as alertScripts from './alert-scripts.js';
import * as scripts from './budget-scripts.js';
import * as recon from './reconciliation-scripts.js';
import { ReconcilingLedger } from './reconciling-ledger.js';
import { runSync, type Script } from './script.js';
import type { AlertRecord, QueuedAlert } from '../budget/budget-store.js';
import type {
  AggregateQuery,
  AggregateRow,
  CostLedger,
  InsertResult,
  ProviderSample,
} from './cost-ledger.js';
import {
  aggregateStatements,
  providerSamplesStatement,
  ROLLUP_COLUMNS,
  ROLLUP_ON_CONFLICT,
  rollupRow,
  rollupSums,
  toAggregateRow,
  toProviderSample,
} from './sql.js';
import { EVENT_COLUMNS } from './event-columns.js';
import { migrations } from './schema.js';
import type { Checkpointer } from './sqlite-checkpointer.js';
import { migrateSqlite, openSqlite, statementRunner } from './sqlite-driver.js';

const MIGRATIONS = migrations('sqlite');

export class SqliteLedger extends ReconcilingLedger implements CostLedger, BudgetStore {
  private readonly db: Database.Database;
  private insertEvent!: Database.Statement;
  private upsertRollup!: Database.Statement;
  private enqueueReconciliation!: Database.Statement;
  private readonly checkpointer: Checkpointer | undefined;

  /** `migrations` replaces the schema's list (tests of a failing migration). */
  constructor(
    path: string,
    private readonly migrationList: readonly string[] = MIGRATIONS,
  ) {
    super();
    const opened = openSqlite(path, () => this.db);
    this.db = opened.db;
    this.checkpointer = opened.checkpointer;
  }

  async migrate(): Promise<void> {
    migrateSqlite(this.db, this.migrationList);
    this.insertEvent = this.db.prepare(
      `INSERT OR IGNORE INTO cost_events (${EVENT_COLUMNS.map(([c]) => c).join(', ')}) VALUES (${EVENT_COLUMNS.map(() => '?').join(', ')})`,
    );
    this.enqueueReconciliation = this.db.prepare(
      `INSERT OR IGNORE INTO reconciliations (${recon.RECONCILIATION_COLUMNS.join(', ')}) VALUES (${recon.RECONCILIATION_COLUMNS.map(() => '?').join(', ')})`,
    );
    this.upsertRollup = this.db.prepare(
      `INSERT INTO cost_rollup_hourly (${ROLLUP_COLUMNS.join(', ')}) VALUES (${ROLLUP_COLUMNS.map(() => '?').join(', ')}) ${ROLLUP_ON_CONFLICT}`,
    );
  }

  /** Runs one statement of a budget script (sqlite-driver.ts). */
  private readonly exec = statementRunner(() => this.db);

  /**
   * Runs a budget script in one IMMEDIATE transaction: the write lock is taken first, so no other writer (another
   * connection or process on the same file) slips between a read and the write that depends on it.
   */
  private write<T>(script: () => Script<T>, durable = true): T {
    const transaction = this.db.transaction(() => runSync(script(), this.exec));
    return durable ? transaction.immediate() : this.softDurable(() => transaction.immediate());
  }

  async insertEvents(events: readonly CostEvent[]): Promise<InsertResult> {
    const fresh: CostEvent[] = [];
    this.db.transaction(() => {
      // OR IGNORE: an identity already stored, earlier or in this batch, is a duplicate.
      for (const e of events)
        if (this.insertEvent.run(...EVENT_COLUMNS.map(([, read]) => read(e))).changes === 1) fresh.push(e);
      for (const s of rollupSums(fresh)) {
        this.upsertRollup.run(...rollupRow(s));
      }
      const nowMs = Date.now();
      for (const e of recon.toReconcile(fresh))
        this.enqueueReconciliation.run(...recon.reconciliationRow(e, nowMs));
      runSync(scripts.countIngested(fresh, 'sqlite'), this.exec);
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
        const row = toAggregateRow(r, query, statement);
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

  async putBudget(spec: BudgetSpec, nowMs: number, managedBy = ''): Promise<void> {
    this.write(() => scripts.putBudget(spec, nowMs, managedBy));
  }

  async budgetManagers(): Promise<Map<string, string>> {
    const rows = this.db.prepare('SELECT team, managed_by FROM budgets').all() as {
      team: string;
      managed_by: string;
    }[];
    return new Map(rows.map((r) => [r.team, r.managed_by]));
  }

  async getBudget(team: string): Promise<BudgetSpec | undefined> {
    const row = this.db.prepare('SELECT spec FROM budgets WHERE team = ?').get(team) as
      { spec: string } | undefined;
    return row ? (JSON.parse(row.spec) as BudgetSpec) : undefined;
  }

  async listBudgets(): Promise<BudgetSpec[]> {
    const rows = this.db.prepare('SELECT spec FROM budgets ORDER BY team').all() as { spec: string }[];
    return rows.map((r) => JSON.parse(r.spec) as BudgetSpec);
  }

  async deleteBudget(team: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM budgets WHERE team = ?').run(team).changes === 1;
  }

  /** Read without writing: no lock, however the period rolled (the next admission persists the roll). */
  async counters(team: string, nowMs: number): Promise<BudgetCounters | undefined> {
    return (await this.read(scripts.readCounters(nowMs, team)))[0];
  }

  async allCounters(nowMs: number): Promise<BudgetCounters[]> {
    return this.read(scripts.readCounters(nowMs));
  }

  /**
   * Reservations are short-lived soft state (the TTL sweep removes them): their commits skip the fsync, so
   * admission is not bound by disk latency. They stay atomic, and the next ledger write (synchronous=FULL) syncs
   * them too.
   */
  private softDurable<T>(fn: () => T): T {
    this.db.pragma('synchronous = NORMAL');
    try {
      return fn();
    } finally {
      this.db.pragma('synchronous = FULL');
    }
  }

  async reserve(r: ReservationRequest): Promise<ReserveOutcome | undefined> {
    return this.write(function* () {
      const [fast] = yield { sql: scripts.RESERVE_FAST_SQL, params: scripts.reserveFastParams(r) };
      if (!fast) return yield* scripts.reserveSlow(r);
      yield { sql: scripts.INSERT_RESERVATION_SQL, params: scripts.insertReservationParams(r) };
      return scripts.fastOutcome(fast, r);
    }, false);
  }

  async reservationTeam(id: string): Promise<string | undefined> {
    const row = this.db.prepare('SELECT team FROM reservations WHERE id = ?').get(id) as
      { team: string } | undefined;
    return row?.team;
  }

  async release(id: string): Promise<boolean> {
    return this.write(() => scripts.release(id), false);
  }

  async expireReservations(untilMs: number, limit: number): Promise<number> {
    return this.write(() => scripts.expireReservations(untilMs, limit), false);
  }

  async reservationCount(): Promise<number> {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM reservations').get() as { n: number }).n;
  }

  async recount(nowMs: number, team?: string): Promise<RecountResult[]> {
    return this.write(() => scripts.recount(nowMs, team));
  }

  async recordAlert(alert: AlertRecord): Promise<boolean> {
    return this.write(() => alertScripts.recordAlert(alert));
  }

  async claimDueAlerts(nowMs: number, leaseMs: number, limit: number): Promise<QueuedAlert[]> {
    return this.write(() => alertScripts.claimDueAlerts(nowMs, leaseMs, limit));
  }

  async alertDelivered(id: string, sink: string): Promise<void> {
    this.write(() => alertScripts.alertDelivered(id, sink));
  }

  async alertFailed(id: string, sink: string, nextAttemptMs: number, error: string): Promise<void> {
    this.write(() => alertScripts.alertFailed(id, sink, nextAttemptMs, error));
  }

  protected readonly dialect = 'sqlite';

  protected async runScript<T>(script: Script<T>): Promise<T> {
    return this.write(() => script);
  }

  /** A deferred (read) transaction: no write lock, one consistent snapshot. */
  async read<T>(script: Script<T>): Promise<T> {
    return this.db.transaction(() => runSync(script, this.exec))();
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    await this.checkpointer?.stop();
    this.db.close();
  }
}
