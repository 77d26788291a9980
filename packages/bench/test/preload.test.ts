// The benchmarks' preload writes cost_events in SQL, column by column: it must keep up with the ledger's schema,
// or the benchmarks measure a ledger that no longer matches what the processor writes (or fail to start at all).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCostReport, openLedger } from '@genops/processor';
import { describe, expect, it } from 'vitest';
import { preloadLedger } from '../src/preload.js';

describe('preloadLedger', () => {
  it('fills a ledger the processor reads back exactly: events, rollups, reservations and counters', async () => {
    const url = `sqlite:${join(mkdtempSync(join(tmpdir(), 'genops-preload-')), 'ledger.db')}`;
    const nowMs = Date.parse('2026-11-30T12:00:00Z');
    await preloadLedger(url, { events: 1000, teams: 5, liveReservations: 10, exceededTeams: 1, nowMs });
    const ledger = await openLedger(url);
    try {
      // Event i costs (i mod 97 + 1) × 20,000 nano-USD; 1 in 100 is an error; tokens 300 + i mod 500 in, 100 + i mod 300 out.
      let costNano = 0;
      let input = 0;
      let output = 0;
      for (let i = 0; i < 1000; i++) {
        costNano += ((i % 97) + 1) * 20_000;
        input += 300 + (i % 500);
        output += 100 + (i % 300);
      }
      // Whole hours read the rollups, the partial edges raw events: both must agree with the rows.
      const q = { fromMs: nowMs - 31 * 86_400_000 + 1, toMs: nowMs, groupBy: [], filters: {} };
      expect(buildCostReport(q, await ledger.aggregate(q)).totals).toEqual({
        costUsd: costNano / 1e9,
        upstreamCostUsd: 0,
        requests: 1000,
        errors: 10,
        inputTokens: input,
        outputTokens: output,
        totalTokens: input + output,
        unpricedRequests: 0,
        unpricedTokens: 0,
      });
      expect(await ledger.reservationCount()).toBe(10);
      // The counters putBudget counted equal what a recount finds in the raw rows.
      const recount = await ledger.recount(nowMs);
      expect(recount).toHaveLength(5);
      for (const r of recount) expect(r.after, r.key).toEqual(r.before);
    } finally {
      await ledger.close();
    }
  });
});
