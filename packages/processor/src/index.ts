export { loadConfig } from './config.js';
export type { ProcessorConfig } from './config.js';
export { decodeCostSpans, MAX_COST_USD, UNATTRIBUTED } from './decode/decode-cost-spans.js';
export { DECODE_ERROR_CODES, type DecodeErrorCode } from './decode/decode-errors.js';
export { parseTraces } from './decode/decode-cost-spans.js';
export { AttributionRules } from './decode/attribution-rules.js';
export type { DecodedMessage, DecodeFailure, DecodeOptions } from './decode/decode-cost-spans.js';
export { DIMENSION_NAMES, nanoToUsd } from './decode/cost-event.js';
export type { CostEvent, Dimension } from './decode/cost-event.js';
export type {
  CostLedger,
  AggregateQuery,
  AggregateRow,
  InsertResult,
  ProviderSample,
} from './ledger/cost-ledger.js';
export { SqliteLedger } from './ledger/sqlite-ledger.js';
export { PostgresLedger } from './ledger/postgres-ledger.js';
export { openLedger } from './ledger/open-ledger.js';
export { HOUR_TREE_FILL } from './ledger/migrations/hour-tree-fill.js';
export { buildCostReport, buildProviderReport, costReportCsv, percentile } from './report/cost-report.js';
export type { CostReport, CostReportGroup, ProviderReportRow } from './report/cost-report.js';
export { renderCostTable } from './cli/report-table.js';
export { renderBudgets } from './cli/budget-table.js';
export { renderTable } from './cli/table.js';
export { createApp } from './http/app.js';
export { listenApp } from './http/listen.js';
export type { Listening } from './http/listen.js';
export { ProcessorMetrics } from './metrics.js';
export { CostSpanConsumer, DLQ_HEADERS } from './consumer/cost-span-consumer.js';
export { startProcessor } from './serve.js';
export type { RunningProcessor, StartOptions } from './serve.js';
export { GenOpsError, ValidationError, ConfigError } from './errors.js';
export { BudgetService } from './budget/budget-service.js';
export type { ReservationResult } from './budget/budget-service.js';
export { ReservationRequestSchema } from './budget/reservation-request.js';
export type { ReservationInput } from './budget/reservation-request.js';
export { BudgetSpecSchema } from './budget/budget-spec.js';
export type { BudgetSpec } from './budget/budget-spec.js';
export { currentPeriod } from './budget/period.js';
export type { Period } from './budget/period.js';
export { decide, budgetStatus, budgetState } from './budget/decision.js';
export type { Admission, BudgetStatus, BudgetState, Decision } from './budget/decision.js';
export { BudgetAlerter, WebhookSink } from './budget/budget-alerter.js';
export type { BudgetAlert, AlertSink } from './budget/budget-alerter.js';
export { parseBudgetsFile, readBudgetsFile } from './budget/budgets-file.js';
export { Reconciler, DEFAULT_RECONCILER_OPTIONS } from './reconcile/reconciler.js';
export { reconciliationPolicy, sampled } from './reconcile/reconcile-policy.js';
export type { ReconcilerOptions, ReconcileRunResult } from './reconcile/reconciler.js';
export { OpenRouterGenerations, billedCost } from './reconcile/openrouter-generations.js';
export type { GenerationLookup } from './reconcile/openrouter-generations.js';
export { ReconciliationJob } from './reconcile/reconciliation-job.js';
export { buildReconciliationReport } from './reconcile/reconciliation-report.js';
export type { ReconciliationReport } from './reconcile/reconciliation-report.js';
export { renderReconciliation } from './cli/reconcile-table.js';
export type {
  BilledCost,
  ReconciliationStore,
  ReconciliationSummary,
  ReconciliationTask,
} from './reconcile/reconciliation-store.js';
