// Prices the calls recorded unpriced as soon as a price for their model arrives (a sync, a reloaded price file, a
// start-up with a newer catalog): one adjustment per call, `rep-<span id>`, carrying the price into reports and
// budget counters and taking the call out of the unpriced count. Idempotent: a call priced once is never priced
// again (its adjustment's identity is taken), and a call left to reconciliation with the bill is left alone.
import type { PriceCatalog } from '@genops/pricing';
import type { CostEvent } from '../decode/cost-event.js';
import { catalogPrice, usageOf } from '../decode/ingest-pricing.js';
import { idBytes, repricedIdSql } from '../decode/event-id.js';
import type { Dialect, Script } from '../ledger/script.js';
import type { CostLedger } from '../ledger/cost-ledger.js';
import { eventFromRow } from '../ledger/event-columns.js';

const BATCH = 500;

/** Unpriced calls after `(timeMs, spanId)`, oldest first, not yet priced and not queued for reconciliation. */
export function* unpricedCalls(
  dialect: Dialect,
  afterMs: number,
  afterSpan: string,
  limit: number,
): Script<CostEvent[]> {
  const rows = yield {
    sql: `SELECT * FROM cost_events e
      WHERE e.unpriced_requests = 1 AND (e.event_time > $1 OR (e.event_time = $1 AND e.span_id > $2))
        AND NOT EXISTS (SELECT 1 FROM cost_events a
          WHERE a.trace_id = e.trace_id AND a.span_id = ${repricedIdSql(dialect, 'e.span_id')})
        AND NOT EXISTS (SELECT 1 FROM reconciliations r WHERE r.trace_id = e.trace_id AND r.span_id = e.span_id)
      ORDER BY e.event_time, e.span_id LIMIT $3`,
    params: [afterMs, idBytes(afterSpan), limit],
  };
  return rows.map(eventFromRow);
}

/** The adjustment that prices an unpriced call at `costNano`. */
export function repricing(call: CostEvent, costNano: bigint): CostEvent {
  return {
    ...call,
    spanId: `rep-${call.spanId}`,
    costNano,
    upstreamNano: 0n,
    costSource: 'repriced',
    inputTokens: 0,
    outputTokens: 0,
    detail: undefined,
    isError: false,
    durationMs: 0,
    reservationId: '',
    generationId: '',
    adjustment: true,
    fallback: false,
    reconcile: false,
    clientCostNano: undefined,
    repricedTokens: call.inputTokens + call.outputTokens,
  };
}

export interface RepricerHooks {
  /** The catalog in force. */
  catalog: () => PriceCatalog;
  /** Called with the adjustments written (budget alert checks, metrics). */
  onRepriced?: (adjustments: CostEvent[]) => void;
}

export class Repricer {
  private running: Promise<number> | undefined;
  private again = false;

  constructor(
    private readonly ledger: Pick<CostLedger, 'read' | 'insertEvents' | 'dialect'>,
    private readonly hooks: RepricerHooks,
  ) {}

  /** Prices what the catalog now can; a call while a run is in progress runs once more after it. */
  run(): Promise<number> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.pass().finally(() => (this.running = undefined));
    return this.running.then(async (n) => {
      if (!this.again) return n;
      this.again = false;
      return n + (await this.run());
    });
  }

  /** Resolves once no run is in progress. */
  async idle(): Promise<void> {
    this.again = false;
    await this.running;
  }

  private async pass(): Promise<number> {
    const catalog = this.hooks.catalog();
    let cursor = { ms: -1, span: '' };
    let priced = 0;
    for (;;) {
      const calls = await this.ledger.read(unpricedCalls(this.ledger.dialect, cursor.ms, cursor.span, BATCH));
      if (!calls.length) return priced;
      const adjustments = calls.flatMap((call) => {
        const usage = usageOf(call);
        const estimate = catalogPrice(catalog, { ...call, usage }, new Date(call.eventTimeMs));
        return estimate ? [repricing(call, estimate.nanoUsd)] : [];
      });
      if (adjustments.length) {
        const { inserted } = await this.ledger.insertEvents(adjustments);
        priced += inserted;
        this.hooks.onRepriced?.(adjustments);
      }
      const last = calls[calls.length - 1]!;
      cursor = { ms: last.eventTimeMs, span: last.spanId };
      if (calls.length < BATCH) return priced;
    }
  }
}
