// Consumes cost spans from Kafka into the ledger. Offsets are committed only after the ledger write is durable;
// what cannot be decoded goes to the dead-letter topic (original bytes + reason) and consumption goes on.
import { Kafka, logLevel, type Admin, type Consumer, type EachBatchPayload, type Producer } from 'kafkajs';
import type { ProcessorConfig } from '../config.js';
import { decodeCostSpans, type DecodeOptions } from '../decode/decode-cost-spans.js';
import type { CostEvent } from '../decode/cost-event.js';
import type { CostLedger } from '../ledger/cost-ledger.js';
import type { ProcessorMetrics } from '../metrics.js';
import { ConsumerHealth } from './consumer-health.js';
import { ConsumerWatermark } from './consumer-watermark.js';

export interface ConsumerLogger {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

/** Header names on dead-letter records. */
export const DLQ_HEADERS = {
  code: 'genops-dlq-code',
  reason: 'genops-dlq-reason',
  topic: 'genops-dlq-source-topic',
  partition: 'genops-dlq-source-partition',
  offset: 'genops-dlq-source-offset',
  spanId: 'genops-dlq-span-id',
} as const;

export class CostSpanConsumer {
  private readonly kafka: Kafka;
  private readonly consumer: Consumer;
  private readonly producer: Producer;
  // One long-lived admin client for readiness probes and the watermark, not a connection per probe.
  private readonly admin: Admin;
  readonly watermark: ConsumerWatermark;
  readonly health: ConsumerHealth;
  private running = false;

  constructor(
    private readonly config: ProcessorConfig,
    private readonly ledger: CostLedger,
    private readonly metrics: ProcessorMetrics,
    private readonly log: ConsumerLogger,
    /** Called after each durable write with the events it held (budget alerts); must not throw. */
    private readonly afterWrite: (events: CostEvent[]) => void = () => {},
    /** How spans of other instrumentations are priced and attributed (the processor's reloadable catalog, rules). */
    private readonly decodeOptions: () => DecodeOptions = () => ({}),
  ) {
    this.kafka = new Kafka({
      clientId: 'genops-processor',
      brokers: config.kafkaBrokers,
      logLevel: logLevel.NOTHING,
    });
    this.consumer = this.kafka.consumer({
      groupId: config.groupId,
      sessionTimeout: config.sessionTimeoutMs,
      heartbeatInterval: Math.min(3_000, Math.floor(config.sessionTimeoutMs / 3)),
      maxBytes: 16 * 1024 * 1024,
      maxBytesPerPartition: 12 * 1024 * 1024,
    });
    this.producer = this.kafka.producer({ idempotent: false, allowAutoTopicCreation: true });
    this.admin = this.kafka.admin();
    this.watermark = new ConsumerWatermark(this.admin, config.topic, config.groupId);
    this.health = new ConsumerHealth(config.readyMaxLag);
    const { GROUP_JOIN, REBALANCING, CRASH, STOP } = this.consumer.events;
    this.consumer.on(GROUP_JOIN, (e) =>
      this.health.set('consuming', `member ${e.payload.memberId} of ${e.payload.groupId}`),
    );
    this.consumer.on(REBALANCING, () => this.health.set('rebalancing', 'the group is rebalancing'));
    this.consumer.on(CRASH, (e) => {
      const message = e.payload.error?.message ?? String(e.payload.error);
      if (e.payload.restart) this.health.set('rebalancing', `restarting after: ${message}`);
      else {
        this.health.set('crashed', message);
        this.log.error(`consumer crashed and will not restart: ${message}`);
      }
    });
    this.consumer.on(STOP, () => this.health.set('stopped'));
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Kafka reachable: metadata for the topic answers. */
  async ping(): Promise<void> {
    await this.admin.fetchTopicMetadata({ topics: [this.config.topic] });
  }

  /** Creates the topics when missing (subscribing to an absent topic races its auto-creation). */
  private async ensureTopics(): Promise<void> {
    const existing = new Set(await this.admin.listTopics());
    const missing = [this.config.topic, this.config.dlqTopic].filter((t) => !existing.has(t));
    if (missing.length)
      await this.admin.createTopics({ topics: missing.map((topic) => ({ topic })), waitForLeaders: true });
  }

  async start(): Promise<void> {
    await this.admin.connect();
    await this.ensureTopics();
    await this.producer.connect();
    await this.consumer.connect();
    // A new group starts from the earliest retained offset: nothing produced before the first start is lost.
    await this.consumer.subscribe({ topic: this.config.topic, fromBeginning: true });
    this.running = true;
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: (payload) => this.handleBatch(payload),
    });
  }

