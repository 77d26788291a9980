// What reconciliation with the provider's bill needs from a store — the queue of calls to check, what was billed,
// the summary — declared by the domain; both ledgers implement it (ledger/reconciliation-scripts.ts). And the
// adjustment that brings a call's recorded cost to its bill.
import type { CostEvent } from '../decode/cost-event.js';

/** A queued call, claimed for one attempt, with the event as recorded. */
export interface ReconciliationTask {
  generationId: string;
  /** Attempts so far, this one included. */
  attempts: number;
  /** When the call was queued, ms. */
  createdMs: number;
  event: CostEvent;
}

/** What the provider billed for one call. */
export interface BilledCost {
  /** The cost as the ledger counts it (BYOK: OpenRouter's fee plus the upstream cost), nano-USD. */
  costNano: bigint;
  /** Of which billed on the caller's own key (BYOK), nano-USD. */
  upstreamNano: bigint;
  /** The provider that served the call, as the bill names it. */
  provider: string;
}

/** Per model and served provider, over a range of call times. */
export interface ReconciliationGroup {
  model: string;
  provider: string;
  reconciled: number;
  recordedNano: bigint;
  billedNano: bigint;
}

/** One call whose bill differs from what was recorded. */
export interface ReconciliationChange {
  generationId: string;
  eventTimeMs: number;
  model: string;
  provider: string;
  costSource: string;
  recordedNano: bigint;
  billedNano: bigint;
}

export interface ReconciliationSummary {
  groups: ReconciliationGroup[];
  /** Queued calls not reconciled yet (the bill not available, or not fetched yet). */
  pending: number;
  /** Calls given up on (never available, or refused), with the last error of each kept in the queue. */
  unavailable: number;
  /** The calls whose bill differed, oldest first (at most `changeLimit`). */
  changes: ReconciliationChange[];
}

/** The store side of reconciliation; both ledgers implement it. */
export interface ReconciliationStore {
  /** Claims up to `limit` due calls (with call time in `[fromMs, toMs)` when given) for `leaseMs`. */
  claimReconciliations(
    nowMs: number,
    leaseMs: number,
    limit: number,
    range?: { fromMs: number; toMs: number },
  ): Promise<ReconciliationTask[]>;
  /** Makes every pending call with call time in `[fromMs, toMs)` due now; returns how many. */
  expediteReconciliations(fromMs: number, toMs: number, nowMs: number): Promise<number>;
  /** Closes a call as reconciled. Its adjustment (when the bill differs) was written as an event first. */
  markReconciled(generationId: string, billed: BilledCost, nowMs: number): Promise<void>;
  /** Tries a call again at `nextAttemptMs`, or gives up on it (`unavailable`). */
  retryReconciliation(
    generationId: string,
    nextAttemptMs: number,
    error: string,
    giveUp: boolean,
  ): Promise<void>;
  reconciliationSummary(fromMs: number, toMs: number, changeLimit: number): Promise<ReconciliationSummary>;
}

/** The adjustment that brings a call's recorded cost to what was billed; undefined when they agree. */
export function adjustmentFor(event: CostEvent, billed: BilledCost): CostEvent | undefined {
  const costNano = billed.costNano - event.costNano;
  const upstreamNano = billed.upstreamNano - event.upstreamNano;
  if (costNano === 0n && upstreamNano === 0n) return undefined;
  return {
    ...event,
    spanId: `adj-${event.generationId}`,
    costNano,
    upstreamNano,
    costSource: 'reconciled',
    inputTokens: 0,
    outputTokens: 0,
    isError: false,
    durationMs: 0,
    reservationId: '',
    adjustment: true,
    reconcile: false,
    detail: undefined,
    clientCostNano: undefined,
    // A call recorded unpriced is priced by its bill: it leaves the unpriced count.
    ...(event.costSource === 'unknown' ? { repricedTokens: event.inputTokens + event.outputTokens } : {}),
  };
}
