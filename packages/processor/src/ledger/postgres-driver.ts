// The PostgreSQL driver under the ledger: scripts' statements on one client inside BEGIN … COMMIT (FOR UPDATE where
// a script asks for a lock), batch inserts as one `unnest` statement, migrations under an advisory lock so
// processors starting at once migrate one at a time.
import { createHash } from 'node:crypto';
import pg from 'pg';
import { EVENT_PG_TYPES } from './event-columns.js';
import type { LedgerDriver, WriteOptions } from './ledger-driver.js';
import { isBatchInsert, runAsync, type BatchInsert, type Row, type Script, type Step } from './script.js';

/** PostgreSQL types of the columns batch-inserted that are not text (events, rollups, the reconciliation queue). */
const PG_COLUMN_TYPES: Record<string, string> = {
  ...EVENT_PG_TYPES,
  hour: 'bigint',
  node: 'integer',
  day: 'bigint',
  requests: 'bigint',
  errors: 'bigint',
  recorded_nano: 'bigint',
  recorded_upstream_nano: 'bigint',
  attempts: 'integer',
  created_ms: 'bigint',
  next_attempt_ms: 'bigint',
  billed_nano: 'bigint',
  billed_upstream_nano: 'bigint',
  reconciled_ms: 'bigint',
};

/** Serialises concurrent migrations from several processors starting at once. */
const MIGRATION_LOCK = 4_627_001;

type Client = pg.Pool | pg.PoolClient;

/**
 * `INSERT INTO table (columns) SELECT * FROM unnest($1::type[], …) tail`: one array parameter per column, so the
 * statement's size does not grow with the batch and PostgreSQL parses and plans it once. Bigints travel as text.
 */
function insertUnnest(client: Client, step: BatchInsert): Promise<pg.QueryResult> {
  const arrays = step.columns.map((_, i) =>
    step.rows.map((row) => (typeof row[i] === 'bigint' ? String(row[i]) : row[i])),
  );
  const casts = step.columns.map((c, i) => `$${i + 1}::${PG_COLUMN_TYPES[c] ?? 'text'}[]`);
  const returning = step.returning?.length ? ` RETURNING ${step.returning.join(', ')}` : '';
  return client.query(
    `INSERT INTO ${step.insert} (${step.columns.join(', ')}) SELECT * FROM unnest(${casts.join(', ')}) ${step.onConflict}${returning}`,
    arrays,
  );
}

/** Names of statements prepared on each connection that runs them: a generation and their SQL's hash. */
const statementNames = new Map<string, string>();
let generation = 0;

function statementName(text: string): string {
  let name = statementNames.get(text);
  if (!name) {
    name = `genops${generation}_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    statementNames.set(text, name);
  }
  return name;
}

/**
 * A statement prepared earlier whose result's shape changed since ("cached plan must not change result type": a
 * migration by another processor during a rolling upgrade). PostgreSQL keeps refusing that prepared statement.
 */
const isStalePlan = (error: unknown) => (error as { code?: string }).code === '0A000';

/** Every statement is prepared again, under new names, on each connection that runs it next. */
function prepareAnew(): void {
  generation++;
  statementNames.clear();
}

/**
 * Runs a script's steps on `client` (a pool, or one client inside a transaction). `prepared`: each statement is
 * prepared once per connection and named by its text — admissions' statements, whose parsing and planning were most
 * of PostgreSQL's CPU per call; their texts are fixed (lists travel as arrays), so the names stay few.
 */
function exec(client: Client, prepared = false): (step: Step) => Promise<Row[]> {
  return async (step) => {
    if (isBatchInsert(step)) return step.rows.length ? (await insertUnnest(client, step)).rows : [];
    const values = step.params.map((v) => (typeof v === 'bigint' ? v.toString() : v));
    const text = step.lock ? `${step.sql} FOR UPDATE` : step.sql;
    if (!prepared) return (await client.query(text, values)).rows as Row[];
    try {
      return (await client.query({ name: statementName(text), text, values })).rows as Row[];
    } catch (error) {
      if (!isStalePlan(error)) throw error;
      prepareAnew();
      // Outside a transaction the call is retried at once; inside, the transaction is aborted and the call fails.
      if (!(client instanceof pg.Pool)) throw error;
      return (await client.query({ name: statementName(text), text, values })).rows as Row[];
    }
  };
}

/** A script in one transaction on one connection of `pool`, begun by `begin`; rolled back if it throws. */
async function inTransaction<T>(pool: pg.Pool, begin: string, script: Script<T>, soft?: boolean): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(begin);
    const result = await runAsync(script, exec(client, soft));
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

export class PostgresDriver implements LedgerDriver {
  readonly dialect = 'postgres';
  private readonly pool: pg.Pool;
  // Reservations are short-lived soft state: their commits do not wait for the WAL flush. A pool of its own, so
  // admissions never queue behind ingest transactions for a connection. Its few statements, prepared once each, run
  // on their generic plan: PostgreSQL otherwise re-planned the sweep's every step (0.7 ms of 2.8, bench:budgets). Its
  // connections stay open once made (not closed after 10 s idle, the default): a call after a quiet spell does not
  // wait for a connection to open and its statements to be prepared again.
  private readonly softPool: pg.Pool;

  constructor(connectionString: string) {
    this.pool = new pg.Pool({ connectionString, max: 8 });
    this.softPool = new pg.Pool({
      connectionString,
      max: 8,
      min: 8,
      options: '-c synchronous_commit=off -c plan_cache_mode=force_generic_plan',
    });
    // Idle-client errors surface on the next query instead.
    this.pool.on('error', () => {});
    this.softPool.on('error', () => {});
  }

  write<T>(script: Script<T>, options: WriteOptions = {}): Promise<T> {
    const pool = options.soft ? this.softPool : this.pool;
    if (options.autocommit) return runAsync(script, exec(pool, options.soft));
    return inTransaction(pool, 'BEGIN', script, options.soft);
  }

  /**
   * A read on one snapshot: a report's parts (whole hours, less the part of `from`'s hour before `from`, …) all see
   * the same rows, so a call recorded meanwhile is counted in every part or in none.
   */
  read<T>(script: Script<T>): Promise<T> {
    return inTransaction(this.pool, 'BEGIN ISOLATION LEVEL REPEATABLE READ', script);
  }

  async migrate(migrations: readonly string[]): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      await client.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)',
      );
      const { rows } = await client.query('SELECT version FROM schema_migrations');
      const applied = new Set(rows.map((r) => Number(r.version)));
      for (const [i, sql] of migrations.entries()) {
        if (!applied.has(i + 1)) await PostgresDriver.apply(client, i + 1, sql);
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
      client.release();
    }
  }

  private static async apply(client: pg.PoolClient, version: number, sql: string): Promise<void> {
    await client.query('BEGIN');
    try {
      await client.query(sql);
      await client.query('INSERT INTO schema_migrations VALUES ($1, now())', [version]);
      await client.query('COMMIT');
    } catch (error) {
      // Leave no aborted transaction on a pooled connection; the caller releases the lock.
      await client.query('ROLLBACK').catch(() => {});
      throw new Error(`ledger migration ${version} failed: ${(error as Error).message}`, { cause: error });
    }
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.softPool.end();
    await this.pool.end();
  }
}
