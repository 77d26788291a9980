// How the processor's Kafka clients connect, and how much one consumed batch holds.
import type { ProcessorConfig } from '../config.js';

/**
 * A ledger transaction (and a commit) holds at most this many messages, or about this many bytes of them. PostgreSQL
 * is fastest at a few thousand spans a transaction (bench:ingest: 400,000 took twice as long an event — its batch
 * insert sends each column as one array). On SQLite each transaction has a fixed cost (the rollup and budget rows,
 * the fsync), but the write thread holds the database's write lock for the whole batch, and an admission on the
 * processor's own connection waits for it (busy timeout 5 s): 8 MiB is ~26,000 spans in OTLP protobuf, about half a
 * second of writing on this machine.
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
