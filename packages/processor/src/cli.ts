#!/usr/bin/env node
// `genops`: run the processor (`serve`) or query a running one (`report`, `budgets`, `reconcile`, …).
import { CommanderError } from 'commander';
import { cliContext } from './cli/cli-context.js';
import { buildProgram } from './cli/program.js';

buildProgram(cliContext(process.env, { stdout: process.stdout, stderr: process.stderr }))
  .parseAsync()
  .catch((error: unknown) => {
    // Commander has printed usage errors, help and the version itself.
    if (error instanceof CommanderError) process.exit(error.exitCode);
    process.stderr.write(`genops: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
