// `genops budgets list|status|set|recount`: team budgets on a running processor, and counters rebuilt from the rows.
import type { Command } from 'commander';
import { ROUTES, type RouteInput } from '../../api/index.js';
import { openLedger } from '../../ledger/open-ledger.js';
import { renderBudgets, renderRecount } from '../budget-table.js';
import type { CliContext } from '../cli-context.js';

interface PolicyOptions {
  allowModels?: string;
  denyModels?: string;
  maxCallCost?: number;
  maxOutputTokens?: number;
}

/** The `policy` the options ask for, if any (sent as given: the processor validates it). */
function policyOf(opts: PolicyOptions): { policy?: Record<string, unknown> } {
  const globs = (list: string) => list.split(',').map((g) => g.trim());
  const policy = {
    ...(opts.allowModels ? { allowedModels: globs(opts.allowModels) } : {}),
    ...(opts.denyModels ? { deniedModels: globs(opts.denyModels) } : {}),
    ...(opts.maxCallCost !== undefined ? { maxCallCostUsd: opts.maxCallCost } : {}),
    ...(opts.maxOutputTokens !== undefined ? { maxOutputTokens: opts.maxOutputTokens } : {}),
  };
  return Object.keys(policy).length ? { policy } : {};
}

export function addBudgetsCommand(program: Command, ctx: CliContext): void {
  const budgetsCommand = program
    .command('budgets')
    .description('list, show and set team budgets on a running processor');
  budgetsCommand
    .command('list')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const { budgets } = await ctx.client().call(ROUTES.listBudgets);
      ctx.stdout.write(opts.json ? `${JSON.stringify(budgets, null, 2)}\n` : renderBudgets(budgets));
    });
  budgetsCommand
    .command('status <team>')
    .option('--json', 'print JSON')
    .action(async (team: string, opts: { json?: boolean }) => {
      const status = await ctx.client().call(ROUTES.getBudget, { params: { team } });
      ctx.stdout.write(opts.json ? `${JSON.stringify(status, null, 2)}\n` : renderBudgets([status]));
    });
  budgetsCommand
    .command('set <team>')
    .requiredOption('--limit <usd>', 'limit in USD per period', Number)
    .option('--period <period>', 'daily | weekly | monthly | rolling', 'monthly')
    .option('--window <window>', 'rolling window, e.g. 24h')
    .option('--timezone <tz>', 'IANA time zone of the calendar period', 'UTC')
    .option('--enforcement <mode>', 'soft (alert) | hard (block)', 'soft')
    .option('--thresholds <list>', 'alert thresholds, e.g. 0.8,0.9,0.95,1')
    .option('--allow-models <globs>', 'policy: the only models allowed, e.g. "openai/*,anthropic/claude-*"')
    .option('--deny-models <globs>', 'policy: models denied (a denial wins), e.g. "openai/o1*"')
    .option('--max-call-cost <usd>', 'policy: the most one call may be estimated at, USD', Number)
    .option('--max-output-tokens <n>', 'policy: the most output tokens one call may ask for', Number)
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
        } & PolicyOptions,
      ) => {
        // Sent as given: the processor validates and names a bad field.
        const body = {
          period: opts.period,
          limitUsd: opts.limit,
          timezone: opts.timezone,
          enforcement: opts.enforcement,
          ...(opts.window ? { window: opts.window } : {}),
          ...(opts.thresholds ? { thresholds: opts.thresholds.split(',').map(Number) } : {}),
          ...policyOf(opts),
        } as RouteInput<typeof ROUTES.putBudget>['body'];
        const status = await ctx.client().call(ROUTES.putBudget, { params: { team }, body });
        ctx.stdout.write(renderBudgets([status]));
      },
    );

  budgetsCommand
    .command('recount [team]')
    .description(
      'rebuild budget counters (spent in the current period, reserved) from the raw ledger rows; opens the ledger itself',
    )
    .option('--ledger <url>', 'ledger URL (default: GENOPS_LEDGER_URL, else sqlite:./genops.db)')
    .action(async (team: string | undefined, opts: { ledger?: string }) => {
      const ledger = await openLedger(opts.ledger ?? ctx.env.GENOPS_LEDGER_URL ?? 'sqlite:./genops.db');
      try {
        const results = await ledger.recount(Date.now(), team);
        if (team && results.length === 0) throw new Error(`team ${team} has no budget`);
        ctx.stdout.write(renderRecount(results));
      } finally {
        await ledger.close();
      }
    });
}
