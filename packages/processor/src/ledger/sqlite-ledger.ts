// The embedded ledger: SQLite (better-sqlite3) in WAL mode with full sync, so a committed batch survives a crash.
import { Ledger } from './ledger.js';
import { migrations } from './schema.js';
import { SqliteDriver } from './sqlite-driver.js';

export class SqliteLedger extends Ledger {
  /**
   * `migrations` replaces the schema's list (tests of a failing migration); `checkpoints: false` opens a second
   * connection that leaves the WAL to the first one's checkpointer (an ingest thread of the consumer's).
   */
  constructor(
    path: string,
    migrationList: readonly string[] = migrations('sqlite'),
    options: { checkpoints?: boolean } = {},
  ) {
    super(new SqliteDriver(path, options), migrationList);
  }
}
