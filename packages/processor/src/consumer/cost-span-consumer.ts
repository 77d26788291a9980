// Consumes cost spans from Kafka into the ledger, on @platformatic/kafka (kafkajs, unmaintained since 2023, warned
// on Node 24 and had open rebalance-duplication bugs). Offsets are committed only after the ledger write is
// durable; what cannot be decoded goes to the dead-letter topic (original bytes + reason) and consumption goes on.
// A stream that fails (the broker went away) is rebuilt: the group re-reads from the last commit, and the ledger's
// identity key makes what is read twice count once.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  Admin,
  Consumer,
  ProduceAcks,
  Producer,
  stringSerializer,
  type MessagesStream,
} from '@platformatic/kafka';
import type { ProcessorConfig } from '../config.js';
import type { ScopedCall } from '../budget/budget-scope.js';
import type { DecodeOptions } from '../decode/decode-cost-spans.js';
import type { CostLedger } from '../ledger/cost-ledger.js';
import type { ProcessorMetrics } from '../metrics.js';
import { ConsumerHealth } from './consumer-health.js';
import { ConsumerWatermark } from './consumer-watermark.js';
import { DLQ_HEADERS, type CostMessage, type DeadLetter, type NextOffset } from './decoded-batch.js';
import { ensureTopics } from './kafka-topics.js';
import { MessageBatches } from './message-batches.js';
import type { BatchIngest, ReadyBatch } from './batch-ingest.js';
import { batchIngest } from './ingest-threads.js';
import { BATCH_LIMITS, clientOptions, LAG_EVERY_MS } from './kafka-options.js';

export { DLQ_HEADERS };

export interface ConsumerLogger {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

export class CostSpanConsumer {
  private consumer: Consumer;
  private stream: MessagesStream<Buffer, Buffer, Buffer, Buffer> | undefined;
  private batches: MessageBatches<CostMessage> | undefined;
  private readonly producer: Producer<string, Buffer, string, string>;
  // One long-lived admin client for readiness probes and the watermark, not a connection per probe.
  private readonly admin: Admin;
  readonly watermark: ConsumerWatermark;
  readonly health: ConsumerHealth;
  private running = false;
  private loop: Promise<void> | undefined;
  private lagAskedMs = 0;
  private readonly stopping = new AbortController();
  private readonly ingest: BatchIngest;

  constructor(
    private readonly config: ProcessorConfig,
    private readonly ledger: CostLedger,
    private readonly metrics: ProcessorMetrics,
    private readonly log: ConsumerLogger,
    /** Called after each durable write with the distinct scoped calls it held (budget alerts); must not throw. */
    private readonly afterWrite: (calls: ScopedCall[]) => void = () => {},
    /** How spans of other instrumentations are priced and attributed (the processor's reloadable catalog, rules). */
    private readonly decodeOptions: () => DecodeOptions = () => ({}),
  ) {
    this.producer = new Producer({
      ...clientOptions(config),
      acks: ProduceAcks.ALL,
      autocreateTopics: true,
      serializers: {
        key: stringSerializer,
        value: (value?: Buffer) => value,
        headerKey: stringSerializer,
        headerValue: stringSerializer,
      },
    });
    this.admin = new Admin(clientOptions(config));
    this.watermark = new ConsumerWatermark(this.admin, config.topic, config.groupId);
    this.health = new ConsumerHealth(config.readyMaxLag);
    this.consumer = this.newConsumer();
    this.ingest = batchIngest(config, ledger, (m) => log.warn(m));
  }

