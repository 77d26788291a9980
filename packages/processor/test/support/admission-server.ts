// The processor's HTTP API in this process over a fresh SQLite ledger: what BudgetGuard talks to in the admission
// tests (the real routes, budgets and reservations; no Kafka).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BudgetService } from '../../src/budget/budget-service.js';
import { createApp } from '../../src/http/app.js';
import { listenApp, type Listening } from '../../src/http/listen.js';
import { openLedger } from '../../src/ledger/open-ledger.js';
import { ProcessorMetrics } from '../../src/metrics.js';

export interface AdmissionServer {
  url: string;
  budgets: BudgetService;
  close(): Promise<void>;
}

/** `apiTokens`: the tokens it accepts (none: open on loopback). */
export async function startAdmissionServer(apiTokens: string[] = []): Promise<AdmissionServer> {
  const ledger = await openLedger(`sqlite:${join(mkdtempSync(join(tmpdir(), 'genops-guard-')), 'l.db')}`);
  const budgets = new BudgetService(ledger);
  const app = createApp({
    ledger,
    budgets,
    metrics: new ProcessorMetrics(),
    apiTokens,
    kafkaReady: async () => {},
  });
  const server: Listening = await listenApp(app, '127.0.0.1', 0);
  return {
    url: server.url,
    budgets,
    close: async () => {
      await server.close();
      await ledger.close();
    },
  };
}
