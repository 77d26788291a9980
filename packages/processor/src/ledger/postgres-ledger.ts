// The scale-out ledger: PostgreSQL shared by every processor instance of a consumer group.
import { Ledger } from './ledger.js';
import { PostgresDriver } from './postgres-driver.js';
import { migrations } from './schema.js';

export class PostgresLedger extends Ledger {
  /** `migrations` replaces the schema's list (tests of a failing migration). */
  constructor(connectionString: string, migrationList: readonly string[] = migrations('postgres')) {
    super(new PostgresDriver(connectionString), migrationList);
  }
}
