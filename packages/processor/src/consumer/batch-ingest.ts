// How the consumer turns a batch of cost-topic messages into ledger rows, in two steps: decoded (the next batch is
// decoded while this one is written), then written durably. By default decoding runs on the consumer's thread or a
// decoding thread and the write with the processor's ledger; ingest-threads.ts does both on threads of their own.
import { SCOPE_DIMENSIONS, scopedCall, type ScopedCall } from '../budget/budget-scope.js';
import type { DecodeOptions } from '../decode/decode-cost-spans.js';
import type { CostEvent } from '../decode/cost-event.js';
import type { CostLedger, InsertResult } from '../ledger/cost-ledger.js';
import type { BatchDecoder } from './batch-decoder.js';
import type { CostMessage, DecodedBatch } from './decoded-batch.js';

/** What a durable write tells the consumer: what was new, and what the alert check and the metrics need. */
export interface WrittenBatch {
  result: InsertResult;
  /** The distinct scoped calls among the batch's events: the budgets covering them are checked for alerts. */
  calls: ScopedCall[];
  /** The calls no price was found for, by model (re-pricing adjustments aside). */
  unpriced: Record<string, number>;
}

/** What the consumer needs of a batch's events besides their write: their distinct scoped calls, the unpriced. */
export function summarise(events: readonly CostEvent[]): Omit<WrittenBatch, 'result'> {
  const calls = new Map<string, ScopedCall>();
  const unpriced: Record<string, number> = {};
  for (const e of events) {
    const call = scopedCall(e);
    const key = SCOPE_DIMENSIONS.map((d) => call[d]).join('\u0000');
    if (!calls.has(key)) calls.set(key, call);
    if (e.costSource === 'unknown' && !e.adjustment) unpriced[e.model] = (unpriced[e.model] ?? 0) + 1;
  }
  return { calls: [...calls.values()], unpriced };
}

/** A decoded batch, its events waiting where they were decoded until `write()` (called once). */
export type ReadyBatch = Omit<DecodedBatch, 'events'> & { write(): Promise<WrittenBatch> };

export interface BatchIngest {
  /** Whether decoding runs beside the consumer's thread (so a batch is best handed over before a write starts). */
  readonly concurrent: boolean;
  decode(messages: readonly CostMessage[], options: DecodeOptions): Promise<ReadyBatch>;
  close(): Promise<void>;
}

/** Decodes with `decoder`; writes with the processor's ledger, on the consumer's thread. */
export class DecodeThenWrite implements BatchIngest {
  constructor(
    private readonly decoder: BatchDecoder,
    private readonly ledger: CostLedger,
  ) {}

  get concurrent(): boolean {
    return this.decoder.concurrent;
  }

  async decode(messages: readonly CostMessage[], options: DecodeOptions): Promise<ReadyBatch> {
    const { events, ...batch } = await this.decoder.decode(messages, options);
    return {
      ...batch,
      write: async () => ({ result: await this.ledger.insertEvents(events), ...summarise(events) }),
    };
  }

  close(): Promise<void> {
    return this.decoder.close();
  }
}
