// A decoding thread (batch-decoder.ts): decodes the cost-topic messages it is sent with the catalog and attribution
// rules it was last sent, and answers with what each message decoded to, in order.
import { parentPort } from 'node:worker_threads';
import { PriceCatalog, type PriceTable } from '@genops/pricing';
import { AttributionRules } from '../decode/attribution-rules.js';
import { decodeCostSpans, type DecodedMessage } from '../decode/decode-cost-spans.js';
import type { ThreadReply } from './request-thread.js';

/** What the processor sends: messages' bytes, and the catalog or rules when they changed since the last batch. */
export interface DecodeRequest {
  values: Uint8Array[];
  catalog?: PriceTable;
  rules?: { text: string; source: string };
}

export interface DecodeReply {
  decoded: DecodedMessage[];
}

let catalog = PriceCatalog.bundled();
let rules = AttributionRules.none();

parentPort?.on('message', (request: DecodeRequest & { id: number }) => {
  try {
    if (request.catalog) catalog = new PriceCatalog(request.catalog);
    if (request.rules) rules = AttributionRules.of(request.rules.text, request.rules.source);
    const decoded = request.values.map((value) =>
      decodeCostSpans(Buffer.from(value.buffer, value.byteOffset, value.byteLength), { catalog, rules }),
    );
    parentPort!.postMessage({ id: request.id, decoded } satisfies ThreadReply<DecodeReply>);
  } catch (error) {
    parentPort!.postMessage({
      id: request.id,
      error: (error as Error).message,
    } satisfies ThreadReply<DecodeReply>);
  }
});
