// Picks the ledger adapter from GENOPS_LEDGER_URL: `sqlite:<path>` or `postgres://…`.
import { ConfigError } from '../errors.js';
import type { CostLedger } from './cost-ledger.js';
import { PostgresLedger } from './postgres-ledger.js';
import { SqliteLedger } from './sqlite-ledger.js';

export async function openLedger(url: string): Promise<CostLedger> {
  let ledger: CostLedger;
  if (url.startsWith('sqlite:')) ledger = new SqliteLedger(url.slice('sqlite:'.length) || './genops.db');
  else if (url.startsWith('postgres://') || url.startsWith('postgresql://')) ledger = new PostgresLedger(url);
  else throw new ConfigError(`GENOPS_LEDGER_URL must be sqlite:<path> or postgres://…, got "${url}"`);
  await ledger.migrate();
  return ledger;
}
