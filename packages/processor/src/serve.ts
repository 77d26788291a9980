// `genops serve`: the ledger, the Kafka consumer and the HTTP API, with a clean drain on SIGTERM.
import { serve as serveHttp, type ServerType } from '@hono/node-server';
import pino from 'pino';
import { BudgetService } from './budget/budget-service.js';
import type { ProcessorConfig } from './config.js';
import { CostSpanConsumer } from './consumer/cost-span-consumer.js';
import { createApp } from './http/app.js';
import type { CostLedger } from './ledger/cost-ledger.js';
import { openLedger } from './ledger/open-ledger.js';
import { ProcessorMetrics } from './metrics.js';

export interface RunningProcessor {
  /** Port the HTTP API listens on (useful with port 0). */
  port: number;
  ledger: CostLedger;
  /** Drains the consumer (commits what is written), closes HTTP and the ledger. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Where logs go; default JSON lines on stdout at info level. */
  logger?: pino.Logger;
}

export async function startProcessor(
  config: ProcessorConfig,
  options: StartOptions = {},
): Promise<RunningProcessor> {
  const log = options.logger ?? pino({ name: 'genops-processor' });
  const ledger = await openLedger(config.ledgerUrl);
  const metrics = new ProcessorMetrics();
  const consumer = new CostSpanConsumer(config, ledger, metrics, {
    info: (m) => log.info(m),
    warn: (m) => log.warn(m),
    error: (m) => log.error(m),
  });
  const budgets = new BudgetService(ledger);
  const app = createApp({
    ledger,
    budgets,
    metrics,
    apiTokens: config.apiTokens,
    kafkaReady: () => consumer.ping(),
  });
  const server = await new Promise<ServerType>((resolve) => {
    const s = serveHttp({ fetch: app.fetch, hostname: config.httpHost, port: config.httpPort }, () =>
      resolve(s),
    );
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.httpPort;
  log.info(
    `HTTP API on http://${config.httpHost}:${port} (auth ${config.apiTokens.length ? 'on' : 'off, loopback only'})`,
  );
  await consumer.start();
  log.info(
    `consuming ${config.topic} as group ${config.groupId} from ${config.kafkaBrokers.join(',')}; ledger ${config.ledgerUrl.split('@').pop()}`,
  );
  return {
    port,
    ledger,
    async stop() {
      await consumer.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await ledger.close();
      log.info('stopped');
    },
  };
}
