// Which calls are queued for reconciliation with the bill: every OpenRouter call whose cost was estimated, and a
// deterministic sample of those whose cost OpenRouter reported.
import { createHash } from 'node:crypto';
import { COST_SOURCE_REPORTED } from '@genops/semconv';
import type { CostEvent } from '../decode/cost-event.js';
import type { ReconcilePolicy } from '../decode/decode-cost-spans.js';

/** A deterministic sample by generation id: the same calls are chosen on every processor and after restarts. */
export function sampled(generationId: string, rate: number): boolean {
  if (rate >= 1) return true;
  if (rate <= 0) return false;
  const h = createHash('sha256').update(generationId).digest().readUInt32BE(0);
  return h / 2 ** 32 < rate;
}

/** Which calls to reconcile: every OpenRouter call whose cost was estimated, and `sampleRate` of reported ones. */
export function reconciliationPolicy(sampleRate: number): ReconcilePolicy {
  const chosen = (e: CostEvent) =>
    Boolean(e.generationId) &&
    (e.costSource !== COST_SOURCE_REPORTED || sampled(e.generationId ?? '', sampleRate));
  return Object.assign(chosen, { sampleRate });
}
