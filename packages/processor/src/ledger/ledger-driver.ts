// What the ledger needs of a database: migrations, scripts in a write transaction or on a read snapshot. The SQLite
// and PostgreSQL drivers implement it; every statement the ledger runs is written once, in the scripts.
import type { Dialect, Script } from './script.js';

export interface WriteOptions {
  /**
   * Soft state (reservations): the commit does not wait for durability (SQLite synchronous=NORMAL, PostgreSQL
   * synchronous_commit=off on a pool of its own). The next durable commit makes it durable too.
   */
  soft?: boolean;
  /**
   * Every statement of the script is safe to commit on its own: PostgreSQL runs them without BEGIN … COMMIT (one
   * round trip for a script of one statement); SQLite, where a transaction costs nothing, still runs one.
   */
  autocommit?: boolean;
}

export interface LedgerDriver {
  readonly dialect: Dialect;
  /** Applies the migrations not yet applied (1-based versions), each in its own transaction. */
  migrate(migrations: readonly string[]): Promise<void>;
  /** Runs a script in one write transaction: committed, or rolled back when it throws. */
  write<T>(script: Script<T>, options?: WriteOptions): Promise<T>;
  /** Runs a read-only script without taking a write lock. */
  read<T>(script: Script<T>): Promise<T>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
