// The frozen migrations on SQLite: an empty database migrates to the checked-in schema, and a ledger the previous
// release left (every migration but the last, with data) upgrades with every row and total intact.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SqliteLedger } from '../../src/ledger/sqlite-ledger.js';
import { migrations } from '../../src/ledger/schema.js';
import {
  expectHourTreeFilled,
  expectIdentitiesKept,
  INTACT,
  INTACT_AFTER,
  PREVIOUS_RELEASE_MIGRATIONS,
  PREVIOUS_RELEASE_ROWS,
} from './support/previous-release.js';

const path = () => join(mkdtempSync(join(tmpdir(), 'genops-schema-')), 'ledger.db');

/** Every table and index as SQLite keeps it, one per line (schema_migrations aside). */
function schemaOf(db: Database.Database): string {
  const rows = db
    .prepare(
      `SELECT type, name, sql FROM sqlite_master
       WHERE name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations' ORDER BY type, name`,
    )
    .all() as { type: string; name: string; sql: string | null }[];
  return `${rows.map((r) => `${r.type} ${r.name}: ${(r.sql ?? '').replace(/\s+/g, ' ')}`).join('\n')}\n`;
}

const readAll = (db: Database.Database, queries: Record<string, string>) =>
  Object.fromEntries(Object.entries(queries).map(([name, sql]) => [name, db.prepare(sql).all()]));

describe('the SQLite schema', () => {
  it('is what the frozen migrations make of an empty database', async () => {
    const file = path();
    const ledger = new SqliteLedger(file);
    await ledger.migrate();
    await ledger.close();
    const db = new Database(file, { readonly: true });
    try {
      await expect(schemaOf(db)).toMatchFileSnapshot('./fixtures/schema-sqlite.txt');
      expect(db.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get()).toEqual({
        n: migrations('sqlite').length,
      });
    } finally {
      db.close();
    }
  });

  it('upgrades a ledger the previous release left, every row and total intact', async () => {
    const file = path();
    // The previous release's schema, recorded as its ledger records it.
    const db = new Database(file);
    db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
    migrations('sqlite')
      .slice(0, PREVIOUS_RELEASE_MIGRATIONS)
      .forEach((sql, i) => {
        db.exec(sql);
        db.prepare('INSERT INTO schema_migrations VALUES (?, ?)').run(i + 1, 'the previous release');
      });
    for (const sql of PREVIOUS_RELEASE_ROWS) db.exec(sql);
    const before = readAll(db, INTACT);
    db.close();

    const ledger = new SqliteLedger(file);
    await ledger.migrate();
    const after = new Database(file, { readonly: true });
    try {
      expect(readAll(after, INTACT_AFTER)).toEqual(before);
      expect(before.events).toEqual([
        { n: 6, cost: 4_251_500, input: 1_710, output: 211, errors: 1, adjustments: 2 },
      ]);
    } finally {
      after.close();
    }
    await expectHourTreeFilled(ledger);
    await expectIdentitiesKept(ledger);
    await ledger.close();
  });
});
