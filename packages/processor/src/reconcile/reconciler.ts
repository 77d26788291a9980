// Reconciliation with the bill: queued OpenRouter calls (every estimated one, a sample of reported ones) are looked
// up in OpenRouter's generation stats, rate-limited and in batches; where the bill differs, an adjustment event
// keyed by the generation id brings reports and budgets to the billed total. A call whose stats are not available
// yet is tried again with backoff, and given up on (`unavailable`) after `giveUpAfterMs`.
import type { CostEvent } from '../decode/cost-event.js';
import type { CostLedger } from '../ledger/cost-ledger.js';
import { adjustmentFor, type ReconciliationTask } from './reconciliation-store.js';
import type { ProcessorMetrics } from '../metrics.js';
import type { GenerationLookup, OpenRouterGenerations } from './openrouter-generations.js';

export interface ReconcilerOptions {
  /** Lookups per second at most (OpenRouter rate-limits its API per key). */
  ratePerSecond: number;
  /** Lookups in flight at once. */
  concurrency: number;
  /** Calls claimed per batch; a claim holds them for `leaseMs` (another processor skips them meanwhile). */
  batchSize: number;
  leaseMs: number;
  /** First retry delay; doubled per attempt up to `maxRetryMs`. */
  retryBaseMs: number;
  maxRetryMs: number;
  /** A call not reconciled this long after it was queued is given up on. */
  giveUpAfterMs: number;
}

export const DEFAULT_RECONCILER_OPTIONS: ReconcilerOptions = {
  ratePerSecond: 5,
  concurrency: 4,
  batchSize: 50,
  leaseMs: 120_000,
  retryBaseMs: 5_000,
  maxRetryMs: 3_600_000,
  giveUpAfterMs: 3 * 86_400_000,
};

export interface ReconcileRunResult {
  /** Calls whose bill was read: matched what was recorded, or adjusted. */
  matched: number;
  adjusted: number;
  /** Not available yet (404): tried again later. */
  notYet: number;
  /** 429, 5xx, network: tried again later. */
  retried: number;
  /** Refused (401, 403, a bad answer): tried again later, until given up. */
  refused: number;
  /** Given up on. */
  unavailable: number;
}

/** Spaces calls `1000 / rate` ms apart; a 429 pushes the next slot back. */
class Pacer {
  private nextMs = 0;
  constructor(private readonly intervalMs: number) {}

  async slot(): Promise<void> {
    const now = Date.now();
    const at = Math.max(now, this.nextMs);
    this.nextMs = at + this.intervalMs;
    if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
  }

  pauseFor(ms: number): void {
    this.nextMs = Math.max(this.nextMs, Date.now() + ms);
  }
}

const usd = (nano: bigint) => Number(nano) / 1e9;

/** The `outcome` label of genops_reconciliation_calls_total for each kind of result. */
const OUTCOME_LABEL: Record<keyof ReconcileRunResult, string> = {
  matched: 'matched',
  adjusted: 'adjusted',
  notYet: 'not_yet',
  retried: 'retried',
  refused: 'refused',
  unavailable: 'unavailable',
};

/** What a Reconciler reports to, and its clock. */
export interface ReconcilerHooks {
  metrics?: ProcessorMetrics;
  /** One line per run when OpenRouter refused lookups. */
  warn?: (message: string) => void;
  now?: () => number;
  /** Called with each adjustment written (the processor checks the team's budget alerts). */
  onAdjusted?: (adjustment: CostEvent) => void;
}

export class Reconciler {
  private readonly options: ReconcilerOptions;
  private readonly hooks: Required<Omit<ReconcilerHooks, 'metrics'>> & Pick<ReconcilerHooks, 'metrics'>;
  private readonly pacer: Pacer;
  private stopping = false;

  /** Settings not given take DEFAULT_RECONCILER_OPTIONS. */
  constructor(
    private readonly ledger: CostLedger,
    private readonly generations: Pick<OpenRouterGenerations, 'lookup'>,
    settings: Partial<ReconcilerOptions> & ReconcilerHooks = {},
  ) {
    const { metrics, warn, now, onAdjusted, ...options } = settings;
    this.options = { ...DEFAULT_RECONCILER_OPTIONS, ...options };
    this.hooks = {
      ...(metrics ? { metrics } : {}),
      warn: warn ?? (() => {}),
      now: now ?? Date.now,
      onAdjusted: onAdjusted ?? (() => {}),
    };
    this.pacer = new Pacer(1000 / this.options.ratePerSecond);
  }

