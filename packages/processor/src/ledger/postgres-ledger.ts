// The scale-out ledger: PostgreSQL shared by every processor instance of a consumer group.
import pg from 'pg';
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

const MIGRATIONS = migrations('postgres');

const placeholder = (i: number) => `$${i}`;
// Serialises concurrent migrations from several processors starting at once.
const MIGRATION_LOCK = 4_627_001;

export class PostgresLedger implements CostLedger, BudgetStore {
  private readonly pool: pg.Pool;

  constructor(connectionString: string) {
    this.pool = new pg.Pool({ connectionString, max: 8 });
    this.pool.on('error', () => {}); // idle-client errors surface on the next query instead
  }

  async migrate(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      await client.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)',
      );
      const applied = new Set(
        (await client.query('SELECT version FROM schema_migrations')).rows.map((r) => Number(r.version)),
      );
      for (const [i, sql] of MIGRATIONS.entries()) {
        if (applied.has(i + 1)) continue;
        await client.query('BEGIN');
        await client.query(sql);
        await client.query('INSERT INTO schema_migrations VALUES ($1, now())', [i + 1]);
        await client.query('COMMIT');
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
      client.release();
    }
  }

  async insertEvents(events: readonly CostEvent[]): Promise<InsertResult> {
    if (events.length === 0) return { inserted: 0, duplicates: 0 };
    // RETURNING reports a key once even when the batch names it twice: keep the first of each identity.
    const unique = new Map<string, CostEvent>();
    for (const e of events)
      if (!unique.has(`${e.traceId}/${e.spanId}`)) unique.set(`${e.traceId}/${e.spanId}`, e);
    const batch = [...unique.values()];
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const inserted: CostEvent[] = [];
      // Chunks keep each statement under PostgreSQL's 65535-parameter limit.
      const perRow = EVENT_COLUMNS.length;
      const chunk = Math.floor(60_000 / perRow);
      for (let start = 0; start < batch.length; start += chunk) {
        const slice = batch.slice(start, start + chunk);
        const params: unknown[] = [];
        const rows = slice.map((e) => {
          const cells = EVENT_COLUMNS.map(([, read]) => {
            const v = read(e);
            params.push(typeof v === 'bigint' ? v.toString() : v);
            return placeholder(params.length);
          });
          return `(${cells.join(', ')})`;
        });
        const result = await client.query(
          `INSERT INTO cost_events (${EVENT_COLUMNS.map(([c]) => c).join(', ')}) VALUES ${rows.join(', ')}
           ON CONFLICT (trace_id, span_id) DO NOTHING RETURNING trace_id, span_id`,
          params,
        );
        const fresh = new Set(result.rows.map((r) => `${r.trace_id}/${r.span_id}`));
        for (const e of slice) if (fresh.has(`${e.traceId}/${e.spanId}`)) inserted.push(e);
      }
      await this.addToRollup(client, inserted);
      const settled = inserted.filter((e) => e.reservationId).map((e) => e.reservationId);
      if (settled.length) {
        await client.query(
          `UPDATE reservations SET status = 'settled' WHERE id = ANY($1) AND status = 'active'`,
          [settled],
        );
      }
      await client.query('COMMIT');
      return { inserted: inserted.length, duplicates: events.length - inserted.length };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  /** Adds fresh events to the hourly rollup. */
  private async addToRollup(client: pg.PoolClient, events: CostEvent[]): Promise<void> {
    const columns = [
      'hour',
      ...ROLLUP_KEYS,
      'cost_nano',
      'requests',
      'errors',
      'input_tokens',
      'output_tokens',
    ];
    for (const s of rollupSums(events)) {
      const values = [...s.key, s.costNano.toString(), s.requests, s.errors, s.inputTokens, s.outputTokens];
      await client.query(
        `INSERT INTO cost_rollup_hourly (${columns.join(', ')}) VALUES (${values.map((_, i) => placeholder(i + 1)).join(', ')})
         ON CONFLICT (hour, ${ROLLUP_KEYS.join(', ')}) DO UPDATE SET
           cost_nano = cost_rollup_hourly.cost_nano + EXCLUDED.cost_nano,
           requests = cost_rollup_hourly.requests + EXCLUDED.requests,
           errors = cost_rollup_hourly.errors + EXCLUDED.errors,
           input_tokens = cost_rollup_hourly.input_tokens + EXCLUDED.input_tokens,
           output_tokens = cost_rollup_hourly.output_tokens + EXCLUDED.output_tokens`,
        values,
      );
    }
  }

  async aggregate(query: AggregateQuery): Promise<AggregateRow[]> {
    const rows: AggregateRow[] = [];
    for (const statement of aggregateStatements(query, placeholder)) {
      const result = await this.pool.query(statement.text, statement.params);
      for (const r of result.rows as Record<string, unknown>[]) {
        const row = toAggregateRow(r, query.groupBy);
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

  async putBudget(spec: BudgetSpec, nowMs: number): Promise<void> {
    await this.pool.query(
      'INSERT INTO budgets VALUES ($1, $2, $3) ON CONFLICT (team) DO UPDATE SET spec = EXCLUDED.spec, updated_ms = EXCLUDED.updated_ms',
      [spec.team, JSON.stringify(spec), nowMs],
    );
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

  private async totalsWith(
    client: pg.Pool | pg.PoolClient,
    team: string,
    startMs: number,
    endMs: number,
    nowMs: number,
  ): Promise<Totals> {
    const { rows } = await client.query(
      `SELECT (SELECT COALESCE(SUM(cost_nano), 0) FROM cost_events WHERE team = $1 AND event_time >= $2 AND event_time < $3) AS spent,
              (SELECT COALESCE(SUM(amount_nano), 0) FROM reservations WHERE team = $1 AND status = 'active' AND expires_ms > $4) AS reserved`,
      [team, startMs, endMs, nowMs],
    );
    return { spentNano: BigInt(String(rows[0].spent)), reservedNano: BigInt(String(rows[0].reserved)) };
  }

  async totals(team: string, startMs: number, endMs: number, nowMs: number): Promise<Totals> {
    return this.totalsWith(this.pool, team, startMs, endMs, nowMs);
  }

  async reserve(
    r: ReservationRequest,
    admit: (totals: Totals) => boolean,
  ): Promise<Totals & { admitted: boolean }> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // Reservations are short-lived soft state (a TTL releases them): no WAL flush wait at commit.
      await client.query('SET LOCAL synchronous_commit = off');
      // One admission at a time per team, across every processor sharing this database.
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`genops.budget:${r.team}`]);
      const totals = await this.totalsWith(client, r.team, r.periodStartMs, r.periodEndMs, r.nowMs);
      const admitted = admit(totals);
      if (admitted) {
        await client.query(`INSERT INTO reservations VALUES ($1, $2, $3, $4, $5, 'active')`, [
          r.id,
          r.team,
          r.amountNano.toString(),
          r.nowMs,
          r.expiresMs,
        ]);
      }
      await client.query('COMMIT');
      return { ...totals, admitted };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  async release(id: string): Promise<boolean> {
    const result = await this.pool.query(
      `UPDATE reservations SET status = 'released' WHERE id = $1 AND status = 'active'`,
      [id],
    );
    return (result.rowCount ?? 0) === 1;
  }

  async markAlertFired(
    team: string,
    periodStartMs: number,
    alertKey: string,
    nowMs: number,
  ): Promise<boolean> {
    const result = await this.pool.query(
      'INSERT INTO budget_alerts_fired VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
      [team, periodStartMs, alertKey, nowMs],
    );
    return (result.rowCount ?? 0) === 1;
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
