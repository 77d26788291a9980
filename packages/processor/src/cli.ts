#!/usr/bin/env node
// `genops`: run the processor (`serve`) or query a running one (`report`).
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { loadConfig } from './config.js';
import { DIMENSION_NAMES } from './decode/cost-event.js';
import { renderBudgets, renderRecount } from './cli/budget-table.js';
import { openLedger } from './ledger/open-ledger.js';
import type { CostReport } from './report/cost-report.js';
import { renderCostTable } from './cli/report-table.js';
import { renderReconciliation } from './cli/reconcile-table.js';
import { ROUTES, type RouteInput } from './api/index.js';
import { processorClient } from './cli/processor-client.js';
import { renderRepricing, reprice } from './cli/reprice.js';
import { PriceCatalog, type PriceSource } from '@genops/pricing';
import { describeSync, runPriceSync } from './prices/price-sync-job.js';
import { startProcessor } from './serve.js';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};
const program = new Command('genops')
  .description('GenOps processor: LLM cost ledger, reports and budgets')
  .version(version);

program
  .command('serve')
  .description(
    'consume cost spans from Kafka into the ledger and serve the HTTP API (configured by GENOPS_* env)',
  )
  .action(async () => {
    const processor = await startProcessor(loadConfig());
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      process.stderr.write(`genops: ${signal}, draining\n`);
      processor.stop().then(
        () => process.exit(0),
        (error: unknown) => {
          process.stderr.write(`genops: stop failed: ${String(error)}\n`);
          process.exit(1);
        },
      );
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
  });

function groupByList(value: string): string {
  for (const d of value.split(',')) {
    if (!DIMENSION_NAMES.includes(d.trim() as never)) {
      throw new InvalidArgumentError(`unknown dimension "${d}"; one of ${DIMENSION_NAMES.join(', ')}`);
    }
  }
  return value;
}

program
  .command('report')
  .description('print a cost report from a running processor (GENOPS_URL, GENOPS_TOKEN)')
  .option(
    '--from <time>',
    'start, inclusive: RFC 3339 with an offset, or a date read as UTC (default: 30 days ago)',
  )
  .option('--to <time>', 'end, exclusive: RFC 3339 with an offset, or a date read as UTC (default: now)')
  .option('--group-by <dims>', `comma list of ${DIMENSION_NAMES.join(', ')}`, groupByList, 'team')
  .option('--format <format>', 'table | json | csv', 'table')
  .option('--team <team>', 'only this team')
  .option('--timezone <tz>', 'IANA time zone of day, week and month groups (default UTC)')
  .action(
    async (opts: {
      from?: string;
      to?: string;
      groupBy: string;
      format: string;
      team?: string;
      timezone?: string;
    }) => {
      if (!['table', 'json', 'csv'].includes(opts.format))
        throw new InvalidArgumentError('--format must be table, json or csv');
      const text = await fetchReport({ ...opts, format: opts.format === 'csv' ? 'csv' : 'json' });
      if (opts.format === 'table') process.stdout.write(renderCostTable(JSON.parse(text) as CostReport));
      else
        process.stdout.write(
          opts.format === 'json' ? `${JSON.stringify(JSON.parse(text), null, 2)}\n` : text,
        );
    },
  );

/** GET /v1/reports/cost from the processor at GENOPS_URL (with GENOPS_TOKEN), as text. */
async function fetchReport(opts: {
  groupBy: string;
  format: 'json' | 'csv';
  from?: string;
  to?: string;
  team?: string;
  timezone?: string;
}): Promise<string> {
  const { groupBy, format, from, to, team, timezone } = opts;
  return processorClient().text(ROUTES.getCostReport, {
    query: { groupBy, format, from, to, team, timezone },
  });
}

program
  .command('reprice')
  .description(
    'what a period would have cost under another price catalog, beside what was recorded (GENOPS_URL, GENOPS_TOKEN)',
  )
  .requiredOption(
    '--catalog <file>',
    'price table (JSON or YAML, the PriceCatalog shape) laid over the bundled one',
  )
  .option(
    '--from <time>',
    'start, inclusive: RFC 3339 with an offset, or a date read as UTC (default: 30 days ago)',
  )
  .option('--to <time>', 'end, exclusive (default: now)')
  .option('--group-by <dims>', 'dimensions; model is always added', groupByList, 'team,model')
  .option('--team <team>', 'only this team')
  .option('--at <time>', 'price the usage as of this time (default: now)')
  .action(
    async (opts: {
      catalog: string;
      from?: string;
      to?: string;
      groupBy: string;
      team?: string;
      at?: string;
    }) => {
      const dims = opts.groupBy.split(',').map((d) => d.trim());
      if (!dims.includes('model')) dims.push('model');
      const at = opts.at ? new Date(opts.at) : new Date();
      if (Number.isNaN(at.getTime())) throw new InvalidArgumentError(`--at: not a time: ${opts.at}`);
      const catalog = PriceCatalog.fromFile(opts.catalog);
      const report = JSON.parse(
        await fetchReport({ ...opts, groupBy: dims.join(','), format: 'json' }),
      ) as CostReport;
      process.stdout.write(
        `What-if ${report.from} → ${report.to} under ${opts.catalog} (prices as of ${at.toISOString()})\n`,
      );
      process.stdout.write(renderRepricing(reprice(report, catalog, at)));
    },
  );

