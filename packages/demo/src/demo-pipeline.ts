// The demo's moving parts on top of a running stack — fake OpenRouter, processor with the demo budgets (scraped
// by the stack's Prometheus), the instrumentation's OTel SDK — shared by `npm run demo` and the dashboards
// contract test, so both exercise the same pipeline.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { setupGenOps, type GenOpsHandle } from '@genops/setup';
import { loadConfig, startProcessor, type RunningProcessor } from '@genops/processor';
import { startFakeOpenRouter, type FakeOpenRouter } from '@genops/fakes';
import { registerProcessorTarget, unregisterProcessorTarget, type StackEndpoints } from '@genops/devstack';
import { DEMO_BUDGETS_YAML, DEMO_FAKE_OPENROUTER } from './scenario.js';

export interface DemoPipelineOptions {
  /** The stack's state folder: the budgets file and the SQLite ledger go here. */
  stateDir: string;
  endpoints: StackEndpoints;
  /** service.name of the traffic's spans and metrics. */
  serviceName: string;
  /** The processor's logger. */
  logger: Logger;
  /** How often the SDK exports metrics. */
  metricExportIntervalMillis: number;
}

export interface DemoPipeline {
  fake: FakeOpenRouter;
  processor: RunningProcessor;
  genops: GenOpsHandle;
  /** The processor's API base URL. */
  api: string;
  budgetsFile: string;
  /** Stops everything started here, last started first. */
  stop(): Promise<void>;
}

export async function startDemoPipeline(options: DemoPipelineOptions): Promise<DemoPipeline> {
  const stops: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const fn of stops.reverse()) await fn().catch(() => undefined);
    stops.length = 0;
  };
  try {
    const fake = await startFakeOpenRouter(DEMO_FAKE_OPENROUTER);
    stops.push(() => fake.close());
    const budgetsFile = join(options.stateDir, 'demo-budgets.yaml');
    writeFileSync(budgetsFile, DEMO_BUDGETS_YAML);
    const run = Date.now();
    const processor = await startProcessor(
      loadConfig({
        GENOPS_PRICE_SYNC_SOURCE: 'off', // the demo runs on this machine: no price fetch from the internet
        GENOPS_BUDGETS_FILE: budgetsFile,
        GENOPS_KAFKA_BROKERS: options.endpoints.kafkaBrokers,
        GENOPS_KAFKA_GROUP: `genops-demo-${run}`,
        GENOPS_LEDGER_URL: `sqlite:${join(options.stateDir, `ledger-${run}.db`)}`,
        GENOPS_HTTP_PORT: '0',
        // Reconciliation with the fake's bill: every estimated call, looked up quickly.
        GENOPS_OPENROUTER_API_KEY: 'demo-key',
        GENOPS_OPENROUTER_URL: fake.baseURL,
        GENOPS_RECONCILE_SAMPLE: '0',
        GENOPS_RECONCILE_RATE: '50',
        GENOPS_RECONCILE_INTERVAL_MS: '1000',
      }),
      { logger: options.logger },
    );
    stops.push(() => processor.stop());
    const target = `127.0.0.1:${processor.port}`;
    registerProcessorTarget(options.stateDir, target); // Prometheus scrapes its budget metrics
    stops.push(async () => unregisterProcessorTarget(options.stateDir, target));
    const genops = setupGenOps({
      serviceName: options.serviceName,
      endpoint: options.endpoints.otlpGrpc,
      metricExportIntervalMillis: options.metricExportIntervalMillis,
    });
    stops.push(() => genops.shutdown());
    return { fake, processor, genops, api: `http://${target}`, budgetsFile, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
