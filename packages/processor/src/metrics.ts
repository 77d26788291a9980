// The processor's own Prometheus metrics (`GET /metrics`).
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { BudgetGauge } from './budget/budget-service.js';

const STATES = ['OK', 'WARNING', 'CRITICAL', 'EXCEEDED'] as const;

export class ProcessorMetrics {
  readonly registry = new Registry();
  readonly events = new Counter({
    name: 'genops_processor_events_total',
    help: 'Cost events by outcome: processed (new in the ledger), duplicate, dead_lettered',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly messages = new Counter({
    name: 'genops_processor_messages_total',
    help: 'Kafka messages consumed, by encoding: otlp_proto, otlp_json, invalid (neither: dead-lettered)',
    labelNames: ['encoding'] as const,
    registers: [this.registry],
  });
  readonly consumerLag = new Gauge({
    name: 'genops_processor_consumer_lag',
    help: 'Messages behind the partition high watermark after the last batch',
    labelNames: ['topic', 'partition'] as const,
    registers: [this.registry],
  });
  readonly ledgerWrite = new Histogram({
    name: 'genops_processor_ledger_write_seconds',
    help: 'Time to write one batch durably to the ledger',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  readonly reservations = new Counter({
    name: 'genops_budget_reservations_total',
    help: 'Reservation decisions by team and decision (ALLOWED, WARNING, BLOCKED)',
    labelNames: ['team', 'decision'] as const,
    registers: [this.registry],
  });
  readonly reservationsExpired = new Counter({
    name: 'genops_budget_reservations_expired_total',
    help: 'Reservations removed by their TTL once the consumer had caught up past their expiry',
    registers: [this.registry],
  });
  readonly consumerCaughtUp = new Gauge({
    name: 'genops_processor_consumer_caught_up_timestamp_seconds',
    help: 'Last time every partition of the cost-span topic was consumed to its end (reservation expiry waits for it)',
    registers: [this.registry],
  });
  readonly unpriced = new Counter({
    name: 'genops_processor_unpriced_calls_total',
    help: 'Calls recorded at cost 0 because neither the service nor the processor had a price for the model (counted as delivered)',
    labelNames: ['model'] as const,
    registers: [this.registry],
  });
  readonly repriced = new Counter({
    name: 'genops_processor_repriced_calls_total',
    help: 'Calls recorded unpriced and priced later, when a price for their model arrived (one adjustment each)',
    labelNames: ['model'] as const,
    registers: [this.registry],
  });
  readonly priceSyncs = new Counter({
    name: 'genops_processor_price_syncs_total',
    help: 'Scheduled price syncs by outcome (changed: the catalog was reloaded; unchanged; failed)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly reconciliations = new Counter({
    name: 'genops_reconciliation_calls_total',
    help: 'OpenRouter calls looked up in its generation stats, by outcome: matched, adjusted (the bill differed), not_yet (404, tried again), retried (429/5xx), refused (401/403), unavailable (given up)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly reconciliationRecorded = new Counter({
    name: 'genops_reconciliation_recorded_usd_total',
    help: 'Cost recorded for reconciled calls (estimated or reported), USD, by model and the provider that served them',
    labelNames: ['model', 'provider'] as const,
    registers: [this.registry],
  });
  readonly reconciliationBilled = new Counter({
    name: 'genops_reconciliation_billed_usd_total',
    help: 'Cost billed by OpenRouter for the same calls, USD, by model and served provider (drift = billed - recorded)',
    labelNames: ['model', 'provider'] as const,
    registers: [this.registry],
  });
  readonly alerts = new Counter({
    name: 'genops_budget_alerts_total',
    help: 'Budget alerts fired, by team and kind (threshold, forecast)',
    labelNames: ['team', 'kind'] as const,
    registers: [this.registry],
  });

  /**
   * Budget gauges read fresh from the ledger at every scrape, one series per budget defined: `budget` is its scope's
   * key, `scope` the same in words, `team` its team ('' when it names none). A template ("each customer") shows its
   * counter nearest the limit and how many it has — never one series per customer.
   */
  observeBudgets(list: () => Promise<BudgetGauge[]>): void {
    let current: Promise<BudgetGauge[]> | undefined;
    const statuses = () => (current ??= list().finally(() => setTimeout(() => (current = undefined), 0)));
    const labels = (s: BudgetGauge) => ({ budget: s.key, scope: s.scope, team: s.team ?? '' });
    const gauge = (name: string, help: string, read: (s: BudgetGauge) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['budget', 'scope', 'team'] as const,
        registers: [this.registry],
        async collect() {
          this.reset();
          for (const s of await statuses()) this.set(labels(s), read(s));
        },
      });
    gauge(
      'genops_budget_counters',
      'Counters a template keeps (one per value that spent: each customer), 1 for any other budget',
      (s) => s.counters,
    );
    gauge('genops_budget_utilization', 'Spent / limit in the current period', (s) => s.utilization);
    gauge('genops_budget_spent_usd', 'Spent in the current period, USD', (s) => s.spentUsd);
    gauge('genops_budget_reserved_usd', 'Live reservations, USD', (s) => s.reservedUsd);
    gauge('genops_budget_limit_usd', 'Budget limit, USD', (s) => s.limitUsd);
    gauge(
      'genops_budget_forecast_usd',
      'Forecast end-of-period spend at the current burn rate, USD',
      (s) => s.forecastUsd,
    );
    gauge(
      'genops_budget_overshoot_usd',
      'What a hard budget passed its limit by in the current period (spent - limit when positive), USD',
      (s) => s.overshootUsd,
    );
    new Gauge({
      name: 'genops_budget_state',
      help: '1 for the state the budget is in (OK, WARNING, CRITICAL, EXCEEDED)',
      labelNames: ['budget', 'scope', 'team', 'state'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const s of await statuses())
          for (const state of STATES) this.set({ ...labels(s), state }, s.state === state ? 1 : 0);
      },
    });
  }

  constructor() {
    for (const outcome of ['processed', 'duplicate', 'dead_lettered']) this.events.inc({ outcome }, 0);
  }
}
