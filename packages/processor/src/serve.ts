// `genops serve`: the ledger, the Kafka consumer and the HTTP API, with a clean drain on SIGTERM.
import pino from 'pino';
import { BudgetAlerter, WebhookSink, type AlertSink } from './budget/budget-alerter.js';
import { BudgetService } from './budget/budget-service.js';
import { readBudgetsFile } from './budget/budgets-file.js';
import type { CostEvent } from './decode/cost-event.js';
import type { ProcessorConfig } from './config.js';
import { CostSpanConsumer } from './consumer/cost-span-consumer.js';
import { createApp } from './http/app.js';
import { listenApp } from './http/listen.js';
import type { CostLedger } from './ledger/cost-ledger.js';
import { openLedger } from './ledger/open-ledger.js';
import { ProcessorMetrics } from './metrics.js';
import { ReservationSweeper } from './budget/reservation-sweeper.js';
import { AttributionRules } from './decode/attribution-rules.js';
import { PriceCatalogHolder, PriceSyncSchedule } from './prices/price-catalog-holder.js';
import { ReconciliationJob } from './reconcile/reconciliation-job.js';
import { DecisionLog } from './enforcement/decision-log.js';
import { Repricer } from './prices/repricer.js';

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
  // A bad budgets file stops start-up before anything is opened, naming the line and field.
  const fileBudgets = config.budgetsFile ? readBudgetsFile(config.budgetsFile) : [];
  const ledger = await openLedger(config.ledgerUrl);
  const metrics = new ProcessorMetrics();
  const decisions = new DecisionLog(config.decisionLogSize);
  const budgets = new BudgetService(ledger, Date.now, (entry) => {
    metrics.reservations.inc({ team: entry.team, decision: entry.decision });
    decisions.record(entry);
  });
  if (config.budgetsFile) {
    const { takenOver, removed } = await budgets.applyFile(config.budgetsFile, fileBudgets);
    log.info(`loaded ${fileBudgets.length} budget(s) from ${config.budgetsFile}`);
    for (const team of takenOver)
      log.warn(`team ${team}'s budget was set through the API; ${config.budgetsFile} manages it from now on`);
    if (removed.length)
      log.info(
        `removed ${removed.length} budget(s) no longer in ${config.budgetsFile}: ${removed.join(', ')}`,
      );
  }
  metrics.observeBudgets(() => budgets.list());
  const sinks: AlertSink[] = [
    { name: 'log', send: async (alert) => void log.warn({ alert }, alert.message) },
    { name: 'kafka', send: (alert) => consumer.publish(config.alertsTopic, alert.team, alert) },
    ...(config.alertWebhookUrl ? [new WebhookSink(config.alertWebhookUrl)] : []),
  ];
  const alerter = new BudgetAlerter(budgets, ledger, sinks, (sink, error) =>
    log.error(`budget alert via ${sink} failed: ${String(error)}`),
  );
  const checkAlerts = (events: CostEvent[]) => {
    alerter
      .check(events.map((e) => e.team))
      .then((fired) => fired.forEach((a) => metrics.alerts.inc({ team: a.team, kind: a.kind })))
      .catch((error: unknown) => log.error(`budget alert check failed: ${String(error)}`));
  };
  const prices = new PriceCatalogHolder(config.pricesFile);
  // Calls recorded unpriced are priced as soon as a price for their model arrives.
  const repricer = new Repricer(ledger, {
    catalog: () => prices.current,
    onRepriced: (adjustments) => {
      for (const a of adjustments) metrics.repriced.inc({ model: a.model });
      checkAlerts(adjustments);
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
  const attributionRules = config.attributionRulesFile
    ? AttributionRules.fromFile(config.attributionRulesFile)
    : AttributionRules.none();
  const reconciliation = config.reconcile
    ? new ReconciliationJob(ledger, config.reconcile, metrics, (m) => log.warn(m), checkAlerts)
    : undefined;
  const reconcile = reconciliation?.policy;
  const consumer = new CostSpanConsumer(
    config,
    ledger,
    metrics,
    { info: (m) => log.info(m), warn: (m) => log.warn(m), error: (m) => log.error(m) },
    checkAlerts,
    () => ({ catalog: prices.current, rules: attributionRules, ...(reconcile ? { reconcile } : {}) }),
  );
  const app = createApp({
    prices,
    ledger,
    budgets,
    decisions,
    metrics,
    apiTokens: config.apiTokens,
    metricsAuth: config.metricsAuth,
    ...(reconciliation ? { reconciliation } : {}),
    kafkaReady: () => consumer.ping(),
    consumerReady: () => consumer.health.readiness(),
    logError: (fields, message) => log.error(fields, message),
  });
  const http = await listenApp(app, config.httpHost, config.httpPort);
  const port = http.port;
  log.info(
    `HTTP API and console on http://${config.httpHost}:${port} (auth ${config.apiTokens.length ? 'on' : 'off, loopback only'})`,
  );
  await consumer.start();
  reprice('start-up');
  // Alerts left queued (a failed delivery, or a crash between decision and delivery) go out on this beat.
  const alertBeat = setInterval(
    () =>
      void alerter
        .dispatch()
        .catch((error: unknown) => log.error(`budget alert delivery failed: ${String(error)}`)),
    config.alertRetryMs,
  );
  alertBeat.unref();
  const sweeper = new ReservationSweeper(
    budgets,
    consumer.watermark,
    metrics,
    config.reservationSweepMs,
    (m) => log.warn(m),
  );
  if (config.priceSync)
    log.info(
      `syncing prices from ${config.priceSync.source} at start and every ${config.priceSync.intervalMs / 3_600_000} h into ${config.pricesFile} (GENOPS_PRICE_SYNC_SOURCE=off turns it off)`,
    );
  const priceSync = config.priceSync
    ? new PriceSyncSchedule(prices, {
        ...config.priceSync,
        file: config.pricesFile,
        onResult: (outcome, message) => {
          metrics.priceSyncs.inc({ outcome });
          if (outcome === 'failed') log.warn(message);
          else log.info(message);
        },
      })
    : undefined;
  if (config.reconcile)
    log.info(
      `reconciling OpenRouter calls with ${config.reconcile.url}/generation: every estimated cost, ${config.reconcile.sampleRate * 100}% of reported ones, at most ${config.reconcile.ratePerSecond} lookups/s`,
    );
  log.info(
    `consuming ${config.topic} as group ${config.groupId} from ${config.kafkaBrokers.join(',')}; ledger ${config.ledgerUrl.split('@').pop()}`,
  );
  return {
    port,
    ledger,
    async stop() {
      clearInterval(alertBeat);
      await reconciliation?.stop();
      await priceSync?.stop();
      prices.unwatch();
      await repricer.idle();
      await sweeper.stop();
      await consumer.stop();
      await http.close();
      await ledger.close();
      log.info('stopped');
    },
  };
}
