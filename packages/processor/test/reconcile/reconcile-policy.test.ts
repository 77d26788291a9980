import { describe, expect, it } from 'vitest';
import type { CostEvent } from '../../src/decode/cost-event.js';
import { reconciliationPolicy, sampled } from '../../src/reconcile/reconcile-policy.js';

describe('which calls are checked against the bill', () => {
  const call = (id: string, costSource: string) => ({ generationId: id, costSource }) as CostEvent;

  it('every estimated one, and a stable sample of reported ones', () => {
    expect(reconciliationPolicy(0)(call('gen-1', 'estimated'))).toBe(true);
    expect(reconciliationPolicy(0)(call('gen-1', 'reported'))).toBe(false);
    expect(reconciliationPolicy(1)(call('gen-1', 'reported'))).toBe(true);
    expect(reconciliationPolicy(1)(call('', 'estimated'))).toBe(false); // no generation id: nothing to look up
    const ids = Array.from({ length: 2000 }, (_, i) => `gen-${i}`);
    const chosen = ids.filter((id) => sampled(id, 0.1));
    expect(chosen.length).toBeGreaterThan(150);
    expect(chosen.length).toBeLessThan(250);
    expect(ids.filter((id) => sampled(id, 0.1))).toEqual(chosen); // the same calls every time
  });

  it('names its sample rate, so a thread decoding for the consumer makes the same policy', () => {
    const policy = reconciliationPolicy(0.25);
    expect(policy.sampleRate).toBe(0.25);
    const ids = Array.from({ length: 400 }, (_, i) => call(`gen-${i}`, 'reported'));
    expect(ids.filter(reconciliationPolicy(policy.sampleRate))).toEqual(ids.filter(policy));
  });
});
