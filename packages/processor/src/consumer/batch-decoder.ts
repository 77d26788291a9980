// How a batch of cost-topic messages is decoded: on the consumer's own thread, or on a decoding thread, so that
// decoding the next batch overlaps writing this one (on SQLite the write holds the consumer's thread).
// GENOPS_DECODE_THREAD chooses; bench:ingest measures both.
import type { DecodeOptions } from '../decode/decode-cost-spans.js';
import type { DecodeReply } from './decode-thread.js';
import { RequestThread, threadModule } from './request-thread.js';
import { DecodeContext, type DecodeRequest } from './thread-decoding.js';
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

/** Each message's bytes copied for a thread (a message's buffer is a view of the fetch's: the copy is transferred). */
export const messageCopies = (messages: readonly CostMessage[]): Uint8Array[] =>
  messages.map((m) => new Uint8Array(messageBytes(m)));

export const inlineDecoder: BatchDecoder = {
  concurrent: false,
  decode: async (messages, options) => decodeBatch(messages, options),
  close: async () => {},
};

/**
 * One decoding thread (request-thread.ts: restarted after a failure, given up for the consumer's thread when it
 * cannot run). It gets each message's bytes (copied: a message's buffer is a view of the fetch's), and the catalog
 * and attribution rules whenever the batch's differ from the last it got (thread-decoding.ts).
 */
export class ThreadDecoder implements BatchDecoder {
  private readonly thread: RequestThread<DecodeRequest, DecodeReply>;
  private readonly sent = new DecodeContext();

  constructor(module = threadModule('decode-thread'), warn: (message: string) => void = () => {}) {
    const names = { work: 'decoding', thread: 'decoding thread' };
    this.thread = new RequestThread(module, names, warn, undefined, () => this.sent.forget());
  }

  get concurrent(): boolean {
    return this.thread.available;
  }

  async decode(messages: readonly CostMessage[], options: DecodeOptions): Promise<DecodedBatch> {
    if (!this.concurrent) return decodeBatch(messages, options);
    const values = messageCopies(messages);
    const { decoded } = await this.thread.request(
      () => this.sent.request(values, options),
      values.map((v) => v.buffer as ArrayBuffer),
    );
    return assembleBatch(messages, decoded);
  }

  close(): Promise<void> {
    return this.thread.close();
  }
}
