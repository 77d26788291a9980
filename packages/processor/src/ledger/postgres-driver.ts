// The PostgreSQL driver under the ledger: scripts' statements run on a client, transactions (committed or rolled
// back), batch inserts as one `unnest` statement, and migrations under an advisory lock so processors starting at once
// migrate one at a time.
import pg from 'pg';
import { EVENT_PG_TYPES } from './event-columns.js';
import type { Query, Row } from './script.js';

/** PostgreSQL types of the columns written through `insertUnnest` that are not text (events, rollups, queue). */
const PG_COLUMN_TYPES: Record<string, string> = {
  ...EVENT_PG_TYPES,
  hour: 'bigint',
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

/**
 * `INSERT INTO table (columns) SELECT * FROM unnest($1::type[], …) tail`: one array parameter per column, so the
 * statement's size does not grow with the batch and PostgreSQL parses and plans it once. Rows are in column order;
 * bigint values travel as strings.
 */
export function insertUnnest(
  client: pg.PoolClient,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
  tail: string,
): Promise<pg.QueryResult> {
  const arrays = columns.map((_, i) =>
    rows.map((row) => (typeof row[i] === 'bigint' ? String(row[i]) : row[i])),
  );
  const casts = columns.map((c, i) => `${placeholder(i + 1)}::${PG_COLUMN_TYPES[c] ?? 'text'}[]`);
  return client.query(
    `INSERT INTO ${table} (${columns.join(', ')}) SELECT * FROM unnest(${casts.join(', ')}) ${tail}`,
    arrays,
  );
}

/** PostgreSQL's numbered parameter: `$1`, `$2`, … */
export const placeholder = (i: number) => `$${i}`;
// Serialises concurrent migrations from several processors starting at once.
/** Serialises concurrent migrations from several processors starting at once. */
const MIGRATION_LOCK = 4_627_001;

/** Runs a script's statements on `client` (a pool, or one client inside a transaction); bigints travel as text. */
export function exec(client: pg.Pool | pg.PoolClient): (q: Query) => Promise<Row[]> {
  return async (q) => {
    const params = q.params.map((v) => (typeof v === 'bigint' ? v.toString() : v));
    const result = await client.query(q.lock ? `${q.sql} FOR UPDATE` : q.sql, params);
    return result.rows as Row[];
  };
}

/** Runs `work` in one transaction on one client of `pool`: committed, or rolled back when it throws. */
export async function inTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** Applies the migrations not yet applied, each in its own transaction, under the migration lock. */
export async function migrate(pool: pg.Pool, migrations: readonly string[]): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)',
    );
    const applied = new Set(
      (await client.query('SELECT version FROM schema_migrations')).rows.map((r) => Number(r.version)),
    );
    for (const [i, sql] of migrations.entries()) {
      if (applied.has(i + 1)) continue;
      await client.query('BEGIN');
      try {
        await client.query(sql);
        await client.query('INSERT INTO schema_migrations VALUES ($1, now())', [i + 1]);
        await client.query('COMMIT');
      } catch (error) {
        // Leave no aborted transaction on a pooled connection; the finally below releases the lock.
        await client.query('ROLLBACK').catch(() => {});
        throw new Error(`ledger migration ${i + 1} failed: ${(error as Error).message}`, { cause: error });
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
    client.release();
  }
}
