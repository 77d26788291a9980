// A migration that fails halfway leaves nothing behind: its statements roll back, the migration lock is released
// and the connection is usable, so fixing the migration and starting again just works.
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { PostgresLedger } from '../src/index.js';
import { migrations } from '../src/ledger/schema.js';
import { freshDatabase } from './support/postgres.js';

const { endpoints } = inject('stack');
const BROKEN = `CREATE TABLE half_done (x INTEGER); INSERT INTO half_done VALUES (1); SELECT 1 / 0;`;

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
