// Decoding for the consumer on a thread of its own (decode-thread.ts, ingest-thread.ts): what such a thread is sent —
// each batch's message bytes, with the catalog and attribution rules whenever they differ from what that thread was
// last sent, and the reconciliation sample rate — and how it decodes them.
import { PriceCatalog, type PriceTable } from '@genops/pricing';
import { AttributionRules } from '../decode/attribution-rules.js';
import { decodeCostSpans, type DecodedMessage, type DecodeOptions } from '../decode/decode-cost-spans.js';
import { reconciliationPolicy } from '../reconcile/reconcile-policy.js';

export interface DecodeRequest {
  values: Uint8Array[];
  catalog?: PriceTable;
  rules?: { text: string; source: string };
  /** Which calls to queue for reconciliation: `reconciliationPolicy(rate)`; absent, none. */
  reconcileSampleRate?: number;
}

/** The consumer's side: what one thread was last sent, so that it is sent the catalog and rules only as they change. */
export class DecodeContext {
  private catalog: PriceCatalog | undefined;
  private rules: AttributionRules | undefined;

  /** A new thread knows nothing the one before it was sent. */
  forget(): void {
    this.catalog = undefined;
    this.rules = undefined;
  }

  /** The request decoding `values` with `options` (their bytes to be transferred, not copied). */
  request(values: Uint8Array[], options: DecodeOptions): DecodeRequest {
    const request: DecodeRequest = { values };
    const catalog = options.catalog ?? PriceCatalog.bundled();
    if (catalog !== this.catalog) request.catalog = catalog.table();
    const rules = options.rules ?? AttributionRules.none();
    if (rules !== this.rules) request.rules = { text: rules.text, source: rules.source };
    if (options.reconcile) request.reconcileSampleRate = options.reconcile.sampleRate;
    this.catalog = catalog;
    this.rules = rules;
    return request;
  }
}

/** The thread's side: decodes each request with the catalog and rules it was last sent. */
export class ThreadDecoding {
  private catalog = PriceCatalog.bundled();
  private rules = AttributionRules.none();

  decode(request: DecodeRequest): DecodedMessage[] {
    if (request.catalog) this.catalog = new PriceCatalog(request.catalog);
    if (request.rules) this.rules = AttributionRules.of(request.rules.text, request.rules.source);
    const options: DecodeOptions = {
      catalog: this.catalog,
      rules: this.rules,
      ...(request.reconcileSampleRate === undefined
        ? {}
        : { reconcile: reconciliationPolicy(request.reconcileSampleRate) }),
    };
    return request.values.map((value) =>
      decodeCostSpans(Buffer.from(value.buffer, value.byteOffset, value.byteLength), options),
    );
  }
}
