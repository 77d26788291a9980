// The ledger write thread (event-writer.ts): writes the consumer's batches of cost events to a SQLite ledger on a
// connection of its own, so the consumer's thread goes on fetching while better-sqlite3's synchronous write runs.
import { parentPort, workerData } from 'node:worker_threads';
import type { CostEvent } from '../decode/cost-event.js';
import type { InsertResult } from '../ledger/cost-ledger.js';
import { SqliteLedger } from '../ledger/sqlite-ledger.js';
import type { ThreadReply } from './request-thread.js';

export interface WriteRequest {
  events: CostEvent[];
}

export interface WriteReply {
  result: InsertResult;
}

/** What the thread is started with: the ledger's file (migrated already by the processor). */
export interface WriteThreadData {
  path: string;
}

// Checkpoints stay with the processor's own connection (its checkpointer thread).
const ledger = new SqliteLedger((workerData as WriteThreadData).path, [], { checkpoints: false });

/** Asks the thread to close its connection and end (after the writes before it). */
export interface CloseRequest {
  close: true;
}

parentPort?.on('message', (request: (WriteRequest & { id: number }) | CloseRequest) => {
  if ('close' in request) {
    void ledger.close().finally(() => parentPort!.close());
    return;
  }
  ledger.insertEvents(request.events).then(
    (result) => parentPort!.postMessage({ id: request.id, result } satisfies ThreadReply<WriteReply>),
    (error: unknown) =>
      parentPort!.postMessage({
        id: request.id,
        error: error instanceof Error ? error.message : String(error),
      } satisfies ThreadReply<WriteReply>),
  );
});
