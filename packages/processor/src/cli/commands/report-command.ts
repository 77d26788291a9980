// `genops report` and `genops reprice`: a cost report from a running processor, and the same usage under other prices.
import { Command, InvalidArgumentError } from 'commander';
import { PriceCatalog } from '@genops/pricing';
import { ROUTES } from '../../api/index.js';
import { DIMENSION_NAMES } from '../../decode/cost-event.js';
import type { CostReport } from '../../report/cost-report.js';
import type { CliContext } from '../cli-context.js';
import { renderCostTable } from '../report-table.js';
import { renderRepricing, reprice } from '../reprice.js';

export function groupByList(value: string): string {
  for (const d of value.split(',')) {
    if (!DIMENSION_NAMES.includes(d.trim() as never)) {
      throw new InvalidArgumentError(`unknown dimension "${d}"; one of ${DIMENSION_NAMES.join(', ')}`);
    }
  }
  return value;
}

/** GET /v1/reports/cost from the processor at GENOPS_URL (with GENOPS_TOKEN), as text. */
async function fetchReport(
  ctx: CliContext,
  opts: {
    groupBy: string;
    format: 'json' | 'csv';
    from?: string;
    to?: string;
    team?: string;
    timezone?: string;
  },
): Promise<string> {
  const { groupBy, format, from, to, team, timezone } = opts;
  return ctx.client().text(ROUTES.getCostReport, {
    query: { groupBy, format, from, to, team, timezone },
  });
}

export function addReportCommands(program: Command, ctx: CliContext): void {
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
        const text = await fetchReport(ctx, { ...opts, format: opts.format === 'csv' ? 'csv' : 'json' });
        if (opts.format === 'table') ctx.stdout.write(renderCostTable(JSON.parse(text) as CostReport));
        else
          ctx.stdout.write(opts.format === 'json' ? `${JSON.stringify(JSON.parse(text), null, 2)}\n` : text);
      },
    );

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
          await fetchReport(ctx, { ...opts, groupBy: dims.join(','), format: 'json' }),
        ) as CostReport;
        ctx.stdout.write(
          `What-if ${report.from} → ${report.to} under ${opts.catalog} (prices as of ${at.toISOString()})\n`,
        );
        ctx.stdout.write(renderRepricing(reprice(report, catalog, at)));
      },
    );
}
