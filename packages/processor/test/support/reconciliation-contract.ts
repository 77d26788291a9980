// The reconciliation side of the ledger contract (SQLite in the unit project, PostgreSQL against the real server):
// the queue written with the call, claims with a lease, adjustments counted in cost and budgets but not as calls.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildCostReport, buildProviderReport } from '../../src/report/cost-report.js';
import type { CostEvent } from '../../src/decode/cost-event.js';
import type { CostLedger } from '../../src/ledger/cost-ledger.js';
import { adjustmentFor } from '../../src/reconcile/reconciliation-store.js';
import { event } from './ledger-contract.js';
import { teamKey } from '../../src/budget/budget-scope.js';

const HOUR = 3_600_000;

/** A call through OpenRouter, marked for reconciliation as the consumer's policy would. */
function call(
  generationId: string,
  costUsd: number,
  endMs: number,
  extra: Partial<CostEvent> = {},
): CostEvent {
  return {
    ...event({ generationId, costUsd, endMs, costSource: 'estimated', model: 'openai/gpt-4o-mini' }),
    reconcile: true,
    ...extra,
  };
}

export function reconciliationContract(name: string, open: () => Promise<CostLedger>): void {
  describe(`${name} (reconciliation contract)`, () => {
    let ledger: CostLedger;
    // Calls of the current hour's start, so budget counters (this month) count them.
    const T = Math.floor(Date.now() / HOUR) * HOUR;
    beforeEach(async () => {
      ledger = await open();
    });
    afterEach(async () => ledger.close());

    describe('when a call marked to reconcile is written', () => {
      it('queues it once with the call, and a claim returns the call as recorded', async () => {
        const a = call('gen-a', 0.001, T + 1);
        const b = event({ costUsd: 0.002, endMs: T + 2, generationId: 'gen-b' }); // not marked: not queued
        await ledger.insertEvents([a, b]);
        await ledger.insertEvents([a]); // delivered again
        const now = Date.now();
        const tasks = await ledger.claimReconciliations(now, 60_000, 10);
        expect(tasks).toEqual([
          {
            generationId: 'gen-a',
            attempts: 1,
            createdMs: expect.any(Number),
            event: { ...a, reconcile: undefined, adjustment: false },
          },
        ]);
        // Leased: not due again until the lease ends.
        expect(await ledger.claimReconciliations(now + 59_999, 60_000, 10)).toEqual([]);
        const again = await ledger.claimReconciliations(now + 60_000, 60_000, 10);
        expect(again.map((t) => [t.generationId, t.attempts])).toEqual([['gen-a', 2]]);
      });
    });

    describe('when several claims race (processors sharing the ledger)', () => {
      it('gives each due call to one of them', async () => {
        await ledger.insertEvents(Array.from({ length: 40 }, (_, i) => call(`gen-${i}`, 0.001, T + i)));
        const now = Date.now();
        // Four workers, each claiming batches of 7 until nothing is left.
        const worker = async () => {
          const mine: string[] = [];
          for (;;) {
            const batch = await ledger.claimReconciliations(now, 60_000, 7);
            if (!batch.length) return mine;
            mine.push(...batch.map((t) => t.generationId));
          }
        };
        const ids = (await Promise.all(Array.from({ length: 4 }, worker))).flat();
        expect(ids).toHaveLength(new Set(ids).size);
        expect(ids.length).toBe(40);
      });
    });

    describe('when the bill differs and an adjustment is written', () => {
      it('counts it in cost, upstream and budgets — once — but not as a request, tokens or latency', async () => {
        await ledger.putBudget(
          {
            team: 'search',
            period: 'monthly',
            timezone: 'UTC',
            limitUsd: 10,
            thresholds: [0.8],
            enforcement: 'hard',
          },
          T,
        );
        const a = call('gen-a', 0.001, T + 1);
        await ledger.insertEvents([a]);
        const billed = { costNano: 1_234_567n, upstreamNano: 0n, provider: 'OpenAI' };
        const adjustment = adjustmentFor({ ...a, generationId: 'gen-a' }, billed)!;
        expect(adjustment.costNano).toBe(234_567n);
        expect(await ledger.insertEvents([adjustment])).toEqual({ inserted: 1, duplicates: 0 });
        expect(await ledger.insertEvents([adjustment])).toEqual({ inserted: 0, duplicates: 1 });
        await ledger.markReconciled('gen-a', billed, T + 5);

        // Both the rollup (whole hours) and the raw edges see it.
        for (const [fromMs, toMs] of [
          [T - HOUR, T + 2 * HOUR],
          [T, T + 60_000],
        ] as const) {
          const q = { fromMs, toMs, groupBy: [], filters: {} };
          expect(buildCostReport(q, await ledger.aggregate(q)).totals).toEqual({
            costUsd: 0.001234567,
            upstreamCostUsd: 0,
            requests: 1,
            errors: 0,
            inputTokens: 30,
            outputTokens: 10,
            totalTokens: 40,
            unpricedRequests: 0,
            unpricedTokens: 0,
          });
        }
        // The provider comparison: the billed cost, but one request and its latency only.
        const samples = await ledger.providerSamples({ fromMs: T - HOUR, toMs: T + HOUR, filters: {} });
        expect(buildProviderReport(samples)).toEqual([
          {
            provider: 'DeepInfra',
            model: 'openai/gpt-4o-mini',
            requests: 1,
            errors: 0,
            errorRate: 0,
            fallbacks: 0,
            latencyMs: { p50: 120, p95: 120, p99: 120 },
            costUsd: 0.001234567,
            costPerMillionTokens: 30.864175, // 0.001234567 USD over 40 tokens
          },
        ]);
        expect((await ledger.counters(teamKey('search'), T + 10))!.spentNano).toBe(1_234_567n);
        const [recount] = await ledger.recount(T + 10, teamKey('search'));
        expect(recount!.after.spentNano).toBe(1_234_567n);
        expect(recount!.before.spentNano).toBe(1_234_567n);
      });
    });

    describe('when calls are retried, given up on and reconciled', () => {
      it('summarises recorded vs billed per model and served provider, with each change', async () => {
        await ledger.insertEvents([
          call('gen-1', 0.001, T + 1),
          call('gen-2', 0.002, T + 2),
          call('gen-3', 0.004, T + 3),
          call('gen-4', 0.008, T + 4, { model: 'anthropic/claude-sonnet-4.5' }),
          call('gen-5', 0.016, T + HOUR * 3), // outside the summary's range
        ]);
        const now = Date.now();
        expect((await ledger.claimReconciliations(now, 1000, 10, { fromMs: T, toMs: T + HOUR })).length).toBe(
          4,
        );
        await ledger.markReconciled(
          'gen-1',
          { costNano: 1_000_000n, upstreamNano: 0n, provider: 'OpenAI' },
          now,
        );
        await ledger.markReconciled(
          'gen-2',
          { costNano: 2_500_000n, upstreamNano: 0n, provider: 'OpenAI' },
          now,
        );
        await ledger.retryReconciliation('gen-3', now + 5000, 'generation not found', false);
        await ledger.retryReconciliation('gen-4', now + 5000, 'generation not found', true);
        // A closed call is not retried by a late lease expiry.
        await ledger.retryReconciliation('gen-1', now + 5000, 'late', true);

        const summary = await ledger.reconciliationSummary(T, T + HOUR, 100);
        expect(summary).toEqual({
          groups: [
            {
              model: 'openai/gpt-4o-mini',
              provider: 'OpenAI',
              reconciled: 2,
              recordedNano: 3_000_000n,
              billedNano: 3_500_000n,
            },
          ],
          pending: 1,
          unavailable: 1,
          changes: [
            {
              generationId: 'gen-2',
              eventTimeMs: T + 2,
              model: 'openai/gpt-4o-mini',
              provider: 'OpenAI',
              costSource: 'estimated',
              recordedNano: 2_000_000n,
              billedNano: 2_500_000n,
            },
          ],
        });
        // gen-3 waits for its backoff; expediting the range makes it due now.
        const range = { fromMs: T, toMs: T + HOUR };
        expect(await ledger.claimReconciliations(now + 1000, 1000, 10, range)).toEqual([]);
        expect(await ledger.expediteReconciliations(T, T + HOUR, now + 1000)).toBe(1);
        const due = await ledger.claimReconciliations(now + 1000, 1000, 10, range);
        expect(due.map((t) => [t.generationId, t.attempts])).toEqual([['gen-3', 2]]);
      });
    });
  });
}
