import { describe, expect, it } from 'vitest';
import { renderCostTable } from '../../src/cli/report-table.js';
import type { CostReport } from '../../src/report/cost-report.js';

describe('renderCostTable', () => {
  it('aligns columns and ends with a totals row', () => {
    const report: CostReport = {
      from: '2026-03-01T00:00:00.000Z',
      to: '2026-03-02T00:00:00.000Z',
      groupBy: ['team', 'model'],
      currency: 'USD',
      timezone: 'UTC',
      totals: {
        costUsd: 12.500042,
        requests: 3,
        errors: 1,
        inputTokens: 90,
        outputTokens: 30,
        totalTokens: 120,
        unpricedRequests: 0,
        unpricedTokens: 0,
        upstreamCostUsd: 0,
      },
      groups: [
        {
          key: { team: 'ads', model: 'qwen/qwen-max' },
          costUsd: 12.5,
          requests: 1,
          errors: 1,
          inputTokens: 30,
          outputTokens: 10,
          totalTokens: 40,
          unpricedRequests: 0,
          unpricedTokens: 0,
          upstreamCostUsd: 0,
          costPerMillionTokens: 312500,
        },
        {
          key: { team: 'search', model: 'deepseek/deepseek-chat' },
          costUsd: 0.000042,
          requests: 2,
          errors: 0,
          inputTokens: 60,
          outputTokens: 20,
          totalTokens: 80,
          unpricedRequests: 0,
          unpricedTokens: 0,
          upstreamCostUsd: 0,
          costPerMillionTokens: 0.525,
        },
      ],
    };
    expect(renderCostTable(report)).toBe(
      [
        'Cost report 2026-03-01T00:00:00.000Z → 2026-03-02T00:00:00.000Z (USD)',
        'team    model                   cost (USD)  requests  errors  tokens  USD / 1M tok',
        '------  ----------------------  ----------  --------  ------  ------  ------------',
        'ads     qwen/qwen-max                12.50         1       1      40     312500.00',
        'search  deepseek/deepseek-chat    0.000042         2       0      80         0.525',
        '------  ----------------------  ----------  --------  ------  ------  ------------',
        'TOTAL                                12.50         3       1     120     104167.02',
        '',
      ].join('\n'),
    );
  });
});
