// `genops prices sync`: append today's prices from OpenRouter, LiteLLM or genai-prices to a price history file.
import { Command, InvalidArgumentError } from 'commander';
import { PRICE_SOURCES, type PriceSource } from '@genops/pricing';
import { describeSync, runPriceSync } from '../../prices/price-sync-job.js';
import type { CliContext } from '../cli-context.js';

export function addPricesCommand(program: Command, ctx: CliContext): void {
  const pricesCommand = program.command('prices').description('the price catalog');
  pricesCommand
    .command('sync')
    .description(
      "append today's prices from OpenRouter, LiteLLM or genai-prices to a price history file, only where a price changed",
    )
    .requiredOption('--source <source>', PRICE_SOURCES.join(' | '), (value: string) => {
      if (!(PRICE_SOURCES as readonly string[]).includes(value))
        throw new InvalidArgumentError(`--source: one of ${PRICE_SOURCES.join(', ')}`);
      return value;
    })
    .option(
      '--out <file>',
      'price history (JSON, the PriceCatalog shape), created when missing',
      'prices.json',
    )
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
      ctx.stdout.write(describeSync(opts.source, opts.out, result));
    });
}
