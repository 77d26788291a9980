// The frozen migrations on PostgreSQL: an empty database migrates to the checked-in schema; a ledger the previous
// release left (every migration but the last, with data) upgrades with every row and total intact; and a migration
// that fails halfway leaves nothing behind: its statements roll back, the migration lock is released and the
// connection is usable, so fixing the migration and starting again just works.
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { PostgresLedger } from '../../src/ledger/postgres-ledger.js';
import { migrations } from '../../src/ledger/schema.js';
import {
  expectHourTreeFilled,
  expectIdentitiesKept,
  INTACT,
  INTACT_AFTER,
  PREVIOUS_RELEASE_MIGRATIONS,
  PREVIOUS_RELEASE_ROWS,
} from './support/previous-release.js';
import { freshDatabase } from '../support/postgres.js';

const { endpoints } = inject('stack');
const BROKEN = `CREATE TABLE half_done (x INTEGER); INSERT INTO half_done VALUES (1); SELECT 1 / 0;`;

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Every column and index of the ledger's tables, one per line (schema_migrations aside). */
async function schemaOf(client: pg.Client): Promise<string> {
  const columns = await client.query(
    `SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns
     WHERE table_schema = current_schema() AND table_name <> 'schema_migrations'
     ORDER BY table_name, ordinal_position`,
  );
  const indexes = await client.query(
    `SELECT indexname, indexdef FROM pg_indexes
     WHERE schemaname = current_schema() AND tablename <> 'schema_migrations' ORDER BY indexname`,
  );
  const lines = [
    ...columns.rows.map(
      (r) =>
        `column ${r.table_name}.${r.column_name}: ${r.data_type}${r.is_nullable === 'NO' ? ' NOT NULL' : ''}${r.column_default === null ? '' : ` DEFAULT ${r.column_default}`}`,
    ),
    ...indexes.rows.map((r) => `index ${r.indexname}: ${r.indexdef}`),
  ];
  return `${lines.join('\n')}\n`;
}

/** Each query's rows, numbers as numbers (PostgreSQL returns BIGINT sums as strings). */
async function readAll(client: pg.Client, queries: Record<string, string>) {
  const out: Record<string, unknown[]> = {};
  for (const [name, sql] of Object.entries(queries))
    out[name] = (await client.query(sql)).rows.map((row: Record<string, unknown>) =>
      Object.fromEntries(
        Object.entries(row).map(([k, v]) => [k, typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v]),
      ),
    );
  return out;
}

describe('the PostgreSQL schema', () => {
  it('is what the frozen migrations make of an empty database', async () => {
    const url = await freshDatabase(endpoints.postgresUrl);
    const ledger = new PostgresLedger(url);
    await ledger.migrate();
    await ledger.close();
    await withClient(url, async (client) => {
      await expect(await schemaOf(client)).toMatchFileSnapshot('./fixtures/schema-postgres.txt');
    });
  });

  it('upgrades a ledger the previous release left, every row and total intact', async () => {
    const url = await freshDatabase(endpoints.postgresUrl);
    const before = await withClient(url, async (client) => {
      await client.query(
        'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())',
      );
      const previous = migrations('postgres').slice(0, PREVIOUS_RELEASE_MIGRATIONS);
      for (const [i, sql] of previous.entries()) {
        await client.query(sql);
        await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [i + 1]);
      }
      for (const sql of PREVIOUS_RELEASE_ROWS) await client.query(sql);
      return readAll(client, INTACT);
    });
    const ledger = new PostgresLedger(url);
    await ledger.migrate();
    await withClient(url, async (client) => {
      expect(await readAll(client, INTACT_AFTER)).toEqual(before);
      expect(before.events).toEqual([
        { n: 6, cost: 4_251_500, input: 1_710, output: 211, errors: 1, adjustments: 2 },
      ]);
    });
    await expectHourTreeFilled(ledger);
    await expectIdentitiesKept(ledger);
    await ledger.close();
  });
});

describe('PostgresLedger migrations', () => {
  describe('when a migration fails halfway', () => {
    it('rolls it back, releases the lock, and a fixed list migrates on the same pool', async () => {
      const url = await freshDatabase(endpoints.postgresUrl);
      const real = migrations('postgres');
      const broken = new PostgresLedger(url, [...real, BROKEN]);
      await expect(broken.migrate()).rejects.toThrow(
        `ledger migration ${real.length + 1} failed: division by zero`,
      );
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        expect((await client.query(`SELECT to_regclass('half_done') AS t`)).rows[0].t).toBeNull();
        expect((await client.query('SELECT max(version) AS v FROM schema_migrations')).rows[0].v).toBe(
          real.length,
        );
        // Another processor can take the migration lock at once: it was released.
        expect((await client.query('SELECT pg_try_advisory_lock(4627001) AS ok')).rows[0].ok).toBe(true);
        await client.query('SELECT pg_advisory_unlock(4627001)');
      } finally {
        await client.end();
      }
      // The pool's connections are not left in an aborted transaction.
      await broken.insertEvents([]);
      expect(await broken.reservationCount()).toBe(0);
      await broken.close();
      const fixed = new PostgresLedger(url, [...real, 'CREATE TABLE half_done (x INTEGER);']);
      await fixed.migrate();
      await fixed.close();
    });
  });
});
