// Picks the ledger adapter from GENOPS_LEDGER_URL: `sqlite:<path>` or `postgres://…`.
import { ConfigError } from '../errors.js';
import type { CostLedger } from './cost-ledger.js';
import { PostgresLedger } from './postgres-ledger.js';
import { SqliteLedger } from './sqlite-ledger.js';

/** The file of a `sqlite:` ledger URL; undefined for any other. */
export function sqlitePath(url: string): string | undefined {
  return url.startsWith('sqlite:') ? url.slice('sqlite:'.length) || './genops.db' : undefined;
}

export async function openLedger(url: string): Promise<CostLedger> {
  let ledger: CostLedger;
  const path = sqlitePath(url);
  if (path) ledger = new SqliteLedger(path);
  else if (url.startsWith('postgres://') || url.startsWith('postgresql://')) ledger = new PostgresLedger(url);
  else throw new ConfigError(`GENOPS_LEDGER_URL must be sqlite:<path> or postgres://…, got "${url}"`);
  await ledger.migrate();
  return ledger;
}
