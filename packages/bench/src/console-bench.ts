// Benchmark: the console's first load in Debian's Chromium, from `genops serve` in its own process — over an empty
// ledger (the baseline, same run) and over a month of spend (1,000,000 cost events, 50 teams). Prints the browser's
// Navigation Timing (DOM interactive, load), the time until the month's spend is on screen, and the JS + CSS the
// page loads, gzipped.
//   npm run bench:console     BENCH_EVENTS (default 1,000,000), BENCH_RUNS (default 5 per ledger)
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as devstack from '@genops/devstack';
import { chromium, type Browser } from 'playwright-core';
import { loadEvents, putBudgets } from './preload.js';
import { median } from './median.js';
import { scratchDir } from './scratch.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const log = (m: string) => process.stderr.write(`[bench] ${m}\n`);

interface Load {
  interactiveMs: number;
  loadMs: number;
  spendShownMs: number;
}

async function firstLoad(browser: Browser, url: string): Promise<Load> {
  // A new context each time: no cache, as the first visit of the morning.
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${url}/?range=30d`);
  await page.getByTestId('total-spend').filter({ hasText: /^USD / }).waitFor();
  // Page-side code as strings: this package compiles for Node, without the DOM's types.
  const shown = (await page.evaluate('performance.now()')) as number;
  const nav = (await page.evaluate(
    "(({ domInteractive, loadEventEnd }) => ({ interactive: domInteractive, load: loadEventEnd }))(performance.getEntriesByType('navigation')[0])",
  )) as { interactive: number; load: number };
  // Every query of the page answered before the next visit: one visitor at a time, not a queue behind the last.
  await page.waitForLoadState('networkidle');
  await context.close();
  return { interactiveMs: nav.interactive, loadMs: nav.load, spendShownMs: shown };
}

async function measure(browser: Browser, url: string): Promise<Load> {
  await firstLoad(browser, url); // warm the processor's statement cache and the OS page cache
  const runs: Load[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await firstLoad(browser, url));
  return {
    interactiveMs: median(runs.map((r) => r.interactiveMs)),
    loadMs: median(runs.map((r) => r.loadMs)),
    spendShownMs: median(runs.map((r) => r.spendShownMs)),
  };
}

function bundleSize(): { js: number; css: number } {
  const dir = join(devstack.repoRoot(), 'packages', 'processor', 'dist', 'console', 'assets');
  const size = (ext: string) =>
    readdirSync(dir)
      .filter((f) => f.endsWith(ext))
      .reduce((n, f) => n + gzipSync(readFileSync(join(dir, f)), { level: 9 }).length, 0);
  return { js: size('.js'), css: size('.css') };
}

async function serve(events: number, kafkaBrokers: string): Promise<devstack.ProcessorProcess> {
  const path = join(scratchDir('bench-console'), 'ledger.db');
  const nowMs = Date.now();
  await loadEvents(`sqlite:${path}`, { events, teams: 50, nowMs });
  await putBudgets(`sqlite:${path}`, { teams: 50, exceededTeams: 5, nowMs });
  const server = new devstack.ProcessorProcess(await devstack.freePort(), {
    GENOPS_LEDGER_URL: `sqlite:${path}`,
    GENOPS_KAFKA_BROKERS: kafkaBrokers,
    GENOPS_KAFKA_TOPIC: `bench-console-${nowMs}`,
    GENOPS_KAFKA_GROUP: `bench-console-${nowMs}`,
  });
  await server.start();
  return server;
}

async function main(): Promise<void> {
  await devstack.ensureSystemPackages(log);
  const stateDir = join(devstack.repoRoot(), '.devstack', `bench-console-${process.pid}`);
  const { endpoints } = await devstack.up({ stateDir, randomPorts: true, progress: log });
  const browser = await chromium.launch({ executablePath: devstack.chromiumPath(), args: ['--no-sandbox'] });
  try {
    const results: [string, Load][] = [];
    for (const events of [0, EVENTS]) {
      log(`preloading ${events.toLocaleString('en')} events`);
      const server = await serve(events, endpoints.kafkaBrokers);
      results.push([`${events.toLocaleString('en')} events`, await measure(browser, server.url)]);
      await server.stop();
    }
    const [, base] = results[0]!;
    console.log(`Console first load (Chromium, cold cache, median of ${RUNS}), genops serve over SQLite:`);
    for (const [label, r] of results)
      console.log(
        `  ${label.padEnd(18)} DOM interactive ${r.interactiveMs.toFixed(0).padStart(5)} ms   load ${r.loadMs.toFixed(0).padStart(5)} ms   month's spend on screen ${r.spendShownMs.toFixed(0).padStart(5)} ms   (× ${(r.spendShownMs / base.spendShownMs).toFixed(2)} the empty ledger)`,
      );
    const [, full] = results[1]!;
    const { js, css } = bundleSize();
    console.log(
      `  interactive with the full ledger: ${full.interactiveMs.toFixed(0)} ms (target < 1000 ms) ${full.interactiveMs < 1000 ? 'OK' : 'MISSED'}`,
    );
    console.log(
      `  JS ${(js / 1024).toFixed(1)} KB + CSS ${(css / 1024).toFixed(1)} KB gzipped = ${((js + css) / 1024).toFixed(1)} KB (target < 300 KB) ${js + css < 300 * 1024 ? 'OK' : 'MISSED'}`,
    );
  } finally {
    await browser.close();
    await devstack.down(stateDir, { removeData: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
