import { PriceCatalog } from '@genops/pricing';
import { describe, expect, it } from 'vitest';
import { renderRepricing, reprice } from '../../src/cli/reprice.js';
import type { CostReport } from '../../src/report/cost-report.js';

const catalog = PriceCatalog.bundled().withOverrides({
  version: 'next-quarter',
  models: {
    'vendor/a': [{ effectiveFrom: '2026-01-01', input: 1, output: 2 }], // USD per 1M tokens
    'vendor/b': [
      { effectiveFrom: '2026-01-01', input: 0.5, output: 0.5 },
      { effectiveFrom: '2026-06-01', input: 4, output: 8 },
    ],
  },
});

const group = (team: string, model: string, costUsd: number, inputTokens: number, outputTokens: number) => ({
  key: { team, model },
  costUsd,
  upstreamCostUsd: 0,
  requests: 1,
  errors: 0,
  inputTokens,
  outputTokens,
  totalTokens: inputTokens + outputTokens,
  unpricedRequests: 0,
  unpricedTokens: 0,
  costPerMillionTokens: 0,
});

const report: CostReport = {
  from: '2026-03-01T00:00:00.000Z',
  to: '2026-04-01T00:00:00.000Z',
  groupBy: ['team', 'model'],
  timezone: 'UTC',
  currency: 'USD',
  totals: {
    costUsd: 0.5052,
    upstreamCostUsd: 0,
    requests: 3,
    errors: 0,
    inputTokens: 4500,
    outputTokens: 1500,
    totalTokens: 6000,
    unpricedRequests: 0,
    unpricedTokens: 0,
  },
  groups: [
    group('search', 'vendor/a', 0.003, 1000, 500), // 1000 × 1 + 500 × 2 per 1M = 0.002
    group('growth', 'vendor/b', 0.0022, 3000, 1000), // 3000 × 0.5 + 1000 × 0.5 per 1M = 0.002 (March price)
    group('growth', 'vendor/unknown', 0.5, 500, 0), // no price: left out of the comparison
  ],
};

describe('reprice', () => {
  describe('when a period is priced under another catalog', () => {
    it('gives each group its cost at the catalog price in force, exactly, beside what was recorded', () => {
      const r = reprice(report, catalog, new Date('2026-03-15T00:00:00Z'));
      expect(r.groups.map((g) => [g.key.model, g.recordedUsd, g.repricedUsd])).toEqual([
        ['vendor/a', 0.003, 0.002],
        ['vendor/b', 0.0022, 0.002],
        ['vendor/unknown', 0.5, undefined],
      ]);
      expect({ recorded: r.recordedUsd, repriced: r.repricedUsd, unpriced: r.unpricedUsd }).toEqual({
        recorded: 0.0052,
        repriced: 0.004,
        unpriced: 0.5,
      });
    });

    it('uses the price in force at the time asked (here, after the June change)', () => {
      const r = reprice(report, catalog, new Date('2026-07-01T00:00:00Z'));
      expect(r.groups[1]!.repricedUsd).toBe(0.02); // 3000 × 4 + 1000 × 8 per 1M
    });

    it('renders the comparison as a table with a total over the priced groups', () => {
      expect(renderRepricing(reprice(report, catalog, new Date('2026-03-15T00:00:00Z'))).split('\n')).toEqual(
        [
          'team                   model           recorded (USD)  repriced (USD)  change (USD)  change',
          '---------------------  --------------  --------------  --------------  ------------  ------',
          'search                 vendor/a                 0.003           0.002        -0.001  -33.3%',
          'growth                 vendor/b                0.0022           0.002       -0.0002   -9.1%',
          'growth                 vendor/unknown             0.5               —      no price',
          '---------------------  --------------  --------------  --------------  ------------  ------',
          'TOTAL (priced groups)                          0.0052           0.004       -0.0012  -23.1%',
          '(0.5 USD recorded on models the catalog has no price for)',
          '',
        ],
      );
    });

    it('needs the report grouped by model', () => {
      expect(() => reprice({ ...report, groupBy: ['team'] }, catalog, new Date())).toThrow(
        'repricing needs the report grouped by model',
      );
    });
  });
});
