// The scale-out ledger: PostgreSQL shared by every processor instance of a consumer group.
import pg from 'pg';
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
import { runAsync, type Script } from './script.js';
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
import { exec, insertUnnest, inTransaction, migrate, placeholder } from './postgres-driver.js';
import { migrations } from './schema.js';

const MIGRATIONS = migrations('postgres');

export class PostgresLedger extends ReconcilingLedger implements CostLedger, BudgetStore {
  private readonly pool: pg.Pool;
  // Reservations are short-lived soft state (the TTL sweep removes them): their commits do not wait for the WAL
  // flush. A pool of its own, so admissions never queue behind ingest transactions for a connection.
  private readonly reservationPool: pg.Pool;

  /** `migrations` replaces the schema's list (tests of a failing migration). */
  constructor(
    connectionString: string,
    private readonly migrationList: readonly string[] = MIGRATIONS,
  ) {
    super();
    this.pool = new pg.Pool({ connectionString, max: 8 });
    this.reservationPool = new pg.Pool({
      connectionString,
      max: 8,
      options: '-c synchronous_commit=off',
    });
    // Idle-client errors surface on the next query instead.
    this.pool.on('error', () => {});
    this.reservationPool.on('error', () => {});
  }

  /** Runs a budget script in one transaction on one client. */
  private transact<T>(script: Script<T>, pool = this.pool): Promise<T> {
    return inTransaction(pool, (client) => runAsync(script, exec(client)));
  }

  async migrate(): Promise<void> {
    await migrate(this.pool, this.migrationList);
  }

  async insertEvents(events: readonly CostEvent[]): Promise<InsertResult> {
    if (events.length === 0) return { inserted: 0, duplicates: 0 };
    // RETURNING reports a key once even when the batch names it twice: keep the first of each identity.
    const unique = new Map<string, CostEvent>();
    for (const e of events)
      if (!unique.has(`${e.traceId}/${e.spanId}`)) unique.set(`${e.traceId}/${e.spanId}`, e);
    const batch = [...unique.values()];
    return inTransaction(this.pool, async (client) => {
      const result = await insertUnnest(
        client,
        'cost_events',
        EVENT_COLUMNS.map(([c]) => c),
        batch.map((e) => EVENT_COLUMNS.map(([, read]) => read(e))),
        'ON CONFLICT (trace_id, span_id) DO NOTHING RETURNING trace_id, span_id',
      );
      const fresh = new Set(result.rows.map((r) => `${r.trace_id}/${r.span_id}`));
      const inserted = batch.filter((e) => fresh.has(`${e.traceId}/${e.spanId}`));
      await this.addToRollup(client, inserted);
      await PostgresLedger.enqueueReconciliations(client, recon.toReconcile(inserted));
      // Last before COMMIT: the counter rows stay locked for as short a time as possible.
      await runAsync(scripts.countIngested(inserted, 'postgres'), exec(client));
      return { inserted: inserted.length, duplicates: events.length - inserted.length };
    });
  }

  /** Queues fresh calls for reconciliation. */
  private static async enqueueReconciliations(client: pg.PoolClient, events: CostEvent[]): Promise<void> {
    if (events.length === 0) return;
    const nowMs = Date.now();
    await insertUnnest(
      client,
      'reconciliations',
      recon.RECONCILIATION_COLUMNS,
      events.map((e) => recon.reconciliationRow(e, nowMs)),
      'ON CONFLICT (generation_id) DO NOTHING',
    );
  }

  /** Adds fresh events to the hourly rollup. */
  private async addToRollup(client: pg.PoolClient, events: CostEvent[]): Promise<void> {
    const sums = rollupSums(events);
    if (sums.length === 0) return;
    // One statement for every key (keys are distinct and sorted, so rows lock in one order).
    await insertUnnest(client, 'cost_rollup_hourly', ROLLUP_COLUMNS, sums.map(rollupRow), ROLLUP_ON_CONFLICT);
  }

  async aggregate(query: AggregateQuery): Promise<AggregateRow[]> {
    const rows: AggregateRow[] = [];
    for (const statement of aggregateStatements(query, placeholder)) {
      const result = await this.pool.query(statement.text, statement.params);
      for (const r of result.rows as Record<string, unknown>[]) {
        const row = toAggregateRow(r, query, statement);
        if (row) rows.push(row);
      }
    }
    return rows;
  }

  async providerSamples(query: Omit<AggregateQuery, 'groupBy'>): Promise<ProviderSample[]> {
    const statement = providerSamplesStatement(query, placeholder);
    const result = await this.pool.query(statement.text, statement.params);
    return (result.rows as Record<string, unknown>[]).map(toProviderSample);
  }

  async putBudget(spec: BudgetSpec, nowMs: number, managedBy = ''): Promise<void> {
    await this.transact(scripts.putBudget(spec, nowMs, managedBy));
  }

  async budgetManagers(): Promise<Map<string, string>> {
    const { rows } = await this.pool.query('SELECT team, managed_by FROM budgets');
    return new Map(rows.map((r) => [String(r.team), String(r.managed_by)]));
  }

  async getBudget(team: string): Promise<BudgetSpec | undefined> {
    const { rows } = await this.pool.query('SELECT spec FROM budgets WHERE team = $1', [team]);
    return rows[0] ? (JSON.parse(rows[0].spec as string) as BudgetSpec) : undefined;
  }

