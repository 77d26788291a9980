// What reconciliation found over a range of call times, as the API returns it and the CLI prints it.
import { nanoToUsd } from '../decode/cost-event.js';
import type { ReconciliationSummary } from './reconciliation-store.js';

export interface ReconciliationReport {
  from: string;
  to: string;
  /** Per model and the provider that served the calls: recorded vs billed. */
  groups: {
    model: string;
    provider: string;
    calls: number;
    recordedUsd: number;
    billedUsd: number;
    adjustmentUsd: number;
  }[];
  totals: { calls: number; recordedUsd: number; billedUsd: number; adjustmentUsd: number };
  /** Queued calls whose bill is not read yet, and calls given up on. */
  pending: number;
  unavailable: number;
  /** The calls whose bill differed from what was recorded (oldest first, at most 100). */
  changes: {
    generationId: string;
    time: string;
    model: string;
    provider: string;
    costSource: string;
    recordedUsd: number;
    billedUsd: number;
    adjustmentUsd: number;
  }[];
}

export const CHANGE_LIMIT = 100;

export function buildReconciliationReport(
  range: { fromMs: number; toMs: number },
  summary: ReconciliationSummary,
): ReconciliationReport {
  let calls = 0;
  let recorded = 0n;
  let billed = 0n;
  for (const g of summary.groups) {
    calls += g.reconciled;
    recorded += g.recordedNano;
    billed += g.billedNano;
  }
  return {
    from: new Date(range.fromMs).toISOString(),
    to: new Date(range.toMs).toISOString(),
    groups: summary.groups
      .map((g) => ({
        model: g.model,
        provider: g.provider,
        calls: g.reconciled,
        recordedUsd: nanoToUsd(g.recordedNano),
        billedUsd: nanoToUsd(g.billedNano),
        adjustmentUsd: nanoToUsd(g.billedNano - g.recordedNano),
      }))
      .sort((a, b) => b.billedUsd - a.billedUsd || a.model.localeCompare(b.model)),
    totals: {
      calls,
      recordedUsd: nanoToUsd(recorded),
      billedUsd: nanoToUsd(billed),
      adjustmentUsd: nanoToUsd(billed - recorded),
    },
    pending: summary.pending,
    unavailable: summary.unavailable,
    changes: summary.changes.map((c) => ({
      generationId: c.generationId,
      time: new Date(c.eventTimeMs).toISOString(),
      model: c.model,
      provider: c.provider,
      costSource: c.costSource,
      recordedUsd: nanoToUsd(c.recordedNano),
      billedUsd: nanoToUsd(c.billedNano),
      adjustmentUsd: nanoToUsd(c.billedNano - c.recordedNano),
    })),
  };
}
