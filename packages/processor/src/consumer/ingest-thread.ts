// An ingest thread (ingest-threads.ts): decodes each batch it is sent (thread-decoding.ts) and holds its events until
// told to write them, on a connection of its own to the SQLite ledger. Its answers carry no events: what each message
// decoded to (failures, encoding), then what the write told (written-batch counts, scoped calls, unpriced models).
import { parentPort, workerData } from 'node:worker_threads';
import type { DecodedMessage } from '../decode/decode-cost-spans.js';
import { prepareEvents, type PreparedEvents } from '../ledger/event-scripts.js';
import { SqliteLedger } from '../ledger/sqlite-ledger.js';
import { summarise, type WrittenBatch } from './batch-ingest.js';
import type { ThreadReply } from './request-thread.js';
import { ThreadDecoding, type DecodeRequest } from './thread-decoding.js';

/** Decode batch `batch` and hold its events; write the batch held; or close the connection and end. */
export type IngestRequest = { batch: number; decode: DecodeRequest } | { batch: number; write: true };
export interface CloseRequest {
  close: true;
}

export interface IngestReply {
  /** What each message decoded to, in order, its events held on the thread (`events` left empty). */
  decoded?: DecodedMessage[];
  written?: WrittenBatch;
}

/** What the thread is started with: the ledger's file (migrated already by the processor). */
export interface IngestThreadData {
  path: string;
}

// Checkpoints stay with the processor's own connection (its checkpointer thread).
const ledger = new SqliteLedger((workerData as IngestThreadData).path, [], { checkpoints: false });
const decoding = new ThreadDecoding();
/**
 * The batch decoded and not yet written (the consumer writes each before this thread decodes its next), its rows made
 * ready while the other thread writes.
 */
let held: { batch: number; prepared: PreparedEvents; summary: Omit<WrittenBatch, 'result'> } | undefined;

async function answer(request: IngestRequest): Promise<IngestReply> {
  if ('decode' in request) {
    const decoded = decoding.decode(request.decode);
    const events = decoded.flatMap((d) => d.events);
    held = { batch: request.batch, prepared: prepareEvents(events), summary: summarise(events) };
    return { decoded: decoded.map((d) => ({ ...d, events: [] })) };
  }
  if (held?.batch !== request.batch)
    throw new Error(`batch ${request.batch} is not held here (the thread that decoded it was lost)`);
  const { prepared, summary } = held;
  held = undefined;
  return { written: { result: await ledger.insertPrepared(prepared), ...summary } };
}

parentPort?.on('message', (request: (IngestRequest & { id: number }) | CloseRequest) => {
  if ('close' in request) {
    void ledger.close().finally(() => parentPort!.close());
    return;
  }
  answer(request).then(
    (reply) => parentPort!.postMessage({ id: request.id, ...reply } satisfies ThreadReply<IngestReply>),
    (error: unknown) =>
      parentPort!.postMessage({
        id: request.id,
        error: error instanceof Error ? error.message : String(error),
      } satisfies ThreadReply<IngestReply>),
  );
});
