// How a batch of cost-topic messages is decoded: on the consumer's own thread, or on a decoding thread, so that
// decoding the next batch overlaps writing this one (on SQLite the write holds the consumer's thread).
// GENOPS_DECODE_THREAD chooses; bench:ingest measures both.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { PriceCatalog } from '@genops/pricing';
import { AttributionRules } from '../decode/attribution-rules.js';
import type { DecodedMessage, DecodeOptions } from '../decode/decode-cost-spans.js';
import type { DecodeReply, DecodeRequest } from './decode-thread.js';
import {
  assembleBatch,
  decodeBatch,
  messageBytes,
  type CostMessage,
  type DecodedBatch,
} from './decoded-batch.js';

export interface BatchDecoder {
  /** Whether decoding runs beside the consumer's thread (so a batch is best handed over before a write starts). */
  readonly concurrent: boolean;
  decode(messages: readonly CostMessage[], options: DecodeOptions): Promise<DecodedBatch>;
  close(): Promise<void>;
}

export const inlineDecoder: BatchDecoder = {
  concurrent: false,
  decode: async (messages, options) => decodeBatch(messages, options),
  close: async () => {},
};

/** The thread's module: the built JavaScript beside this one (run from src/ by a test runner: the one in dist/). */
function threadModule(): string {
  const here = fileURLToPath(import.meta.url);
  const dir = here.endsWith('.ts')
    ? dirname(here).replace(/([/\\])src([/\\])consumer$/, '$1dist$2consumer')
    : dirname(here);
  return join(dir, 'decode-thread.js');
}

interface Waiting {
  resolve(decoded: DecodedMessage[]): void;
  reject(error: Error): void;
}

/** Threads lost in a row (none answering a batch between) after which decoding goes back to the consumer's thread. */
const THREAD_FAILURES_BEFORE_INLINE = 2;

/**
 * One decoding thread, started on the first batch and again after it failed (the batch in hand then fails, and the
 * consumer reads it again from the last commit). It gets each message's bytes (copied: a message's buffer is a view
 * of the fetch's), and the catalog and attribution rules whenever the batch's differ from the last it got. A thread
 * that cannot run (its module missing, as in a bundle; lost twice in a row) never stops ingest: decoding then goes
 * back to the consumer's own thread, with one warning.
 */
export class ThreadDecoder implements BatchDecoder {
  concurrent = true;
  private failuresInARow = 0;
  private worker: Worker | undefined;
  private nextId = 0;
  private readonly waiting = new Map<number, Waiting>();
  private sentCatalog: PriceCatalog | undefined;
  private sentRules: AttributionRules | undefined;

  constructor(
    private readonly module = threadModule(),
    private readonly warn: (message: string) => void = () => {},
  ) {
    if (!existsSync(module)) this.inline(`its module ${module} is missing`);
  }

  /** From now on, decoding on the consumer's thread. */
  private inline(why: string): void {
    this.concurrent = false;
    this.warn(`decoding on the consumer's thread: the decoding thread cannot run (${why})`);
  }

  private start(): Worker {
    const worker = new Worker(this.module, { execArgv: [] });
    worker.on('message', (reply: DecodeReply) => {
      this.failuresInARow = 0;
      const waiting = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if ('error' in reply) waiting?.reject(new Error(`decoding thread: ${reply.error}`));
      else waiting?.resolve(reply.decoded);
    });
    worker.on('error', (error) => this.fail(worker, error));
    worker.on('exit', (code) => this.fail(worker, new Error(`decoding thread exited (${code})`)));
    worker.unref(); // an idle thread never keeps the process alive
    this.sentCatalog = undefined;
    this.sentRules = undefined;
    return worker;
  }

  private fail(worker: Worker, error: Error): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    if (++this.failuresInARow >= THREAD_FAILURES_BEFORE_INLINE && this.concurrent) this.inline(error.message);
    this.rejectWaiting(error);
  }

  /** Fails every batch the thread has not answered. */
  private rejectWaiting(error: Error): void {
    for (const waiting of this.waiting.values()) waiting.reject(error);
    this.waiting.clear();
  }

  async decode(messages: readonly CostMessage[], options: DecodeOptions): Promise<DecodedBatch> {
    if (!this.concurrent) return decodeBatch(messages, options);
    const worker = (this.worker ??= this.start());
    const values = messages.map((m) => new Uint8Array(messageBytes(m)));
    const request: DecodeRequest = { id: this.nextId++, values };
    const catalog = options.catalog ?? PriceCatalog.bundled();
    if (catalog !== this.sentCatalog) request.catalog = catalog.table();
    const rules = options.rules ?? AttributionRules.none();
    if (rules !== this.sentRules) request.rules = { text: rules.text, source: rules.source };
    this.sentCatalog = catalog;
    this.sentRules = rules;
    const decoded = await new Promise<DecodedMessage[]>((resolve, reject) => {
      this.waiting.set(request.id, { resolve, reject });
      worker.ref(); // a batch in flight keeps the process alive until answered
      worker.postMessage(
        request,
        values.map((v) => v.buffer as ArrayBuffer),
      );
    }).finally(() => {
      if (!this.waiting.size) worker.unref();
    });
    const { reconcile } = options;
    if (reconcile) for (const d of decoded) for (const e of d.events) if (reconcile(e)) e.reconcile = true;
    return assembleBatch(messages, decoded);
  }

  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.worker = undefined;
    this.rejectWaiting(new Error('the decoding thread was closed'));
    await worker.terminate();
  }
}
