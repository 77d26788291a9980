// How a batch of cost-topic messages is decoded: on the consumer's own thread, or on a decoding thread, so that
// decoding the next batch overlaps writing this one (on SQLite the write holds the consumer's thread).
// GENOPS_DECODE_THREAD chooses; bench:ingest measures both.
import { PriceCatalog } from '@genops/pricing';
import { AttributionRules } from '../decode/attribution-rules.js';
import type { DecodeOptions } from '../decode/decode-cost-spans.js';
import type { DecodeReply, DecodeRequest } from './decode-thread.js';
import { RequestThread, threadModule } from './request-thread.js';
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

/**
 * One decoding thread (request-thread.ts: restarted after a failure, given up for the consumer's thread when it
 * cannot run). It gets each message's bytes (copied: a message's buffer is a view of the fetch's), and the catalog
 * and attribution rules whenever the batch's differ from the last it got.
 */
export class ThreadDecoder implements BatchDecoder {
  private readonly thread: RequestThread<DecodeRequest, DecodeReply>;
  private sentCatalog: PriceCatalog | undefined;
  private sentRules: AttributionRules | undefined;

  constructor(module = threadModule('decode-thread'), warn: (message: string) => void = () => {}) {
    const names = { work: 'decoding', thread: 'decoding thread' };
    this.thread = new RequestThread(module, names, warn, undefined, () => {
      this.sentCatalog = undefined;
      this.sentRules = undefined;
    });
  }

  get concurrent(): boolean {
    return this.thread.available;
  }

  async decode(messages: readonly CostMessage[], options: DecodeOptions): Promise<DecodedBatch> {
    if (!this.concurrent) return decodeBatch(messages, options);
    const values = messages.map((m) => new Uint8Array(messageBytes(m)));
    const { decoded } = await this.thread.request(
      () => this.request(values, options),
      values.map((v) => v.buffer as ArrayBuffer),
    );
    const { reconcile } = options;
    if (reconcile) for (const d of decoded) for (const e of d.events) if (reconcile(e)) e.reconcile = true;
    return assembleBatch(messages, decoded);
  }

  /** The messages' bytes, and the catalog and rules when they differ from what the thread was last sent. */
  private request(values: Uint8Array[], options: DecodeOptions): DecodeRequest {
    const request: DecodeRequest = { values };
    const catalog = options.catalog ?? PriceCatalog.bundled();
    if (catalog !== this.sentCatalog) request.catalog = catalog.table();
    const rules = options.rules ?? AttributionRules.none();
    if (rules !== this.sentRules) request.rules = { text: rules.text, source: rules.source };
    this.sentCatalog = catalog;
    this.sentRules = rules;
    return request;
  }

  close(): Promise<void> {
    return this.thread.close();
  }
}
