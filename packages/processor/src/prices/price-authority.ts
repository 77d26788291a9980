// The processor as the price authority, wired: the catalog (the bundled table with GENOPS_PRICES_FILE over it,
// reloaded when the file changes), the repricer that prices calls recorded unpriced as soon as a price for them
// arrives, and the scheduled sync from a public price source.
import type { Logger } from 'pino';
import type { ProcessorConfig } from '../config.js';
import type { CostEvent } from '../decode/cost-event.js';
import type { CostLedger } from '../ledger/cost-ledger.js';
import type { ProcessorMetrics } from '../metrics.js';
import { PriceCatalogHolder, PriceSyncSchedule } from './price-catalog-holder.js';
import { Repricer } from './repricer.js';

export interface PriceAuthority {
  prices: PriceCatalogHolder;
  /** Prices what the catalog now can (at start-up; a changed catalog does it by itself). */
  reprice(why: string): void;
  /** Starts the scheduled sync, when one is configured (after the consumer runs). */
  startSync(): void;
  stop(): Promise<void>;
}

export function startPriceAuthority(
  config: Pick<ProcessorConfig, 'pricesFile' | 'pricesWatchMs' | 'priceSync'>,
  ledger: CostLedger,
  metrics: ProcessorMetrics,
  log: Logger,
  /** Budget alert checks for the adjustments a re-pricing writes. */
  onRepriced: (adjustments: CostEvent[]) => void,
): PriceAuthority {
  const prices = new PriceCatalogHolder(config.pricesFile);
  const repricer = new Repricer(ledger, {
    catalog: () => prices.current,
    onRepriced: (adjustments) => {
      for (const a of adjustments) metrics.repriced.inc({ model: a.model });
      onRepriced(adjustments);
    },
  });
  const reprice = (why: string) =>
    void repricer
      .run()
      .then((n) => n && log.info(`priced ${n} call(s) recorded without a price (${why})`))
      .catch((error: unknown) => log.error(`pricing unpriced calls failed: ${String(error)}`));
  prices.onChange(() => reprice('the price catalog changed'));
  prices.watch(config.pricesWatchMs, (error) =>
    log.warn(`${config.pricesFile} changed but cannot be read; the prices in force stay: ${error.message}`),
  );
  let sync: PriceSyncSchedule | undefined;
  return {
    prices,
    reprice,
    startSync() {
      if (!config.priceSync || sync) return;
      log.info(
        `syncing prices from ${config.priceSync.source} at start and every ${config.priceSync.intervalMs / 3_600_000} h into ${config.pricesFile} (GENOPS_PRICE_SYNC_SOURCE=off turns it off)`,
      );
      sync = new PriceSyncSchedule(prices, {
        ...config.priceSync,
        file: config.pricesFile,
        onResult: (outcome, message) => {
          metrics.priceSyncs.inc({ outcome });
          if (outcome === 'failed') log.warn(message);
          else log.info(message);
        },
      });
    },
    async stop() {
      await sync?.stop();
      prices.unwatch();
      await repricer.idle();
    },
  };
}
