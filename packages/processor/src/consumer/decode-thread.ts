// A decoding thread (batch-decoder.ts): decodes the cost-topic messages it is sent (thread-decoding.ts), and
// answers with what each message decoded to, in order.
import { parentPort } from 'node:worker_threads';
import type { DecodedMessage } from '../decode/decode-cost-spans.js';
import type { ThreadReply } from './request-thread.js';
import { ThreadDecoding, type DecodeRequest } from './thread-decoding.js';

export interface DecodeReply {
  decoded: DecodedMessage[];
}

const decoding = new ThreadDecoding();

parentPort?.on('message', (request: DecodeRequest & { id: number }) => {
  try {
    const decoded = decoding.decode(request);
    parentPort!.postMessage({ id: request.id, decoded } satisfies ThreadReply<DecodeReply>);
  } catch (error) {
    parentPort!.postMessage({
      id: request.id,
      error: (error as Error).message,
    } satisfies ThreadReply<DecodeReply>);
  }
});