  private async handleBatch({
    batch,
    resolveOffset,
    heartbeat,
    isRunning,
    isStale,
  }: EachBatchPayload): Promise<void> {
    if (!isRunning() || isStale() || batch.messages.length === 0) return;
    const events: CostEvent[] = [];
    const deadLetters: { value: Buffer | null; headers: Record<string, string> }[] = [];
    const decodeOptions = this.decodeOptions(); // the catalog in force for this batch
    for (const message of batch.messages) {
      this.metrics.messages.inc();
      const decoded = decodeCostSpans(message.value ?? Buffer.alloc(0), decodeOptions);
      events.push(...decoded.events);
      for (const failure of decoded.failures) {
        deadLetters.push({
          value: message.value,
          headers: {
            [DLQ_HEADERS.code]: failure.code,
            [DLQ_HEADERS.reason]: failure.reason.slice(0, 1000),
            [DLQ_HEADERS.topic]: batch.topic,
            [DLQ_HEADERS.partition]: String(batch.partition),
            [DLQ_HEADERS.offset]: message.offset,
            ...(failure.spanId ? { [DLQ_HEADERS.spanId]: failure.spanId } : {}),
          },
        });
      }
    }
    const started = performance.now();
    const result = await this.ledger.insertEvents(events);
    this.metrics.ledgerWrite.observe((performance.now() - started) / 1000);
    this.metrics.events.inc({ outcome: 'processed' }, result.inserted);
    this.metrics.events.inc({ outcome: 'duplicate' }, result.duplicates);
    for (const e of events)
      if (e.costSource === 'unknown' && !e.adjustment) this.metrics.unpriced.inc({ model: e.model });
    if (events.length) this.afterWrite(events);
    if (deadLetters.length) {
      await this.producer.send({ topic: this.config.dlqTopic, acks: -1, messages: deadLetters });
      this.metrics.events.inc({ outcome: 'dead_lettered' }, deadLetters.length);
      this.log.warn(
        `dead-lettered ${deadLetters.length} record(s) from ${batch.topic}[${batch.partition}]: ${deadLetters[0]!.headers[DLQ_HEADERS.code]} ${deadLetters[0]!.headers[DLQ_HEADERS.reason]}`,
      );
    }
    const last = batch.messages[batch.messages.length - 1]!.offset;
    resolveOffset(last);
    await this.consumer.commitOffsets([
      { topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() },
    ]);
    const lag = BigInt(batch.highWatermark) - BigInt(last) - 1n;
    const behind = Number(lag < 0n ? 0n : lag);
    this.metrics.consumerLag.set({ topic: batch.topic, partition: String(batch.partition) }, behind);
    this.health.lag(batch.topic, batch.partition, behind);
    await heartbeat();
  }

  /** Publishes a JSON record (budget alerts) with the consumer's producer. */
  async publish(topic: string, key: string, value: unknown): Promise<void> {
    await this.producer.send({ topic, acks: -1, messages: [{ key, value: JSON.stringify(value) }] });
  }

  /** Finishes the batch in hand, commits, and leaves the group. */
  async stop(): Promise<void> {
    this.running = false;
    await this.consumer.disconnect();
    await this.producer.disconnect();
    await this.admin.disconnect();
  }
}
