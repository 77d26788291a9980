// The `genops` command line, built from its context (environment, streams, fetch) so it runs in-process in tests.
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import type { CliContext } from './cli-context.js';
import { addBudgetsCommand } from './commands/budgets-command.js';
import { addPricesCommand } from './commands/prices-command.js';
import { addReconcileCommand } from './commands/reconcile-command.js';
import { addReportCommands } from './commands/report-command.js';
import { addServeCommand } from './commands/serve-command.js';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/**
 * The program; a usage error, `--help` and `--version` throw commander's CommanderError (with the exit code) after
 * printing, instead of exiting the process.
 */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command('genops')
    .description('GenOps processor: LLM cost ledger, reports and budgets')
    .version(version)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => void ctx.stdout.write(s),
      writeErr: (s) => void ctx.stderr.write(s),
    });
  addServeCommand(program, ctx);
  addReportCommands(program, ctx);
  addPricesCommand(program, ctx);
  addReconcileCommand(program, ctx);
  addBudgetsCommand(program, ctx);
  return program;
}
