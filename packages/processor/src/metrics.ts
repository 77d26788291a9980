// The processor's own Prometheus metrics (`GET /metrics`).
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

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
    help: 'Kafka messages consumed',
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

  constructor() {
    for (const outcome of ['processed', 'duplicate', 'dead_lettered']) this.events.inc({ outcome }, 0);
  }
}
