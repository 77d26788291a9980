// Removes expired reservations on a timer, once the consumer group has caught up past their expiry.
import type { ConsumerWatermark } from '../consumer/consumer-watermark.js';
import type { ProcessorMetrics } from '../metrics.js';
import { PeriodicTask } from '../periodic-task.js';
import type { BudgetService } from './budget-service.js';

export class ReservationSweeper {
  private readonly task: PeriodicTask;

  constructor(
    private readonly budgets: BudgetService,
    private readonly watermark: ConsumerWatermark,
    private readonly metrics: ProcessorMetrics,
    everyMs: number,
    private readonly warn: (message: string) => void,
  ) {
    this.task = new PeriodicTask(() => this.sweep(), everyMs);
  }

  private async sweep(): Promise<void> {
    try {
      const caughtUpMs = await this.watermark.check();
      if (caughtUpMs > 0) this.metrics.consumerCaughtUp.set(caughtUpMs / 1000);
      const expired = await this.budgets.expire(caughtUpMs);
      if (expired) this.metrics.reservationsExpired.inc(expired);
    } catch (error) {
      // Kafka or the ledger unreachable: nothing expires until both answer again (never over-admit).
      this.warn(`reservation sweep skipped: ${(error as Error).message}`);
    }
  }

  stop(): Promise<void> {
    return this.task.stop();
  }
}
