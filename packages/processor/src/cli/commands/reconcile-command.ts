// `genops reconcile`: recorded OpenRouter calls against OpenRouter's bill, now or as last found.
import type { Command } from 'commander';
import { ROUTES } from '../../api/index.js';
import type { CliContext } from '../cli-context.js';
import { renderReconciliation } from '../reconcile-table.js';

export function addReconcileCommand(program: Command, ctx: CliContext): void {
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
      const client = ctx.client();
      const report = opts.reportOnly
        ? await client.call(ROUTES.getReconciliation, { query })
        : await client.call(ROUTES.runReconciliation, { query });
      ctx.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : renderReconciliation(report));
    });
}