const pricesCommand = program.command('prices').description('the price catalog');
pricesCommand
  .command('sync')
  .description(
    "append today's prices from OpenRouter or LiteLLM to a price history file, only where a price changed",
  )
  .requiredOption('--source <source>', 'openrouter | litellm', (value: string) => {
    if (value !== 'openrouter' && value !== 'litellm')
      throw new InvalidArgumentError('--source: openrouter or litellm');
    return value;
  })
  .option('--out <file>', 'price history (JSON, the PriceCatalog shape), created when missing', 'prices.json')
  .option('--url <url>', "where to fetch (default: the source's public URL)")
  .option('--effective-from <time>', 'when the new prices take effect (default: now)')
  .action(async (opts: { source: PriceSource; out: string; url?: string; effectiveFrom?: string }) => {
    if (opts.effectiveFrom !== undefined && Number.isNaN(Date.parse(opts.effectiveFrom)))
      throw new InvalidArgumentError(`--effective-from: not a time: ${opts.effectiveFrom}`);
    const result = await runPriceSync({
      source: opts.source,
      out: opts.out,
      ...(opts.url ? { url: opts.url } : {}),
      ...(opts.effectiveFrom ? { effectiveFrom: new Date(opts.effectiveFrom).toISOString() } : {}),
    });
    process.stdout.write(describeSync(opts.source, opts.out, result));
  });

program
  .command('reconcile')
  .description(
    "check recorded OpenRouter calls against OpenRouter's generation stats now and print what changed (GENOPS_URL, GENOPS_TOKEN)",
  )
  .option(
    '--from <time>',
    'calls from, inclusive: RFC 3339 with an offset, or a date read as UTC (default: 30 days ago)',
  )
  .option('--to <time>', 'calls until, exclusive (default: now)')
  .option('--report-only', 'print what earlier runs found; look nothing up')
  .option('--json', 'print JSON')
  .action(async (opts: { from?: string; to?: string; reportOnly?: boolean; json?: boolean }) => {
    const query = { from: opts.from, to: opts.to };
    const client = processorClient();
    const report = opts.reportOnly
      ? await client.call(ROUTES.getReconciliation, { query })
      : await client.call(ROUTES.runReconciliation, { query });
    process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : renderReconciliation(report));
  });

const budgetsCommand = program
  .command('budgets')
  .description('list, show and set team budgets on a running processor');
budgetsCommand
  .command('list')
  .option('--json', 'print JSON')
  .action(async (opts: { json?: boolean }) => {
    const { budgets } = await processorClient().call(ROUTES.listBudgets);
    process.stdout.write(opts.json ? `${JSON.stringify(budgets, null, 2)}\n` : renderBudgets(budgets));
  });
budgetsCommand
  .command('status <team>')
  .option('--json', 'print JSON')
  .action(async (team: string, opts: { json?: boolean }) => {
    const status = await processorClient().call(ROUTES.getBudget, { params: { team } });
    process.stdout.write(opts.json ? `${JSON.stringify(status, null, 2)}\n` : renderBudgets([status]));
  });
budgetsCommand
  .command('set <team>')
  .requiredOption('--limit <usd>', 'limit in USD per period', Number)
  .option('--period <period>', 'daily | weekly | monthly | rolling', 'monthly')
  .option('--window <window>', 'rolling window, e.g. 24h')
  .option('--timezone <tz>', 'IANA time zone of the calendar period', 'UTC')
  .option('--enforcement <mode>', 'soft (alert) | hard (block)', 'soft')
  .option('--thresholds <list>', 'alert thresholds, e.g. 0.8,0.9,0.95,1')
  .action(
    async (
      team: string,
      opts: {
        limit: number;
        period: string;
        window?: string;
        timezone: string;
        enforcement: string;
        thresholds?: string;
      },
    ) => {
      // Sent as given: the processor validates and names a bad field.
      const body = {
        period: opts.period,
        limitUsd: opts.limit,
        timezone: opts.timezone,
        enforcement: opts.enforcement,
        ...(opts.window ? { window: opts.window } : {}),
        ...(opts.thresholds ? { thresholds: opts.thresholds.split(',').map(Number) } : {}),
      } as RouteInput<typeof ROUTES.putBudget>['body'];
      const status = await processorClient().call(ROUTES.putBudget, { params: { team }, body });
      process.stdout.write(renderBudgets([status]));
    },
  );

budgetsCommand
  .command('recount [team]')
  .description(
    'rebuild budget counters (spent in the current period, reserved) from the raw ledger rows; opens the ledger itself',
  )
  .option('--ledger <url>', 'ledger URL (default: GENOPS_LEDGER_URL, else sqlite:./genops.db)')
  .action(async (team: string | undefined, opts: { ledger?: string }) => {
    const ledger = await openLedger(opts.ledger ?? process.env.GENOPS_LEDGER_URL ?? 'sqlite:./genops.db');
    try {
      const results = await ledger.recount(Date.now(), team);
      if (team && results.length === 0) throw new Error(`team ${team} has no budget`);
      process.stdout.write(renderRecount(results));
    } finally {
      await ledger.close();
    }
  });

program.parseAsync().catch((error: unknown) => {
  process.stderr.write(`genops: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
