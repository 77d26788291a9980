// Budget alerts: each threshold fires once per budget and period (a template's: once per value's counter) (remembered in the ledger across restarts),
// plus a forecast alert when the burn rate will cross the limit before the period ends. Delivery is at least
// once, through an outbox: the decision and the queued delivery for every sink (the log, the alerts topic, a
// Slack-compatible webhook) commit together, and a delivery leaves the queue only once its sink took it. Every
// alert carries a stable id, so receivers can drop repeats. Delivery never blocks consumption.
import { keyLabel } from './budget-scope.js';
import { windowMs } from './budget-spec.js';
import type { BudgetService } from './budget-service.js';
import type { BudgetStore } from './budget-store.js';
import type { BudgetStatus } from './decision.js';

export interface BudgetAlert {
  /** Stable across retries and restarts: budget, period start and what fired. */
  id: string;
  kind: 'threshold' | 'forecast';
  /** The budget's key (`team=search`, `customer=acme` for a template's counter). */
  budget: string;
  /** Its scope in words (`team search`, `customer acme`). */
  scope: string;
  /** The budget's team ('' for one that names none: the organisation, a customer's). */
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

/** How long a claimed delivery is reserved for one dispatcher before another may retry it. */
const CLAIM_LEASE_MS = 30_000;
const MAX_BACKOFF_MS = 5 * 60_000;

export class BudgetAlerter {
  private dispatching: Promise<void> | undefined;
  private readonly sinksByName: Map<string, AlertSink>;

  constructor(
    private readonly budgets: BudgetService,
    private readonly store: BudgetStore,
    private readonly sinks: AlertSink[],
    private readonly onSinkError: (sink: string, error: unknown) => void,
    private readonly clock: () => number = Date.now,
  ) {
    this.sinksByName = new Map(sinks.map((s) => [s.name, s]));
  }

  /** Records what fired and queues it for every sink, in one transaction per alert (`dispatch` delivers). */
  private fire(alert: BudgetAlert, periodStartMs: number, key: string, now: number): Promise<boolean> {
    return this.store.recordAlert({
      budgetKey: alert.budget,
      periodStartMs,
      key,
      nowMs: now,
      id: alert.id,
      payload: JSON.stringify(alert),
      sinks: this.sinks.map((s) => s.name),
    });
  }

  /** Checks the given budgets (by key); returns the alerts that fired now (delivery continues in the background). */
  async check(keys: Iterable<string>): Promise<BudgetAlert[]> {
    const fired: BudgetAlert[] = [];
    for (const budget of new Set(keys)) {
      const status = await this.budgets.status(budget);
      if (!status) continue;
      const now = this.clock();
      const periodStartMs = periodKey(status, now);
      const scope = keyLabel(budget);
      const base = {
        budget,
        scope,
        team: status.team ?? '',
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
      const id = (key: string) => `${budget}/${new Date(periodStartMs).toISOString()}/${key}`;
      for (const threshold of [...status.thresholds].sort((a, b) => a - b)) {
        if (status.utilization < threshold) break;
        const key = `threshold:${threshold}`;
        const alert: BudgetAlert = {
          ...base,
          id: id(key),
          kind: 'threshold',
          threshold,
          message: `GenOps budget: ${scope} has used ${pct(status.utilization)} of its ${status.period} budget (${status.spentUsd} of ${status.limitUsd} USD), crossing ${pct(threshold)}`,
        };
        if (await this.fire(alert, periodStartMs, key, now)) fired.push(alert);
      }
      if (status.period !== 'rolling' && status.forecastUsd > status.limitUsd && status.utilization < 1) {
        const alert: BudgetAlert = {
          ...base,
          id: id('forecast'),
          kind: 'forecast',
          message: `GenOps budget: ${scope} is on course to spend ${status.forecastUsd} USD this ${status.period} period against a limit of ${status.limitUsd} USD`,
        };
        if (await this.fire(alert, periodStartMs, 'forecast', now)) fired.push(alert);
      }
    }
    // In the background: a failed round leaves its alerts queued for the retries (a closing ledger included).
    if (fired.length) void this.dispatch().catch((error: unknown) => this.onSinkError('outbox', error));
    return fired;
  }

  /** Resolves once the delivery round in flight, if any, has ended: stopping waits for it before the ledger closes. */
  async settled(): Promise<void> {
    await this.dispatching?.catch(() => {});
  }

  /**
   * Delivers what is due in the outbox (new alerts, retries, and whatever a crashed processor left queued); a
   * failed delivery is retried with exponential backoff. One round at a time; resolves when the round is done.
   */
  dispatch(): Promise<void> {
    this.dispatching ??= this.deliverDue().finally(() => (this.dispatching = undefined));
    return this.dispatching;
  }

  private async deliverDue(): Promise<void> {
    // Most beats find nothing due: they only read (store.anyDueAlert).
    if (!(await this.store.anyDueAlert(this.clock()))) return;
    for (;;) {
      const now = this.clock();
      const due = await this.store.claimDueAlerts(now, CLAIM_LEASE_MS, 100);
      if (!due.length) return;
      await Promise.all(
        due.map(async (queued) => {
          const sink = this.sinksByName.get(queued.sink);
          try {
            if (!sink) throw new Error(`no sink named ${queued.sink} is configured`);
            await sink.send(JSON.parse(queued.payload) as BudgetAlert);
            await this.store.alertDelivered(queued.id, queued.sink);
          } catch (error) {
            this.onSinkError(queued.sink, error);
            const backoff = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** (queued.attempts - 1));
            await this.store.alertFailed(queued.id, queued.sink, this.clock() + backoff, String(error));
          }
        }),
      );
      if (due.length < 100) return;
    }
  }
}

/**
 * POSTs `{ text, alert }` (Slack-compatible, `alert.id` stable for dropping repeats), with a few quick retries;
 * past them the outbox retries later with backoff.
 */
export class WebhookSink implements AlertSink {
  readonly name = 'webhook';
  constructor(
    private readonly url: string,
    private readonly attempts = 2,
    private readonly baseDelayMs = 200,
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
