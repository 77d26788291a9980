// `genops serve`: the ledger, the Kafka consumer and the HTTP API, with a clean drain on SIGTERM.
import pino from 'pino';
import { BudgetAlerter, WebhookSink, type AlertSink } from './budget/budget-alerter.js';
import { BudgetService } from './budget/budget-service.js';
import { readBudgetsFile } from './budget/budgets-file.js';
import type { ScopedCall } from './budget/budget-scope.js';
import type { ProcessorConfig } from './config.js';
import { CostSpanConsumer } from './consumer/cost-span-consumer.js';
import { createApp } from './http/app.js';
import { listenApp } from './http/listen.js';
import type { CostLedger } from './ledger/cost-ledger.js';
import { openLedger } from './ledger/open-ledger.js';
import { ProcessorMetrics } from './metrics.js';
import { ReservationSweeper } from './budget/reservation-sweeper.js';
import { AttributionRules } from './decode/attribution-rules.js';
import { startPriceAuthority } from './prices/price-authority.js';
import { ReconciliationJob } from './reconcile/reconciliation-job.js';
import { DecisionLog } from './enforcement/decision-log.js';
import { canonicalModel } from './decode/ingest-pricing.js';
import type { PriceCatalog } from '@genops/pricing';

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

/**
 * Budget alerts: checked after every write that may cross a threshold, sent to the log, Kafka and the webhook, and
 * those left queued (a failed delivery, or a crash between decision and delivery) sent again on a beat.
 */
function startBudgetAlerts(
  config: ProcessorConfig,
  budgets: BudgetService,
  ledger: CostLedger,
  metrics: ProcessorMetrics,
  log: pino.Logger,
  publish: (topic: string, key: string, value: unknown) => Promise<void>,
) {
  const sinks: AlertSink[] = [
    { name: 'log', send: async (alert) => void log.warn({ alert }, alert.message) },
    { name: 'kafka', send: (alert) => publish(config.alertsTopic, alert.budget, alert) },
    ...(config.alertWebhookUrl ? [new WebhookSink(config.alertWebhookUrl)] : []),
  ];
  const alerter = new BudgetAlerter(budgets, ledger, sinks, (sink, error) =>
    log.error(`budget alert via ${sink} failed: ${String(error)}`),
  );
  let beat: NodeJS.Timeout | undefined;
  let stopped = false;
  // Checks in flight: stopping waits for them, so none runs on a closed ledger.
  const pending = new Set<Promise<void>>();
  return {
    /** Checks the alerts of the budgets covering `calls` (an ingest's distinct scoped calls, an adjustment). */
    check(calls: Partial<ScopedCall>[]) {
      if (stopped) return;
      const checked: Promise<void> = budgets
        .coveringKeys(calls)
        .then((keys) => alerter.check(keys))
        .then((fired) => fired.forEach((a) => metrics.alerts.inc({ team: a.team, kind: a.kind })))
        .catch((error: unknown) => log.error(`budget alert check failed: ${String(error)}`))
        .finally(() => pending.delete(checked));
      pending.add(checked);
    },
    startRetries() {
      beat = setInterval(
        () =>
          void alerter
            .dispatch()
            .catch((error: unknown) => log.error(`budget alert delivery failed: ${String(error)}`)),
        config.alertRetryMs,
      );
      beat.unref();
    },
    /** Stops the retries and waits for the checks and the delivery in flight; call once nothing writes any more. */
    async stop() {
      stopped = true;
      clearInterval(beat);
      await Promise.all(pending);
      await alerter.settled();
    },
  };
}

/** What runs, in the log: reconciliation when it is on, the topic, group, brokers and ledger (its password left out). */
function logStarted(config: ProcessorConfig, log: pino.Logger): void {
  if (config.reconcile)
    log.info(
      `reconciling OpenRouter calls with ${config.reconcile.url}/generation: every estimated cost, ${config.reconcile.sampleRate * 100}% of reported ones, at most ${config.reconcile.ratePerSecond} lookups/s`,
    );
  log.info(
    `consuming ${config.topic} as group ${config.groupId} from ${config.kafkaBrokers.join(',')}; ledger ${config.ledgerUrl.split('@').pop()}`,
  );
}

/** The price catalog in force, read when used (the price authority starts after the budgets). */
interface CatalogRef {
  current: () => PriceCatalog | undefined;
}

/** The budget service over the ledger, with the budgets file applied (its budgets taken over, the rest removed). */
async function openBudgets(
  config: ProcessorConfig,
  fileBudgets: ReturnType<typeof readBudgetsFile>,
  ledger: CostLedger,
  metrics: ProcessorMetrics,
  decisions: DecisionLog,
  log: pino.Logger,
  catalog: CatalogRef,
): Promise<BudgetService> {
  // Policies match a model by the catalog's id too.
  const catalogModel = (name: string) => {
    const current = catalog.current();
    return current ? canonicalModel(current, name).model : name;
  };
  const budgets = new BudgetService(
    ledger,
    Date.now,
    (entry) => {
      metrics.reservations.inc({ team: entry.team, decision: entry.decision });
      decisions.record(entry);
    },
    { catalogModel },
  );
  if (!config.budgetsFile) return budgets;
  const { takenOver, removed } = await budgets.applyFile(config.budgetsFile, fileBudgets);
  log.info(`loaded ${fileBudgets.length} budget(s) from ${config.budgetsFile}`);
  for (const team of takenOver)
    log.warn(`team ${team}'s budget was set through the API; ${config.budgetsFile} manages it from now on`);
  if (removed.length)
    log.info(`removed ${removed.length} budget(s) no longer in ${config.budgetsFile}: ${removed.join(', ')}`);
  return budgets;
}

export async function startProcessor(
  config: ProcessorConfig,
  options: StartOptions = {},
): Promise<RunningProcessor> {
  const log = options.logger ?? pino({ name: 'genops-processor' });
  // A bad budgets file stops start-up before anything is opened, naming the line and field.
  const fileBudgets = config.budgetsFile ? readBudgetsFile(config.budgetsFile) : [];
  const ledger = await openLedger(config.ledgerUrl, { leases: config.budgetLeases });
  const metrics = new ProcessorMetrics();
  const decisions = new DecisionLog(config.decisionLogSize);
  const catalog: CatalogRef = { current: () => undefined }; // the price authority's, once started below
  const budgets = await openBudgets(config, fileBudgets, ledger, metrics, decisions, log, catalog);
  metrics.observeBudgets(() => budgets.gauges());
  const alerts = startBudgetAlerts(config, budgets, ledger, metrics, log, (topic, key, value) =>
    consumer.publish(topic, key, value),
  );
  const checkAlerts = alerts.check;
  const authority = startPriceAuthority(config, ledger, metrics, log, checkAlerts);
  const { prices } = authority;
  catalog.current = () => prices.current;
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
  authority.reprice('start-up');
  alerts.startRetries();
  const sweeper = new ReservationSweeper(
    budgets,
    consumer.watermark,
    metrics,
    config.reservationSweepMs,
    (m) => log.warn(m),
  );
  authority.startSync();
  logStarted(config, log);
  return {
    port,
    ledger,
    async stop() {
      await reconciliation?.stop();
      await authority.stop();
      await sweeper.stop();
      await consumer.stop();
      await alerts.stop();
      await http.close();
      await ledger.close();
      log.info('stopped');
    },
  };
}
