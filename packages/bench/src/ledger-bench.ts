// Benchmark: report latency p50/p95 for a 30-day groupBy=team,model over 1M and 10M ledger rows (SQLite,
// PostgreSQL), with each size's ratio to the first. (Ingest is `npm run bench:ingest`.)
//   npm run bench:ledger     (BENCH_REPORT_ROWS=1000000,10000000,100000000 adds 100M)
import { join } from 'node:path';
import * as devstack from '@genops/devstack';
import { openLedger, percentile } from '@genops/processor';
import { dropLedger, freshPostgres, loadEvents } from './preload.js';
import { scratchSqliteUrl } from './scratch.js';

const REPORT_ROWS = (process.env.BENCH_REPORT_ROWS ?? '1000000,10000000').split(',').map(Number);
const log = (m: string) => process.stderr.write(`[bench] ${m}\n`);

/** p50/p95 of a 30-day groupBy=team,model report (both edges partial hours) over a ledger of `rows` events. */
async function reportLatency(url: string, rows: number): Promise<{ p50: number; p95: number }> {
  const now = Date.now();
  await loadEvents(url, { events: rows, teams: 20, nowMs: now });
  const ledger = await openLedger(url);
  const times: number[] = [];
  for (let k = 0; k < 45; k++) {
    const started = performance.now();
    await ledger.aggregate({
      fromMs: now - 30 * 86_400_000 + 1234,
      toMs: now - 5678,
      groupBy: ['team', 'model'],
      filters: {},
    });
    if (k >= 5) times.push(performance.now() - started);
  }
  await ledger.close();
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95) };
}

async function main(): Promise<void> {
  const stateDir = join(devstack.repoRoot(), '.devstack', `bench-${process.pid}`);
  const { endpoints } = await devstack.up({ stateDir, randomPorts: true, progress: log });
  try {
    await reportLatencies(endpoints);
  } finally {
    await devstack.down(stateDir, { removeData: true });
  }
}

async function reportLatencies(endpoints: devstack.StackEndpoints): Promise<void> {
  console.log(
    'Report latency, 30-day groupBy=team,model, both edges partial hours (daily and hourly rollups, the hour tree and under 15 s of raw events at each edge), 40 runs:',
  );
  const first = new Map<string, number>();
  for (const rows of REPORT_ROWS) {
    for (const [name, url] of [
      ['SQLite', scratchSqliteUrl('bench-report')],
      ['PostgreSQL', await freshPostgres(endpoints.postgresUrl)],
    ] as const) {
      log(`loading ${rows.toLocaleString('en')} rows into ${name}`);
      const loadStarted = performance.now();
      const { p50, p95 } = await reportLatency(url, rows);
      log(
        `${name} ${rows.toLocaleString('en')} rows: loaded and measured in ${((performance.now() - loadStarted) / 1000).toFixed(0)} s`,
      );
      await dropLedger(url, endpoints.postgresUrl); // a 100M-event ledger is tens of GB
      if (!first.has(name)) first.set(name, p95);
      const ratio = p95 / first.get(name)!;
      console.log(
        `  ${name.padEnd(10)} ${rows.toLocaleString('en').padStart(11)} rows   p50 ${p50.toFixed(1).padStart(7)} ms   p95 ${p95.toFixed(1).padStart(7)} ms (target < 50 ms) ${p95 < 50 ? 'OK' : 'MISSED'}   p95 / first size ${ratio.toFixed(2)} (target <= 1.3) ${ratio <= 1.3 ? 'OK' : 'MISSED'}`,
      );
    }
  }
}

await main();
process.exit(0);
