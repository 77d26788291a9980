// Reconciliation inside `genops serve`: which calls to queue, the reconciler on a timer, and a run on request
// (`genops reconcile`, `POST /v1/reconciliation/run`).
import type { ReconcileConfig } from '../config.js';
import type { CostEvent } from '../decode/cost-event.js';
import type { ReconcilePolicy } from '../decode/decode-cost-spans.js';
import type { CostLedger } from '../ledger/cost-ledger.js';
import type { ProcessorMetrics } from '../metrics.js';
import { PeriodicTask } from '../periodic-task.js';
import { OpenRouterGenerations } from './openrouter-generations.js';
import { reconciliationPolicy } from './reconcile-policy.js';
import { Reconciler, type ReconcileRunResult } from './reconciler.js';

export class ReconciliationJob {
  readonly policy: ReconcilePolicy;
  private readonly reconciler: Reconciler;
  private readonly task: PeriodicTask;

  constructor(
    private readonly ledger: CostLedger,
    config: ReconcileConfig,
    metrics: ProcessorMetrics,
    private readonly warn: (message: string) => void,
    /** Adjustments written (their teams' budget alerts are checked). */
    onAdjusted: (adjustments: CostEvent[]) => void = () => {},
  ) {
    this.policy = reconciliationPolicy(config.sampleRate);
    this.reconciler = new Reconciler(ledger, new OpenRouterGenerations(config.apiKey, config.url), {
      ratePerSecond: config.ratePerSecond,
      retryBaseMs: config.retryBaseMs,
      giveUpAfterMs: config.giveUpAfterMs,
      metrics,
      warn,
      onAdjusted: (adjustment) => onAdjusted([adjustment]),
    });
    this.task = new PeriodicTask(() => this.runDue(), config.intervalMs);
  }

  private async runDue(): Promise<void> {
    try {
      await this.reconciler.run();
    } catch (error) {
      this.warn(`reconciliation run failed (tried again on the next beat): ${(error as Error).message}`);
    }
  }

  /**
   * Reconciles the calls of `[fromMs, toMs)` now: waits for a scheduled run in progress to end, makes every
   * pending call of the range due (their backoff skipped), and works through them.
   */
  async runNow(range: { fromMs: number; toMs: number }): Promise<ReconcileRunResult> {
    await this.task.idle();
    await this.ledger.expediteReconciliations(range.fromMs, range.toMs, Date.now());
    return this.reconciler.run(range);
  }

  async stop(): Promise<void> {
    this.reconciler.stop();
    await this.task.stop();
  }
}
