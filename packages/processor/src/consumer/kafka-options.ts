// How the processor's Kafka clients connect, and how much one consumed batch holds.
import type { ProcessorConfig } from '../config.js';

/**
 * A ledger transaction (and a commit) holds at most this many messages, or about this many bytes of them. PostgreSQL
 * is fastest at a few thousand spans a transaction (bench:ingest: 400,000 took twice as long an event — its batch
 * insert sends each column as one array). On SQLite each transaction has a fixed cost (the rollup and budget rows,
 * the fsync), but a batch holds the database's write lock (and, written on the consumer's thread, the event loop)
 * for as long as it is written, and every admission waits for it: 8 MiB is ~26,000 spans in OTLP protobuf, a third
 * of a second of writing on this machine (64 MiB held it for seconds).
 */
export const BATCH_LIMITS = {
  messages: 2000,
  bytes: { postgres: 2 * 1024 * 1024, sqlite: 8 * 1024 * 1024 },
} as const;
/** How often the lag behind each partition's end is asked for (one ListOffsets request). */
export const LAG_EVERY_MS = 1000;
/** What every client of the processor (consumer, producer, admin) connects with. */
export const clientOptions = (config: ProcessorConfig) => ({
  clientId: 'genops-processor',
  bootstrapBrokers: config.kafkaBrokers,
});
