// Budget alerts: each threshold fires once per team and period (remembered in the ledger across restarts),
// plus a forecast alert when the burn rate will cross the limit before the period ends. Delivery to the log,
// the alerts topic and a Slack-compatible webhook never blocks consumption.
import { windowMs } from './budget-spec.js';
import type { BudgetService } from './budget-service.js';
import type { BudgetStore } from './budget-store.js';
import type { BudgetStatus } from './decision.js';

export interface BudgetAlert {
  kind: 'threshold' | 'forecast';
  team: string;
  /** The crossed threshold (kind threshold). */
  threshold?: number;
  utilization: number;
  spentUsd: number;
  limitUsd: number;
  forecastUsd: number;
  periodStart: string;
  periodEnd: string;
  state: BudgetStatus['state'];
  enforcement: BudgetStatus['enforcement'];
  message: string;
  firedAt: string;
}

export interface AlertSink {
  readonly name: string;
  send(alert: BudgetAlert): Promise<void>;
}

/** Rolling windows have no calendar start: alerts are once per window-length bucket. */
function periodKey(status: BudgetStatus, now: number): number {
  if (status.period !== 'rolling') return Date.parse(status.periodStart);
  const w = windowMs(status.window!);
  return Math.floor(now / w) * w;
}

function pct(x: number): string {
  return `${Math.round(x * 1000) / 10}%`;
}

export class BudgetAlerter {
  constructor(
    private readonly budgets: BudgetService,
    private readonly store: BudgetStore,
    private readonly sinks: AlertSink[],
    private readonly onSinkError: (sink: string, error: unknown) => void,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Checks the given teams; returns the alerts that fired now (delivery continues in the background). */
  async check(teams: Iterable<string>): Promise<BudgetAlert[]> {
    const fired: BudgetAlert[] = [];
    for (const team of new Set(teams)) {
      const status = await this.budgets.status(team);
      if (!status) continue;
      const now = this.clock();
      const key = periodKey(status, now);
      const base = {
        team,
        utilization: status.utilization,
        spentUsd: status.spentUsd,
        limitUsd: status.limitUsd,
        forecastUsd: status.forecastUsd,
        periodStart: status.periodStart,
        periodEnd: status.periodEnd,
        state: status.state,
        enforcement: status.enforcement,
        firedAt: new Date(now).toISOString(),
      };
      for (const threshold of [...status.thresholds].sort((a, b) => a - b)) {
        if (status.utilization < threshold) break;
        if (!(await this.store.markAlertFired(team, key, `threshold:${threshold}`, now))) continue;
        fired.push({
          ...base,
          kind: 'threshold',
          threshold,
          message: `GenOps budget: team ${team} has used ${pct(status.utilization)} of its ${status.period} budget (${status.spentUsd} of ${status.limitUsd} USD), crossing ${pct(threshold)}`,
        });
      }
      if (status.period !== 'rolling' && status.forecastUsd > status.limitUsd && status.utilization < 1) {
        if (await this.store.markAlertFired(team, key, 'forecast', now)) {
          fired.push({
            ...base,
            kind: 'forecast',
            message: `GenOps budget: team ${team} is on course to spend ${status.forecastUsd} USD this ${status.period} period against a limit of ${status.limitUsd} USD`,
          });
        }
      }
    }
    for (const alert of fired) {
      for (const sink of this.sinks)
        sink.send(alert).catch((error: unknown) => this.onSinkError(sink.name, error));
    }
    return fired;
  }
}

/** POSTs `{ text, alert }` (Slack-compatible) with retries and backoff; gives up after `attempts`. */
export class WebhookSink implements AlertSink {
  readonly name = 'webhook';
  constructor(
    private readonly url: string,
    private readonly attempts = 4,
    private readonly baseDelayMs = 500,
  ) {}

  async send(alert: BudgetAlert): Promise<void> {
    let last: unknown;
    for (let attempt = 0; attempt < this.attempts; attempt++) {
      try {
        const response = await fetch(this.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ text: alert.message, alert }),
          signal: AbortSignal.timeout(5000),
        });
        if (response.ok) return;
        last = new Error(`HTTP ${response.status}`);
        if (response.status < 500 && response.status !== 429) break;
      } catch (error) {
        last = error;
      }
      await new Promise((r) => setTimeout(r, this.baseDelayMs * 2 ** attempt * (0.5 + Math.random())));
    }
    throw last;
  }
}
