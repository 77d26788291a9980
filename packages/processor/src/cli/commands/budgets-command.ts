// `genops budgets list|status|set|delete|counters|recount`: budgets of any scope on a running processor, and counters
// rebuilt from the rows. A budget is named by its team (`search`), by scope options (`--customer '*'`), or by its
// key (`team=search&model=openai/gpt-4o`, `org`).
import type { Command } from 'commander';
import { ROUTES, type RouteInput } from '../../api/index.js';
import {
  ORG_KEY,
  parseScopeKey,
  scopeKey,
  SCOPE_DIMENSIONS,
  teamKey,
  type Scope,
} from '../../budget/budget-scope.js';
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

type ScopeOptions = Partial<Record<(typeof SCOPE_DIMENSIONS)[number], string>> & { org?: boolean };

/** Adds --team, --project, --customer, --feature, --environment, --model and --org to a command. */
function scopeOptions(command: Command): Command {
  for (const d of SCOPE_DIMENSIONS)
    command.option(`--${d} <name>`, `the budget covers this ${d} ('*': each ${d})`);
  return command.option('--org', 'the budget covers the whole organisation');
}

/**
 * The key of the budget a command names: its scope options, else its argument — a key (`team=search&…`, `org`) or a
 * team's name. Undefined when neither names one.
 */
export function budgetKeyOf(arg: string | undefined, opts: ScopeOptions): string | undefined {
  const scope: Scope = {};
  for (const d of SCOPE_DIMENSIONS) if (opts[d] !== undefined) scope[d] = opts[d];
  if (opts.org || Object.keys(scope).length) {
    if (arg !== undefined) throw new Error(`name the budget by its options or by ${arg}, not both`);
    return scopeKey(scope);
  }
  if (arg === undefined) return undefined;
  if (arg.includes('=') || arg === ORG_KEY) {
    if (!parseScopeKey(arg))
      throw new Error(`not a budget scope: ${arg} (e.g. team=search&model=openai/gpt-4o)`);
    return arg;
  }
  return teamKey(arg);
}

export function addBudgetsCommand(program: Command, ctx: CliContext): void {
  const budgetsCommand = program
    .command('budgets')
    .description(
      'list, show and set budgets (any scope: team, project, customer, feature, environment, model, org) on a running processor',
    );
  budgetsCommand
    .command('list')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const { budgets } = await ctx.client().call(ROUTES.listBudgets);
      ctx.stdout.write(opts.json ? `${JSON.stringify(budgets, null, 2)}\n` : renderBudgets(budgets));
    });
  scopeOptions(budgetsCommand.command('status [budget]'))
    .description("a budget's status, by team, key or scope options")
    .option('--json', 'print JSON')
    .action(async (budget: string | undefined, opts: { json?: boolean } & ScopeOptions) => {
      const key = budgetKeyOf(budget, opts);
      if (!key) throw new Error('name a budget: a team, a key or scope options');
      const status = await ctx.client().call(ROUTES.getScopedBudget, { params: { key } });
      ctx.stdout.write(opts.json ? `${JSON.stringify(status, null, 2)}\n` : renderBudgets([status]));
    });
  scopeOptions(budgetsCommand.command('counters [budget]'))
    .description("a template's counters (each customer's under --customer '*'), nearest their limit first")
    .option('--json', 'print JSON')
    .action(async (budget: string | undefined, opts: { json?: boolean } & ScopeOptions) => {
      const key = budgetKeyOf(budget, opts);
      if (!key) throw new Error('name a template: a key or scope options with a *');
      const counters = await ctx.client().call(ROUTES.getTemplateCounters, { params: { key } });
      ctx.stdout.write(
        opts.json
          ? `${JSON.stringify(counters, null, 2)}\n`
          : `${counters.count} counters; nearest their limit:\n${renderBudgets(counters.top)}`,
      );
    });
  scopeOptions(budgetsCommand.command('delete [budget]'))
    .description('delete a budget (a template with its counters)')
    .action(async (budget: string | undefined, opts: ScopeOptions) => {
      const key = budgetKeyOf(budget, opts);
      if (!key) throw new Error('name a budget: a team, a key or scope options');
      await ctx.client().call(ROUTES.deleteScopedBudget, { params: { key } });
      ctx.stdout.write(`deleted the budget ${key}\n`);
    });
  addSetCommand(budgetsCommand, ctx);

  scopeOptions(budgetsCommand.command('recount [budget]'))
    .description(
      'rebuild budget counters (spent in the current period, reserved) from the raw ledger rows: one budget (team, key or scope options) or all; opens the ledger itself',
    )
    .option('--ledger <url>', 'ledger URL (default: GENOPS_LEDGER_URL, else sqlite:./genops.db)')
    .action(async (budget: string | undefined, opts: { ledger?: string } & ScopeOptions) => {
      const key = budgetKeyOf(budget, opts);
      const ledger = await openLedger(opts.ledger ?? ctx.env.GENOPS_LEDGER_URL ?? 'sqlite:./genops.db');
      try {
        const results = await ledger.recount(Date.now(), key);
        if (key && results.length === 0)
          throw new Error(
            key === teamKey(budget ?? '') ? `team ${budget} has no budget` : `no budget ${key}`,
          );
        ctx.stdout.write(renderRecount(results));
      } finally {
        await ledger.close();
      }
    });
}

/** `genops budgets set`: create or change a budget of any scope. */
function addSetCommand(budgets: Command, ctx: CliContext): void {
  scopeOptions(budgets.command('set [budget]'))
    .description(
      'create or change a budget: by team, key or scope options (--customer "*" for each customer)',
    )
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
        budget: string | undefined,
        opts: {
          limit: number;
          period: string;
          window?: string;
          timezone: string;
          enforcement: string;
          thresholds?: string;
        } & PolicyOptions &
          ScopeOptions,
      ) => {
        const key = budgetKeyOf(budget, opts);
        if (!key) throw new Error('name a budget: a team, a key or scope options');
        // Sent as given: the processor validates and names a bad field.
        const body = {
          period: opts.period,
          limitUsd: opts.limit,
          timezone: opts.timezone,
          enforcement: opts.enforcement,
          ...(opts.window ? { window: opts.window } : {}),
          ...(opts.thresholds ? { thresholds: opts.thresholds.split(',').map(Number) } : {}),
          ...policyOf(opts),
        } as RouteInput<typeof ROUTES.putScopedBudget>['body'];
        const status = await ctx.client().call(ROUTES.putScopedBudget, { params: { key }, body });
        ctx.stdout.write(renderBudgets([status]));
      },
    );
}
