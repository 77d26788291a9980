// Where the consumer's durable write runs. PostgreSQL's write is a network round trip, so the consumer's thread is
// free meanwhile; better-sqlite3's is synchronous, so on SQLite it can run on a thread of its own with a connection of
// its own (write-thread.ts) while the consumer's thread goes on fetching. GENOPS_WRITE_THREAD chooses (off by
// default: on 2 cores bench:ingest measured it slower — the events are copied to it and back through the consumer's
// thread, and three busy threads share two cores); bench:ingest measures both.
import type { ProcessorConfig } from '../config.js';
import type { CostEvent } from '../decode/cost-event.js';
import type { CostLedger, InsertResult } from '../ledger/cost-ledger.js';
import { sqlitePath } from '../ledger/open-ledger.js';
import { RequestThread, threadModule } from './request-thread.js';
import type { CloseRequest, WriteReply, WriteRequest, WriteThreadData } from './write-thread.js';

export interface EventWriter {
  insertEvents(events: CostEvent[]): Promise<InsertResult>;
  close(): Promise<void>;
}

/** Writes with the processor's ledger, on the consumer's thread. */
export const ledgerWriter = (ledger: CostLedger): EventWriter => ({
  insertEvents: (events) => ledger.insertEvents(events),
  close: async () => {},
});

/**
 * Writes on a thread with its own connection to the SQLite ledger at `path` (request-thread.ts: restarted after a
 * failure, given up for `ledger` on the consumer's thread when it cannot run). SQLite serialises the two
 * connections' write transactions, so a batch is exactly as durable and as isolated as on the processor's own.
 */
export class ThreadWriter implements EventWriter {
  private readonly thread: RequestThread<WriteRequest, WriteReply>;

  constructor(
    private readonly ledger: CostLedger,
    path: string,
    warn: (message: string) => void = () => {},
    module = threadModule('write-thread'),
  ) {
    const names = { work: 'writing to the ledger', thread: 'ledger write thread' };
    this.thread = new RequestThread(module, names, warn, { path } satisfies WriteThreadData);
  }

  async insertEvents(events: CostEvent[]): Promise<InsertResult> {
    if (!this.thread.available || !events.length) return this.ledger.insertEvents(events);
    return (await this.thread.request(() => ({ events }))).result;
  }

  close(): Promise<void> {
    return this.thread.close({ close: true } satisfies CloseRequest);
  }
}

/** The consumer's writer: a write thread for a SQLite ledger in a file with GENOPS_WRITE_THREAD=on, else the ledger. */
export function eventWriter(
  config: Pick<ProcessorConfig, 'ledgerUrl' | 'writeThread'>,
  ledger: CostLedger,
  warn: (message: string) => void,
): EventWriter {
  const path = sqlitePath(config.ledgerUrl);
  return config.writeThread && path && path !== ':memory:'
    ? new ThreadWriter(ledger, path, warn)
    : ledgerWriter(ledger);
}
