// The reconciliation queue's methods, written once over a script runner each ledger provides (one transaction
// per script: SQLite's IMMEDIATE write transaction, a PostgreSQL client inside BEGIN … COMMIT).
import type { Script } from './script.js';
import * as recon from './reconciliation-scripts.js';
import type {
  BilledCost,
  ReconciliationStore,
  ReconciliationSummary,
  ReconciliationTask,
} from '../reconcile/reconciliation-store.js';
import type { Dialect } from './script.js';

export abstract class ReconcilingLedger implements ReconciliationStore {
  protected abstract readonly dialect: Dialect;
  /** Runs a script in one transaction. */
  protected abstract runScript<T>(script: Script<T>): Promise<T>;

  claimReconciliations(
    nowMs: number,
    leaseMs: number,
    limit: number,
    range?: { fromMs: number; toMs: number },
  ): Promise<ReconciliationTask[]> {
    return this.runScript(recon.claimReconciliations(this.dialect, nowMs, leaseMs, limit, range));
  }

  expediteReconciliations(fromMs: number, toMs: number, nowMs: number): Promise<number> {
    return this.runScript(recon.expediteReconciliations(fromMs, toMs, nowMs));
  }

  markReconciled(generationId: string, billed: BilledCost, nowMs: number): Promise<void> {
    return this.runScript(recon.markReconciled(generationId, billed, nowMs));
  }

  retryReconciliation(
    generationId: string,
    nextAttemptMs: number,
    error: string,
    giveUp: boolean,
  ): Promise<void> {
    return this.runScript(recon.retryReconciliation(generationId, nextAttemptMs, error, giveUp));
  }

  reconciliationSummary(fromMs: number, toMs: number, changeLimit: number): Promise<ReconciliationSummary> {
    return this.runScript(recon.reconciliationSummary(fromMs, toMs, changeLimit));
  }
}
