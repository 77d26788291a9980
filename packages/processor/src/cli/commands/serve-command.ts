// `genops serve`: the processor in this process, drained on SIGTERM or SIGINT.
import type { Command } from 'commander';
import { loadConfig } from '../../config.js';
import { startProcessor } from '../../serve.js';
import type { CliContext } from '../cli-context.js';

export function addServeCommand(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .description(
      'consume cost spans from Kafka into the ledger and serve the HTTP API (configured by GENOPS_* env)',
    )
    .action(async () => {
      const processor = await startProcessor(loadConfig(ctx.env));
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        ctx.stderr.write(`genops: ${signal}, draining\n`);
        processor.stop().then(
          () => process.exit(0),
          (error: unknown) => {
            ctx.stderr.write(`genops: stop failed: ${String(error)}\n`);
            process.exit(1);
          },
        );
      };
      process.on('SIGTERM', () => stop('SIGTERM'));
      process.on('SIGINT', () => stop('SIGINT'));
    });
}
