// Benchmark: report latency p50/p95 for a 30-day groupBy=team,model over 1M and 10M ledger rows (SQLite,
// PostgreSQL), with each size's ratio to the first. (Ingest is `npm run bench:ingest`.)
//   npm run bench:ledger     (BENCH_REPORT_ROWS=1000000,10000000,100000000 adds 100M: 20-40 minutes of loading
//                             and 35 GB (SQLite) or 60 GB (PostgreSQL) of disk; BENCH_LEDGERS=sqlite or postgres
//                             measures one)
import { join } from 'node:path';
import * as devstack from '@genops/devstack';
import { openLedger, percentile } from '@genops/processor';
import { dropLedger, freshPostgres, loadEvents } from './preload.js';
import { scratchSqliteUrl } from './scratch.js';

const REPORT_ROWS = (process.env.BENCH_REPORT_ROWS ?? '1000000,10000000').split(',').map(Number);
const LEDGERS = (process.env.BENCH_LEDGERS ?? 'sqlite,postgres').split(',');
const RUNS = 100;
const log = (m: string) => process.stderr.write(`[bench] ${m}\n`);

const NOW = Date.now();
const HOUR_MS = 3_600_000;

/** Run k's 30-day range: both edges partial hours, moved through the hour from run to run (the same for every size). */
function rangeOf(k: number): { fromMs: number; toMs: number } {
  const shift = (k * 1_234_567) % HOUR_MS;
  return { fromMs: NOW - 30 * 86_400_000 + 1234 - shift, toMs: NOW - 5678 - shift };
}

/**
 * p50/p95 of the 30-day groupBy=team,model report over each ledger, the ledgers taking turns run by run — so a
 * busy moment of the machine falls on every size alike, and the ratios compare like with like.
 */
async function reportLatencies(urls: string[]): Promise<{ p50: number; p95: number }[]> {
  const ledgers = await Promise.all(urls.map((url) => openLedger(url)));
  const times = urls.map((): number[] => []);
  for (let k = 0; k < RUNS + 10; k++)
    for (const [i, ledger] of ledgers.entries()) {
      const started = performance.now();
      await ledger.aggregate({ ...rangeOf(k), groupBy: ['team', 'model'], filters: {} });
      if (k >= 10) times[i]!.push(performance.now() - started);
    }
  await Promise.all(ledgers.map((l) => l.close()));
  return times.map((t) => {
    t.sort((a, b) => a - b);
    return { p50: percentile(t, 50), p95: percentile(t, 95) };
  });
}

async function main(): Promise<void> {
  if (!LEDGERS.includes('postgres')) return measureEngines();
  const stateDir = join(devstack.repoRoot(), '.devstack', `bench-${process.pid}`);
  const { endpoints } = await devstack.up({ stateDir, randomPorts: true, progress: log });
  try {
    await measureEngines(endpoints.postgresUrl);
  } finally {
    await devstack.down(stateDir, { removeData: true });
  }
}

async function measureEngines(postgresUrl?: string): Promise<void> {
  console.log(
    `Report latency, 30-day groupBy=team,model, both edges partial hours (daily and hourly rollups, the hour tree and under 15 s of raw events at each edge), ${RUNS} runs per size, sizes in turn:`,
  );
  for (const name of ['SQLite', 'PostgreSQL'] as const) {
    if (name === 'SQLite' ? !LEDGERS.includes('sqlite') : !postgresUrl) continue;
    const urls: string[] = [];
    for (const rows of REPORT_ROWS) {
      const url = name === 'SQLite' ? scratchSqliteUrl('bench-report') : await freshPostgres(postgresUrl!);
      const started = performance.now();
      log(`loading ${rows.toLocaleString('en')} rows into ${name}`);
      await loadEvents(url, { events: rows, teams: 20, nowMs: NOW });
      log(
        `${name}: ${rows.toLocaleString('en')} rows loaded in ${((performance.now() - started) / 1000).toFixed(0)} s`,
      );
      urls.push(url);
    }
    const latencies = await reportLatencies(urls);
    for (const [i, { p50, p95 }] of latencies.entries()) {
      const ratio = p95 / latencies[0]!.p95;
      console.log(
        `  ${name.padEnd(10)} ${REPORT_ROWS[i]!.toLocaleString('en').padStart(11)} rows   p50 ${p50.toFixed(1).padStart(7)} ms   p95 ${p95.toFixed(1).padStart(7)} ms (target < 50 ms) ${p95 < 50 ? 'OK' : 'MISSED'}   p95 / first size ${ratio.toFixed(2)} (target <= 1.3) ${ratio <= 1.3 ? 'OK' : 'MISSED'}`,
      );
    }
    for (const url of urls) await dropLedger(url, postgresUrl ?? ''); // a 100M-event ledger is tens of GB
  }
}

await main();
process.exit(0);
