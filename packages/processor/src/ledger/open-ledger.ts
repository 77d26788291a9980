// Picks the ledger adapter from GENOPS_LEDGER_URL: `sqlite:<path>` or `postgres://…`.
import { ConfigError } from '../errors.js';
import type { CostLedger } from './cost-ledger.js';
import { DEFAULT_LEASES } from './lease-keeper.js';
import { PostgresLedger } from './postgres-ledger.js';
import { migrations } from './schema.js';
import { SqliteLedger } from './sqlite-ledger.js';

/** The file of a `sqlite:` ledger URL; undefined for any other. */
export function sqlitePath(url: string): string | undefined {
  return url.startsWith('sqlite:') ? url.slice('sqlite:'.length) || './genops.db' : undefined;
}

/** `leases`: a PostgreSQL ledger admits against escrow leases of its hot budgets (a serving processor's; lease-keeper.ts). */
export async function openLedger(url: string, { leases = false } = {}): Promise<CostLedger> {
  let ledger: CostLedger;
  const path = sqlitePath(url);
  if (path) ledger = new SqliteLedger(path);
  else if (url.startsWith('postgres://') || url.startsWith('postgresql://'))
    ledger = new PostgresLedger(url, migrations('postgres'), leases && DEFAULT_LEASES);
  else throw new ConfigError(`GENOPS_LEDGER_URL must be sqlite:<path> or postgres://…, got "${url}"`);
  await ledger.migrate();
  return ledger;
}
