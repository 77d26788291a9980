import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLedger } from '../src/index.js';
import { ledgerContract } from './support/ledger-contract.js';

ledgerContract('SqliteLedger', () =>
  openLedger(`sqlite:${join(mkdtempSync(join(tmpdir(), 'genops-ledger-')), 'ledger.db')}`),
);