  private newConsumer(): Consumer {
    const consumer = new Consumer({
      ...clientOptions(this.config),
      groupId: this.config.groupId,
      sessionTimeout: this.config.sessionTimeoutMs,
      rebalanceTimeout: Math.max(60_000, this.config.sessionTimeoutMs),
      heartbeatInterval: Math.min(3_000, Math.floor(this.config.sessionTimeoutMs / 3)),
      autocommit: false,
      maxBytes: 16 * 1024 * 1024,
    });
    consumer.on('consumer:group:join', (e) =>
      this.health.set('consuming', `member ${e.memberId} of ${e.groupId}`),
    );
    consumer.on('consumer:group:rebalance', () => this.health.set('rebalancing', 'the group is rebalancing'));
    return consumer;
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Kafka reachable: metadata for the topic answers. */
  async ping(): Promise<void> {
    await this.admin.metadata({ topics: [this.config.topic], forceUpdate: true });
  }

  /** Joins the group and streams from the committed offsets (a new group from the earliest retained: nothing lost). */
  private async subscribe(): Promise<void> {
    this.stream = await this.consumer.consume({
      topics: [this.config.topic],
      mode: 'committed',
      fallbackMode: 'earliest',
      autocommit: false,
    });
    this.batches = new MessageBatches<CostMessage>(
      this.stream,
      BATCH_LIMITS.messages,
      BATCH_LIMITS.bytes[this.ledger.dialect],
      (m) => m.value?.length ?? 0,
    );
  }

  async start(): Promise<void> {
    // Subscribing to an absent topic races its auto-creation: create both first.
    await ensureTopics(this.admin, [this.config.topic, this.config.dlqTopic]);
    await this.subscribe();
    this.running = true;
    this.loop = this.consume();
  }

  /**
   * Batch after batch until stopped; a failed stream is rebuilt after a pause that grows with repeated failures. The
   * next batch is read and decoding starts before the batch in hand is written (one write in flight, committed in
   * order): on a decoding or ingest thread, or while PostgreSQL writes, decoding then costs the write no time of
   * its own.
   */
  private async consume(): Promise<void> {
    let failures = 0;
    let writing: Promise<void> | undefined;
    let decoding: Promise<ReadyBatch | undefined> | undefined;
    while (this.running) {
      try {
        const decoded = await (decoding ?? this.readAndDecode());
        decoding = undefined;
        if (!decoded) {
          await writing;
          if (this.running) throw new Error('the message stream ended');
          return;
        }
        for (const [encoding, count] of Object.entries(decoded.encodings))
          this.metrics.messages.inc({ encoding }, count);
        await writing;
        // A decoding thread (or the ingest thread not writing) gets what is already buffered before the write
        // starts, and decodes it meanwhile; on this thread the next batch is decoded once the write waits
        // (PostgreSQL) or after it (SQLite).
        decoding = this.readAndDecode(this.ingest.concurrent ? this.batches?.take() : undefined);
        decoding.catch(() => {}); // its failure is thrown where it is awaited
        writing = this.writeBatch(decoded);
        // A failed write stops the wait for the next batch: the loop then throws it and restarts.
        writing.catch(() => this.batches?.interrupt());
        failures = 0;
      } catch (error) {
        writing = undefined;
        decoding = undefined;
        if (!this.running) return;
        failures++;
        const message = error instanceof Error ? error.message : String(error);
        this.health.set('restarting', `after: ${message} (attempt ${failures})`);
        this.log.warn(`consumer restarting (attempt ${failures}) after: ${message}`);
        await this.restart(Math.min(30_000, 500 * 2 ** Math.min(failures, 6)));
      }
    }
  }

  /**
   * The next batch (`buffered`, when already taken), decoded with the catalog in force when it was read; undefined
   * once the stream ended.
   */
  private readAndDecode(buffered?: CostMessage[]): Promise<ReadyBatch | undefined> {
    if (buffered) return this.ingest.decode(buffered, this.decodeOptions());
    const batches = this.batches;
    if (!batches) return Promise.reject(new Error('not subscribed to the topic'));
    return batches.next().then((batch) => batch && this.ingest.decode(batch, this.decodeOptions()));
  }

  private async restart(delayMs: number): Promise<void> {
    await this.closeConsumer();
    // The pause ends early when the processor stops (SIGTERM must not wait out a 30-second back-off).
    await sleep(delayMs, undefined, { signal: this.stopping.signal }).catch(() => {});
    if (!this.running) return;
    this.consumer = this.newConsumer();
    // A failed subscribe leaves no stream: the loop fails again and tries again after a longer pause.
    await this.subscribe().catch((error: unknown) =>
      this.log.warn(
        `consumer could not rejoin yet: ${error instanceof Error ? error.message : String(error)}`,
      ),
    );
  }

  private async closeConsumer(): Promise<void> {
    this.batches?.interrupt();
    this.batches = undefined;
    const stream = this.stream;
    this.stream = undefined;
    await stream?.close().catch(() => {});
    await this.consumer.close(true).catch(() => {});
  }

  /** Writes a decoded batch durably, dead-letters what could not be decoded, then commits its offsets. */
  private async writeBatch({ write, deadLetters, commit }: ReadyBatch): Promise<void> {
    const started = performance.now();
    const { result, calls, unpriced } = await write();
    this.metrics.ledgerWrite.observe((performance.now() - started) / 1000);
    this.metrics.events.inc({ outcome: 'processed' }, result.inserted);
    this.metrics.events.inc({ outcome: 'duplicate' }, result.duplicates);
    for (const [model, count] of Object.entries(unpriced)) this.metrics.unpriced.inc({ model }, count);
    if (calls.length) this.afterWrite(calls);
    if (deadLetters.length) await this.deadLetter(deadLetters);
    await this.commit(commit);
    await this.measureLag();
  }

  private async deadLetter(deadLetters: DeadLetter[]): Promise<void> {
    await this.producer.send({
      messages: deadLetters.map((d) => ({ topic: this.config.dlqTopic, value: d.value, headers: d.headers })),
    });
    this.metrics.events.inc({ outcome: 'dead_lettered' }, deadLetters.length);
    const first = deadLetters[0]!.headers;
    this.log.warn(
      `dead-lettered ${deadLetters.length} record(s) from ${first[DLQ_HEADERS.topic]}[${first[DLQ_HEADERS.partition]}]: ${first[DLQ_HEADERS.code]} ${first[DLQ_HEADERS.reason]}`,
    );
  }

  /**
   * Commits after the durable write. A commit refused because the group rebalanced meanwhile loses nothing: the
   * partition's new owner reads from the last commit and the ledger counts the events it already holds once.
   */
  private async commit(offsets: NextOffset[]): Promise<void> {
    try {
      await this.consumer.commit({ offsets });
    } catch (error) {
      this.log.warn(
        `offset commit refused (${error instanceof Error ? error.message : String(error)}): the partitions are read again from the last commit; the ledger skips what it holds`,
      );
    }
  }

  /** The lag behind each assigned partition's end, for the metric and readiness (asked at most once a second). */
  private async measureLag(): Promise<void> {
    const now = Date.now();
    if (now - this.lagAskedMs < LAG_EVERY_MS) return;
    this.lagAskedMs = now;
    const lags = await this.consumer.getLag({ topics: [this.config.topic] }).catch(() => undefined);
    for (const [topic, partitions] of lags ?? [])
      partitions.forEach((lag, partition) => {
        if (lag < 0n) return; // not assigned to this member
        const behind = Number(lag);
        this.metrics.consumerLag.set({ topic, partition: String(partition) }, behind);
        this.health.lag(topic, partition, behind);
      });
  }

  /** Publishes a JSON record (budget alerts) with the consumer's producer. */
  async publish(topic: string, key: string, value: unknown): Promise<void> {
    await this.producer.send({ messages: [{ topic, key, value: Buffer.from(JSON.stringify(value)) }] });
  }

  /** Finishes the batch in hand (its write and commit), then leaves the group. */
  async stop(): Promise<void> {
    this.running = false;
    this.stopping.abort();
    this.batches?.interrupt();
    await this.loop;
    await this.closeConsumer();
    this.health.set('stopped');
    await this.producer.close();
    await this.admin.close();
    await this.ingest.close();
  }
}