  async listBudgets(): Promise<BudgetSpec[]> {
    const { rows } = await this.pool.query('SELECT spec FROM budgets ORDER BY team');
    return rows.map((r) => JSON.parse(r.spec as string) as BudgetSpec);
  }

  async deleteBudget(team: string): Promise<boolean> {
    return ((await this.pool.query('DELETE FROM budgets WHERE team = $1', [team])).rowCount ?? 0) === 1;
  }

  /** Read without writing: no lock, however the period rolled (the next admission persists the roll). */
  async counters(team: string, nowMs: number): Promise<BudgetCounters | undefined> {
    return (await this.read(scripts.readCounters(nowMs, team)))[0];
  }

  async allCounters(nowMs: number): Promise<BudgetCounters[]> {
    return this.read(scripts.readCounters(nowMs));
  }

  /**
   * The fast path is one statement: a conditional UPDATE of the team's row (its row lock orders concurrent
   * admissions from every processor) that inserts the reservation only when it matched. Otherwise — a new
   * period, a rolling window, a BLOCKED decision — a transaction locks the row and decides.
   */
  async reserve(r: ReservationRequest): Promise<ReserveOutcome | undefined> {
    const run = exec(this.reservationPool);
    // One round trip decides most calls: the conditional UPDATE admits (and the INSERT records the reservation),
    // or, when it matched nothing, the row as of this statement's snapshot says whether the call is BLOCKED.
    const [row] = await run({
      sql: `WITH admitted AS (${scripts.RESERVE_FAST_SQL}),
        inserted AS (INSERT INTO reservations (id, team, amount_nano, created_ms, expires_ms, status, model)
          SELECT $4::text, $2, $1, $3, $5::bigint, 'active', $6::text FROM admitted)
        SELECT true AS admitted, * FROM admitted
        UNION ALL
        SELECT false, spec, period_start, period_end, window_ms, spent_nano, reserved_nano
          FROM budgets WHERE team = $2 AND NOT EXISTS (SELECT 1 FROM admitted)`,
      params: [...scripts.reserveFastParams(r), r.id, r.expiresMs, r.model ?? ''],
    });
    if (!row) return undefined;
    if (row.admitted === true) return scripts.fastOutcome(row, r);
    const blocked = scripts.blockedOutcome(row, r);
    if (blocked) return blocked;
    return this.transact(scripts.reserveSlow(r), this.reservationPool);
  }

  async reservationTeam(id: string): Promise<string | undefined> {
    const { rows } = await this.pool.query('SELECT team FROM reservations WHERE id = $1', [id]);
    return rows[0] ? String(rows[0].team) : undefined;
  }

  async release(id: string): Promise<boolean> {
    return this.transact(scripts.release(id), this.reservationPool);
  }

  /**
   * One statement, so counter rows stay locked only while it runs: expired reservations are deleted (SKIP LOCKED:
   * processors sweeping at once take different rows), their amounts summed per team, the teams' rows locked in
   * team order (as every writer locks them) and their reserved counters lowered.
   */
  async expireReservations(untilMs: number, limit: number): Promise<number> {
    const { rows } = await this.reservationPool.query(
      `WITH expired AS (
         DELETE FROM reservations WHERE id IN (
           SELECT id FROM reservations WHERE expires_ms <= $1 ORDER BY expires_ms LIMIT $2 FOR UPDATE SKIP LOCKED)
         RETURNING team, amount_nano),
       sums AS (SELECT team, SUM(amount_nano) AS amount FROM expired GROUP BY team),
       locked AS (SELECT team FROM budgets WHERE team IN (SELECT team FROM sums) ORDER BY team FOR UPDATE),
       updated AS (
         UPDATE budgets b SET reserved_nano = b.reserved_nano - sums.amount FROM sums, locked
         WHERE b.team = sums.team AND locked.team = b.team RETURNING 1)
       SELECT COUNT(*) AS n FROM expired`,
      [untilMs, limit],
    );
    return Number(rows[0].n);
  }

  async reservationCount(): Promise<number> {
    const { rows } = await this.pool.query('SELECT COUNT(*) AS n FROM reservations');
    return Number(rows[0].n);
  }

  async recount(nowMs: number, team?: string): Promise<RecountResult[]> {
    return this.transact(scripts.recount(nowMs, team));
  }

  async recordAlert(alert: AlertRecord): Promise<boolean> {
    return this.transact(alertScripts.recordAlert(alert));
  }

  async claimDueAlerts(nowMs: number, leaseMs: number, limit: number): Promise<QueuedAlert[]> {
    return runAsync(alertScripts.claimDueAlerts(nowMs, leaseMs, limit), exec(this.pool));
  }

  async alertDelivered(id: string, sink: string): Promise<void> {
    await this.transact(alertScripts.alertDelivered(id, sink));
  }

  async alertFailed(id: string, sink: string, nextAttemptMs: number, error: string): Promise<void> {
    await runAsync(alertScripts.alertFailed(id, sink, nextAttemptMs, error), exec(this.pool));
  }

  protected readonly dialect = 'postgres';

  protected runScript<T>(script: Script<T>): Promise<T> {
    return this.transact(script);
  }

  read<T>(script: Script<T>): Promise<T> {
    return runAsync(script, exec(this.pool));
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.reservationPool.end();
    await this.pool.end();
  }
}
