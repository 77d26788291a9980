// `genops reprice` against a live processor: the same table, from the report API and a catalog file.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { BudgetService } from '../../src/budget/budget-service.js';
import { createApp } from '../../src/http/app.js';
import { listenApp } from '../../src/http/listen.js';
import { openLedger } from '../../src/ledger/open-ledger.js';
import { ProcessorMetrics } from '../../src/metrics.js';
import { event } from '../support/ledger-contract.js';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'genops.js');

describe('genops reprice', () => {
  it('prints what the period would have cost under the catalog file, beside what was recorded', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'genops-reprice-'));
    const ledger = await openLedger(`sqlite:${join(dir, 'l.db')}`);
    const end = Date.parse('2026-03-10T12:00:00Z');
    await ledger.insertEvents([
      event({
        team: 'search',
        model: 'vendor/a',
        costUsd: 0.25,
        inputTokens: 1000,
        outputTokens: 500,
        endMs: end,
      }),
      event({
        team: 'search',
        model: 'vendor/a',
        costUsd: 0.25,
        inputTokens: 1000,
        outputTokens: 500,
        endMs: end + 1,
      }),
    ]);
    const server = await listenApp(
      createApp({
        ledger,
        budgets: new BudgetService(ledger),
        metrics: new ProcessorMetrics(),
        apiTokens: [],
        kafkaReady: async () => {},
      }),
      '127.0.0.1',
      0,
    );
    const catalog = join(dir, 'prices.yaml');
    writeFileSync(
      catalog,
      'version: q2\nmodels:\n  vendor/a:\n    - { effectiveFrom: 2026-01-01, input: 100, output: 200 }\n',
    );
    try {
      const { stdout } = await run(
        process.execPath,
        [
          BIN,
          'reprice',
          '--catalog',
          catalog,
          '--from',
          '2026-03-01',
          '--to',
          '2026-04-01',
          '--group-by',
          'team',
          '--at',
          '2026-03-15T00:00:00Z',
        ],
        { env: { ...process.env, GENOPS_URL: server.url } },
      );
      expect(stdout.split('\n')).toEqual([
        `What-if 2026-03-01T00:00:00.000Z → 2026-04-01T00:00:00.000Z under ${catalog} (prices as of 2026-03-15T00:00:00.000Z)`,
        'team                   model     recorded (USD)  repriced (USD)  change (USD)  change',
        '---------------------  --------  --------------  --------------  ------------  ------',
        // 2000 × 100 + 1000 × 200 per 1M = 0.4
        'search                 vendor/a             0.5             0.4          -0.1  -20.0%',
        '---------------------  --------  --------------  --------------  ------------  ------',
        'TOTAL (priced groups)                       0.5             0.4          -0.1  -20.0%',
        '',
      ]);
    } finally {
      await server.close();
      await ledger.close();
    }
  });
});
