// The SQLite driver under the ledger: a database opened for a ledger (WAL, full sync, a busy timeout, checkpoints
// in a worker thread), migrations each in one transaction, and scripts' statements prepared once and bound by
// number.
import Database from 'better-sqlite3';
import type { Query, Row } from './script.js';
import { startCheckpointer, type Checkpointer } from './sqlite-checkpointer.js';

/** Opens the ledger's database; `current` gives the open handle to the checkpointer's fallback. */
export function openSqlite(
  path: string,
  current: () => Database.Database,
): { db: Database.Database; checkpointer: Checkpointer | undefined } {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  if (db.pragma('journal_mode', { simple: true }) !== 'wal') return { db, checkpointer: undefined };
  // Checkpoints run in a worker thread (sqlite-checkpointer.ts), not inside a commit on this thread.
  db.pragma('wal_autocheckpoint = 0');
  const checkpointer = startCheckpointer(path, 200, (message) => {
    // Never let the WAL grow without bound: back to checkpoints inside commits.
    process.emitWarning(`SQLite checkpoint worker failed (${message}); checkpointing on the main thread`);
    const open = current();
    if (open.open) open.pragma('wal_autocheckpoint = 1000');
  });
  return { db, checkpointer };
}

/** Applies the migrations not yet applied, each in one transaction: a failure rolls all of it back. */
export function migrateSqlite(db: Database.Database, migrations: readonly string[]): void {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)',
  );
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map(
      (r) => r.version,
    ),
  );
  migrations.forEach((sql, i) => {
    if (applied.has(i + 1)) return;
    try {
      db.transaction(() => {
        db.exec(sql);
        db.prepare('INSERT INTO schema_migrations VALUES (?, ?)').run(i + 1, new Date().toISOString());
      })();
    } catch (error) {
      throw new Error(`ledger migration ${i + 1} failed: ${(error as Error).message}`, { cause: error });
    }
  });
}

/** Runs scripts' statements, each prepared once (bigints kept exact); `$n` parameters bind by number. */
export function statementRunner(db: () => Database.Database): (q: Query) => Row[] {
  const statements = new Map<string, Database.Statement>();
  return (q) => {
    let statement = statements.get(q.sql);
    if (!statement) {
      statement = db().prepare(q.sql).safeIntegers(true);
      statements.set(q.sql, statement);
    }
    const params = Object.fromEntries(q.params.map((v, i) => [i + 1, v]));
    if (statement.reader) return statement.all(params) as Row[];
    statement.run(params);
    return [];
  };
}
