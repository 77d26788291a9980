import { inject } from 'vitest';
import { openLedger } from '../src/index.js';
import { ledgerContract } from './support/ledger-contract.js';
import { freshDatabase } from './support/postgres.js';

const { endpoints } = inject('stack');

ledgerContract('PostgresLedger', async () => openLedger(await freshDatabase(endpoints.postgresUrl)));
