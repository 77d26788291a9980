// The PostgreSQL driver's prepared statements (admissions' soft writes): prepared once per connection, and prepared
// again when a migration by another processor changed what they return.
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { PostgresDriver } from '../../src/ledger/postgres-driver.js';
import type { Script } from '../../src/ledger/script.js';
import { freshDatabase } from '../support/postgres.js';

const { endpoints } = inject('stack');

function* everyRow(): Script<Record<string, unknown>[]> {
  return yield { sql: 'SELECT * FROM t ORDER BY k', params: [] };
}

function* preparedHere(): Script<Record<string, unknown>[]> {
  return yield { sql: "SELECT name FROM pg_prepared_statements WHERE name LIKE 'genops%'", params: [] };
}

describe('PostgresDriver soft writes', () => {
  it('are prepared once per connection, and again after a migration changed what they return', async () => {
    const url = await freshDatabase(endpoints.postgresUrl);
    const driver = new PostgresDriver(url);
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query("CREATE TABLE t (k TEXT PRIMARY KEY); INSERT INTO t VALUES ('a')");
      const soft = { soft: true, autocommit: true } as const;
      for (let i = 0; i < 5; i++) expect(await driver.write(everyRow(), soft)).toEqual([{ k: 'a' }]);
      // Sequential calls reuse the pool's last connection: both statements are prepared there.
      expect((await driver.write(preparedHere(), soft)).length).toBe(2);
      // Another processor's migration: the prepared statement's result type changes.
      await admin.query('ALTER TABLE t ADD COLUMN n INTEGER NOT NULL DEFAULT 7');
      for (let i = 0; i < 5; i++) expect(await driver.write(everyRow(), soft)).toEqual([{ k: 'a', n: 7 }]);
    } finally {
      await admin.end();
      await driver.close();
    }
  });
});
