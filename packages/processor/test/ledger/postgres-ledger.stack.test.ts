import { inject } from 'vitest';
import { openLedger } from '../../src/ledger/open-ledger.js';
import { ledgerContract } from '../support/ledger-contract.js';
import { reconciliationContract } from '../support/reconciliation-contract.js';
import { reportContract } from '../support/report-contract.js';
import { freshDatabase } from '../support/postgres.js';

const { endpoints } = inject('stack');

const openPostgres = async () => openLedger(await freshDatabase(endpoints.postgresUrl));
ledgerContract('PostgresLedger', openPostgres);
reconciliationContract('PostgresLedger', openPostgres);
reportContract('PostgresLedger', openPostgres);