  /** Works through every due call (with call time in `range` when given), batch by batch. */
  async run(range?: { fromMs: number; toMs: number }): Promise<ReconcileRunResult> {
    const result: ReconcileRunResult = {
      matched: 0,
      adjusted: 0,
      notYet: 0,
      retried: 0,
      refused: 0,
      unavailable: 0,
    };
    let firstRefusal: string | undefined;
    // A refused key fails every lookup: the run ends at the first, leaving the rest queued for the next run.
    let keyRefused = false;
    const going = () => !this.stopping && !keyRefused;
    while (going()) {
      const tasks = await this.ledger.claimReconciliations(
        this.hooks.now(),
        this.options.leaseMs,
        this.options.batchSize,
        range,
      );
      if (tasks.length === 0) break;
      let next = 0;
      const worker = async () => {
        while (next < tasks.length && going()) {
          const task = tasks[next++]!;
          await this.pacer.slot();
          if (!going()) break;
          const lookup = await this.generations.lookup(task.generationId);
          if (lookup.kind === 'refused' && lookup.keyRefused) keyRefused = true;
          const outcome = await this.reconcile(task, lookup);
          result[outcome.kind]++;
          this.hooks.metrics?.reconciliations.inc({ outcome: OUTCOME_LABEL[outcome.kind] });
          if (outcome.error && outcome.kind === 'refused') firstRefusal ??= outcome.error;
        }
      };
      await Promise.all(Array.from({ length: Math.min(this.options.concurrency, tasks.length) }, worker));
      // Stopping mid-batch (or on a refused key): the calls not looked up come due again when their lease ends.
    }
    if (firstRefusal) this.hooks.warn(`reconciliation: OpenRouter refused lookups: ${firstRefusal}`);
    return result;
  }

  stop(): void {
    this.stopping = true;
  }

  private async reconcile(
    task: ReconciliationTask,
    lookup: GenerationLookup,
  ): Promise<{ kind: keyof ReconcileRunResult; error?: string }> {
    const now = this.hooks.now();
    if (lookup.kind === 'billed') {
      const adjustment = adjustmentFor(task.event, lookup.billed);
      // The adjustment first: were the process to stop before the queue row is closed, the next attempt writes the
      // same adjustment identity again, which the ledger ignores as a duplicate.
      if (adjustment) {
        await this.ledger.insertEvents([adjustment]);
        this.hooks.onAdjusted(adjustment);
      }
      await this.ledger.markReconciled(task.generationId, lookup.billed, now);
      const labels = { model: task.event.model, provider: lookup.billed.provider || 'unknown' };
      this.hooks.metrics?.reconciliationRecorded.inc(labels, usd(task.event.costNano));
      this.hooks.metrics?.reconciliationBilled.inc(labels, usd(lookup.billed.costNano));
      return { kind: adjustment ? 'adjusted' : 'matched' };
    }
    const backoff = Math.min(
      this.options.retryBaseMs * 2 ** Math.max(0, task.attempts - 1),
      this.options.maxRetryMs,
    );
    let kind: keyof ReconcileRunResult;
    let error: string;
    let delay = backoff;
    if (lookup.kind === 'not-yet') {
      kind = 'notYet';
      error = 'generation not found at OpenRouter (yet)';
    } else if (lookup.kind === 'retry') {
      kind = 'retried';
      error = lookup.error;
      if (lookup.retryAfterMs !== undefined) {
        delay = Math.max(delay, lookup.retryAfterMs);
        this.pacer.pauseFor(lookup.retryAfterMs);
      }
    } else {
      kind = 'refused';
      error = lookup.error;
    }
    const giveUp = now + delay - task.createdMs > this.options.giveUpAfterMs;
    await this.ledger.retryReconciliation(task.generationId, now + delay, error, giveUp);
    return { kind: giveUp ? 'unavailable' : kind, error };
  }
}
