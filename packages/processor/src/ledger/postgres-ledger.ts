// The scale-out ledger: PostgreSQL shared by every processor instance of a consumer group.
import type { LeasePolicy } from './lease-keeper.js';
import { Ledger } from './ledger.js';
import { PostgresDriver } from './postgres-driver.js';
import { migrations } from './schema.js';

export class PostgresLedger extends Ledger {
  /**
   * `migrations` replaces the schema's list (tests of a failing migration); `leases` the escrow leases' policy
   * (lease-keeper.ts; false: none).
   */
  constructor(
    connectionString: string,
    migrationList: readonly string[] = migrations('postgres'),
    leases: LeasePolicy | false = false,
  ) {
    super(new PostgresDriver(connectionString), migrationList, leases || undefined);
  }
}
