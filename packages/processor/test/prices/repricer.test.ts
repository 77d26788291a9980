import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PriceCatalog } from '@genops/pricing';
import { beforeEach, describe, expect, it } from 'vitest';
import { BudgetService } from '../../src/budget/budget-service.js';
import { decodeCostSpans } from '../../src/decode/decode-cost-spans.js';
import type { CostLedger } from '../../src/ledger/cost-ledger.js';
import { openLedger } from '../../src/ledger/open-ledger.js';
import { Repricer } from '../../src/prices/repricer.js';
import { buildCostReport } from '../../src/report/cost-report.js';
import { AS_SENT } from '../support/ledger-contract.js';
import { otlpMessage, otlpSpan } from '../support/otlp.js';
import { teamKey } from '../../src/budget/budget-scope.js';

const NOW = Date.parse('2026-06-10T12:00:00Z');
const HOUR = 3_600_000;
const FRESH = new PriceCatalog({
  version: 'with acme/new-model',
  models: { 'acme/new-model': [{ effectiveFrom: '2026-01-01', input: 0.15, output: 0.6, cacheRead: 0.075 }] },
});
let ledger: CostLedger;
let budgets: BudgetService;

beforeEach(async () => {
  ledger = await openLedger(`sqlite:${join(mkdtempSync(join(tmpdir(), 'genops-reprice-')), 'l.db')}`);
  budgets = new BudgetService(ledger, () => NOW);
  await budgets.put('search', { period: 'daily', limitUsd: 1 });
});

/** A call a stale service sent at 0 (unknown model), recorded by a processor whose catalog did not know it either. */
function unpriced(spanId: string, minutesAgo: number, extra: Record<string, number> = {}) {
  const span = otlpSpan({
    spanId,
    team: 'search',
    model: 'acme/new-model',
    costUsd: 0,
    costSource: 'unknown',
    inputTokens: 1000,
    outputTokens: 16,
    endMs: NOW - minutesAgo * 60_000,
  }) as { attributes: { key: string; value: unknown }[] };
  for (const [key, n] of Object.entries(extra)) span.attributes.push({ key, value: { intValue: String(n) } });
  return decodeCostSpans(otlpMessage([span]), { catalog: AS_SENT }).events[0]!;
}

async function totals() {
  const q = { fromMs: NOW - 2 * HOUR, toMs: NOW + HOUR, groupBy: [], filters: {} };
  const { costUsd, requests, inputTokens, unpricedRequests, unpricedTokens } = buildCostReport(
    q,
    await ledger.aggregate(q),
  ).totals;
  return { costUsd, requests, inputTokens, unpricedRequests, unpricedTokens };
}

describe('Repricer', () => {
  describe('when calls were recorded unpriced', () => {
    beforeEach(async () => {
      await ledger.insertEvents([
        unpriced('a1a1a1a1a1a1a1a1', 90),
        unpriced('b2b2b2b2b2b2b2b2', 5, { 'genops.tokens.cache_read': 400 }),
      ]);
    });

    it('reports them as unpriced, at 0', async () => {
      expect(await totals()).toEqual({
        costUsd: 0,
        requests: 2,
        inputTokens: 2000,
        unpricedRequests: 2,
        unpricedTokens: 2032,
      });
      expect((await budgets.status(teamKey('search')))!.spentUsd).toBe(0);
    });

    it('prices them when a price arrives: reports, unpriced counts and the budget catch up, exactly once', async () => {
      const repricer = new Repricer(ledger, { catalog: () => FRESH });
      expect(await repricer.run()).toBe(2);
      // 1,000 × 0.15 + 16 × 0.60 = 159.6 µUSD; the second with 400 cached: 600 × 0.15 + 400 × 0.075 + 16 × 0.60 = 129.6.
      expect(await totals()).toEqual({
        costUsd: 0.0002892,
        requests: 2,
        inputTokens: 2000,
        unpricedRequests: 0,
        unpricedTokens: 0,
      });
      expect((await budgets.status(teamKey('search')))!.spentUsd).toBe(0.0002892);
      expect(await repricer.run()).toBe(0);
      expect(await totals()).toEqual({
        costUsd: 0.0002892,
        requests: 2,
        inputTokens: 2000,
        unpricedRequests: 0,
        unpricedTokens: 0,
      });
    });

    it('leaves them unpriced while no price covers them', async () => {
      expect(await new Repricer(ledger, { catalog: () => AS_SENT }).run()).toBe(0);
      expect((await totals()).unpricedRequests).toBe(2);
    });
  });
});
