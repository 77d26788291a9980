#!/usr/bin/env node
// `npm run demo`: the whole pipeline on this machine — local stack, processor, fake OpenRouter, traffic through
// the real `openai` SDK with the instrumentation — ending with a cost report and the provider comparison.
// `--keep` leaves the stack running afterwards (stop it with `npx devstack --dir .devstack/demo down`).
import { until } from '@genops/fakes';
import { join } from 'node:path';
import pino from 'pino';
import {
  renderBudgets,
  renderReconciliation,
  renderTable,
  type ReconciliationReport,
  type BudgetStatus,
  renderCostTable,
  type CostReport,
  type ProviderReportRow,
} from '@genops/processor';
import { down, repoRoot, stderrProgress, up } from '@genops/devstack';
import { startDemoPipeline } from './demo-pipeline.js';
import { DEMO_PLAN, runTraffic } from './traffic.js';

const keep = process.argv.includes('--keep');
// GENOPS_DEMO_DIR: where the demo's stack keeps its state (tests give each run its own).
const stateDir = process.env.GENOPS_DEMO_DIR ?? join(repoRoot(), '.devstack', 'demo');
const say = stderrProgress;
const cleanups: (() => Promise<unknown>)[] = [];

async function cleanup(): Promise<void> {
  for (const fn of cleanups.reverse()) await fn().catch(() => undefined);
  cleanups.length = 0;
}

function providerTable(rows: ProviderReportRow[]): string {
  return renderTable(
    ['served provider', 'model', 'requests', 'error rate', 'p50 ms', 'p95 ms', 'p99 ms', 'USD / 1M tok'],
    rows.map((r) => [
      r.provider,
      r.model,
      String(r.requests),
      `${(r.errorRate * 100).toFixed(1)}%`,
      r.latencyMs.p50.toFixed(1),
      r.latencyMs.p95.toFixed(1),
      r.latencyMs.p99.toFixed(1),
      r.costPerMillionTokens.toFixed(4),
    ]),
    (i) => i >= 2,
  );
}

/** The demo's result on stdout: the cost report, providers, budgets, reconciliation, what was blocked, where to look. */
function printResults({
  report,
  providers: providerRows,
  budgets,
  budgetsFile,
  reconciliation,
  traffic,
  api,
  e,
}: {
  report: CostReport;
  providers: ProviderReportRow[];
  budgets: BudgetStatus[];
  budgetsFile: string;
  reconciliation: ReconciliationReport;
  traffic: { blocked: number };
  api: string;
  e: { prometheusUrl: string; jaegerUrl: string };
}): void {
  process.stdout.write(`\n${renderCostTable(report)}\n`);
  process.stdout.write(`Provider comparison (served provider × model)\n${providerTable(providerRows)}\n`);
  process.stdout.write(`Budgets (${budgetsFile})\n${renderBudgets(budgets)}\n`);
  process.stdout.write(
    `${renderReconciliation(reconciliation, { changes: false })}(the cost report above includes the adjustments)\n\n`,
  );
  process.stdout.write(
    `BudgetGuard blocked ${traffic.blocked} call(s) of team growth (hard budget) before they reached the LLM.\n` +
      'Each admitted call was capped (max_tokens) to what its reservation paid for, the last ones to what the budget\n' +
      'had left, so growth stays within its limit: the slack is what was left when the next call could not pay for\n' +
      'its prompt and 32 output tokens (BudgetGuard outputFloorTokens).\n\n',
  );
  process.stdout.write(
    [
      'Look around:',
      `  Console      ${api}/`,
      `  Prometheus   ${e.prometheusUrl}/graph?g0.expr=sum%20by%20(genops_team)%20(genops_cost_total)`,
      `  Jaeger       ${e.jaegerUrl}/api/services`,
      `  Processor    ${api}/v1/reports/cost?groupBy=team,provider`,
      keep
        ? `  (stack left running; stop it with: npx devstack --dir ${stateDir} down)`
        : '  (run with --keep to leave the stack and the console running)',
      '',
    ].join('\n'),
  );
}

async function main(): Promise<void> {
  say('bringing up the local stack (first run builds the collector and Jaeger: 15-25 min)');
  const stack = await up({ stateDir, randomPorts: true, progress: say });
  if (!keep) cleanups.push(() => down(stateDir, { removeData: true }));
  const e = stack.endpoints;

  const pipeline = await startDemoPipeline({
    stateDir,
    endpoints: e,
    serviceName: 'demo-chat-api',
    // Keep stdout for the report: the processor logs warnings and errors only, to stderr.
    logger: pino({ name: 'genops-processor', level: 'warn' }, pino.destination(2)),
    metricExportIntervalMillis: 2000,
  });
  cleanups.push(() => pipeline.stop());
  const { fake, genops, api, budgetsFile } = pipeline;
  say(`fake OpenRouter on ${fake.baseURL}`);
  say(`processor API on ${api}`);

  say('sending traffic through the openai SDK with @genops/instrumentation');
  let lastShown = 0;
  const traffic = await runTraffic(fake.baseURL, api, DEMO_PLAN, (done, total) => {
    if (done === total || done - lastShown >= 25) {
      lastShown = done;
      say(`  ${done}/${total} calls`);
    }
  });
  await genops.forceFlush();
  say(
    `${traffic.calls} calls made (${traffic.errors} failed as planned); waiting for the processor's ledger`,
  );

  const from = new Date(Date.now() - 3_600_000).toISOString();
  const to = new Date(Date.now() + 3_600_000).toISOString();
  const reportUrl = `${api}/v1/reports/cost?from=${from}&to=${to}&groupBy=team,model`;
  await until(
    `all ${traffic.calls} calls in the processor's ledger`,
    async () => ((await (await fetch(reportUrl)).json()) as CostReport).totals.requests,
    (requests) => requests >= traffic.calls,
    { timeoutMs: 90_000, intervalMs: 500 },
  );
  // Calls whose cost was estimated (through the gateway) are checked against OpenRouter's bill now; the report
  // below then says what was billed.
  say("reconciling estimated costs with OpenRouter's generation stats");
  const reconciliation = (await (
    await fetch(`${api}/v1/reconciliation/run?from=${from}&to=${to}`, { method: 'POST' })
  ).json()) as ReconciliationReport;
  const report = (await (await fetch(reportUrl)).json()) as CostReport;
  const { budgets } = (await (await fetch(`${api}/v1/budgets`)).json()) as { budgets: BudgetStatus[] };
  const providers = (await (await fetch(`${api}/v1/reports/providers?from=${from}&to=${to}`)).json()) as {
    providers: ProviderReportRow[];
  };

  printResults({
    report,
    providers: providers.providers,
    budgets,
    budgetsFile,
    reconciliation,
    traffic,
    api,
    e,
  });
  if (keep) {
    say(`the console stays up at ${api}/ until Ctrl-C (the stack keeps running after that)`);
    await new Promise<never>(() => {});
  }
}

process.on('SIGINT', () => {
  say('interrupted; stopping everything the demo started');
  cleanup().finally(() => process.exit(130));
});

main()
  .then(cleanup)
  .then(() => process.exit(0))
  .catch(async (error: unknown) => {
    process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
    await cleanup();
    process.exit(1);
  });
