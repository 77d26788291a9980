// The SQLite driver under the ledger: a database opened for a ledger (WAL, full sync, a busy timeout, checkpoints
// in a worker thread), migrations each in one transaction, scripts in IMMEDIATE write transactions or deferred
// read ones, statements prepared once and bound by number.
import Database from 'better-sqlite3';
import type { LedgerDriver, WriteOptions } from './ledger-driver.js';
import { isBatchInsert, runSync, type BatchInsert, type Row, type Script, type Step } from './script.js';
import { startCheckpointer, type Checkpointer } from './sqlite-checkpointer.js';

/** Prepared statements kept; report queries vary with their grouping and filters, so the cache is bounded. */
const STATEMENT_CACHE = 512;

export class SqliteDriver implements LedgerDriver {
  readonly dialect = 'sqlite';
  private readonly db: Database.Database;
  private readonly checkpointer: Checkpointer | undefined;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly transaction: Database.Transaction<(script: Script<unknown>) => unknown>;
  /** Prepared once: `db.pragma()` compiles its statement on every call (~15 µs, twice an admission). */
  private readonly durability: { soft: Database.Statement; full: Database.Statement };

  /**
   * `checkpoints: false`: a second connection of the same process (an ingest thread of the consumer's), which leaves the WAL
   * to the first one's checkpointer and never checkpoints inside its own commits.
   */
  constructor(path: string, options: { checkpoints?: boolean } = {}) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    if (options.checkpoints === false) this.db.pragma('wal_autocheckpoint = 0');
    else this.checkpointer = this.startCheckpointer(path);
    this.durability = {
      soft: this.db.prepare('PRAGMA synchronous = NORMAL'),
      full: this.db.prepare('PRAGMA synchronous = FULL'),
    };
    this.transaction = this.db.transaction((script: Script<unknown>) =>
      runSync(script, (step) => this.exec(step)),
    );
  }

  /** Checkpoints run in a worker thread (sqlite-checkpointer.ts), not inside a commit on this thread. */
  private startCheckpointer(path: string): Checkpointer | undefined {
    if (this.db.pragma('journal_mode', { simple: true }) !== 'wal') return undefined;
    this.db.pragma('wal_autocheckpoint = 0');
    return startCheckpointer(path, 200, (message) => {
      // Never let the WAL grow without bound: back to checkpoints inside commits.
      process.emitWarning(`SQLite checkpoint worker failed (${message}); checkpointing on the main thread`);
      if (this.db.open) this.db.pragma('wal_autocheckpoint = 1000');
    });
  }

  async migrate(migrations: readonly string[]): Promise<void> {
    const db = this.db;
    db.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)',
    );
    const rows = db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[];
    const applied = new Set(rows.map((r) => r.version));
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

  /**
   * IMMEDIATE: the write lock is taken first, so no other writer (another connection or process on the same file)
   * slips between a read and the write that depends on it.
   */
  async write<T>(script: Script<T>, options: WriteOptions = {}): Promise<T> {
    if (!options.soft) return this.transaction.immediate(script) as T;
    this.durability.soft.run();
    try {
      return this.transaction.immediate(script) as T;
    } finally {
      this.durability.full.run();
    }
  }

  /** A deferred transaction: no write lock, one consistent snapshot. */
  async read<T>(script: Script<T>): Promise<T> {
    return this.transaction.deferred(script) as T;
  }

  private prepared(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      if (this.statements.size >= STATEMENT_CACHE) this.statements.clear();
      statement = this.db.prepare(sql).safeIntegers(true);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private exec(step: Step): Row[] {
    if (isBatchInsert(step)) return this.insert(step);
    const statement = this.prepared(step.sql);
    const params = Object.fromEntries(step.params.map((v, i) => [i + 1, v]));
    if (statement.reader) return statement.all(params) as Row[];
    statement.run(params);
    return [];
  }

  /** Row by row with one prepared statement; the rows inserted (not ignored) come back from their own values. */
  private insert(step: BatchInsert): Row[] {
    const marks = step.columns.map(() => '?').join(', ');
    const statement = this.prepared(
      `INSERT INTO ${step.insert} (${step.columns.join(', ')}) VALUES (${marks}) ${step.onConflict}`,
    );
    const returning = (step.returning ?? []).map((c) => [c, step.columns.indexOf(c)] as const);
    const out: Row[] = [];
    for (const row of step.rows) {
      if (statement.run(...row).changes === 1 && returning.length)
        out.push(Object.fromEntries(returning.map(([c, i]) => [c, row[i]])));
    }
    return out;
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    await this.checkpointer?.stop();
    this.db.close();
  }
}
