// Where the consumer decodes and writes. PostgreSQL's write is a network round trip, so the consumer's thread is
// free meanwhile and decodes (or a decoding thread does: GENOPS_DECODE_THREAD). better-sqlite3's write is synchronous:
// with GENOPS_INGEST_THREADS (on by default), two ingest threads with connections of their own each decode a batch,
// make its rows ready and write it, in turns — one writes while the other decodes and prepares the next — so the
// write lock is held only for the write itself, the consumer's thread only fetches and commits, and no event is
// copied between threads (bench:ingest measures each layout).
import type { ProcessorConfig } from '../config.js';
import type { DecodeOptions } from '../decode/decode-cost-spans.js';
import type { CostLedger } from '../ledger/cost-ledger.js';
import { sqlitePath } from '../ledger/open-ledger.js';
import { inlineDecoder, messageCopies, ThreadDecoder } from './batch-decoder.js';
import { DecodeThenWrite, type BatchIngest, type ReadyBatch } from './batch-ingest.js';
import { assembleBatch, type CostMessage } from './decoded-batch.js';
import type { CloseRequest, IngestReply, IngestRequest, IngestThreadData } from './ingest-thread.js';
import { RequestThread, threadModule } from './request-thread.js';
import { DecodeContext } from './thread-decoding.js';

interface IngestThread {
  thread: RequestThread<IngestRequest, IngestReply>;
  /** What it was last sent to decode with. */
  sent: DecodeContext;
}

/**
 * Ingest threads on the SQLite ledger at `path` (request-thread.ts: each restarted after a failure). Batches go to
 * them in turn, and the consumer writes each batch before the one after next is read, so a thread decodes its next
 * batch while the other writes. SQLite takes the connections' write transactions in turn: a batch is exactly as
 * durable and as isolated as when the processor's own connection writes it. When a thread cannot run (its module
 * missing, or lost twice in a row) the consumer decodes and writes on its own thread from then on, with one warning.
 */
export class ThreadIngest implements BatchIngest {
  private readonly threads: IngestThread[];
  private readonly fallback: BatchIngest;
  private batches = 0;

  constructor(
    ledger: CostLedger,
    path: string,
    warn: (message: string) => void = () => {},
    module = threadModule('ingest-thread'),
    count = 2,
  ) {
    this.fallback = new DecodeThenWrite(inlineDecoder, ledger);
    const warned = new Set<string>();
    const warnOnce = (message: string) => {
      if (!warned.has(message)) warn(message);
      warned.add(message);
    };
    const names = { work: 'decoding and writing', thread: 'ingest thread' };
    this.threads = Array.from({ length: count }, () => {
      const sent = new DecodeContext();
      const data: IngestThreadData = { path };
      return { sent, thread: new RequestThread(module, names, warnOnce, data, () => sent.forget()) };
    });
  }

  get concurrent(): boolean {
    return this.threads.every((t) => t.thread.available);
  }

  async decode(messages: readonly CostMessage[], options: DecodeOptions): Promise<ReadyBatch> {
    if (!this.concurrent) return this.fallback.decode(messages, options);
    const batch = this.batches++;
    const { thread, sent } = this.threads[batch % this.threads.length]!;
    const values = messageCopies(messages);
    const { decoded } = await thread.request(
      () => ({ batch, decode: sent.request(values, options) }),
      values.map((v) => v.buffer as ArrayBuffer),
    );
    const { events: _held, ...outline } = assembleBatch(messages, decoded!);
    return { ...outline, write: async () => (await thread.request(() => ({ batch, write: true }))).written! };
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.thread.close({ close: true } satisfies CloseRequest)));
  }
}

/**
 * The consumer's ingest: ingest threads for a SQLite ledger in a file (GENOPS_INGEST_THREADS=on); else decoding on a
 * decoding thread (GENOPS_DECODE_THREAD=on) or the consumer's, and writing with the processor's ledger.
 */
export function batchIngest(
  config: Pick<ProcessorConfig, 'ledgerUrl' | 'ingestThreads' | 'decodeThread'>,
  ledger: CostLedger,
  warn: (message: string) => void,
): BatchIngest {
  const path = sqlitePath(config.ledgerUrl);
  if (config.ingestThreads && path && path !== ':memory:') return new ThreadIngest(ledger, path, warn);
  return new DecodeThenWrite(
    config.decodeThread ? new ThreadDecoder(undefined, warn) : inlineDecoder,
    ledger,
  );
}
