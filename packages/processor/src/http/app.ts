// The HTTP API (hono) and the web console on one origin: every route declared once in ../api, mounted per area.
// Tested in-process with app.request().
import { randomUUID } from 'node:crypto';
import { Hono, type ErrorHandler, type MiddlewareHandler } from 'hono';
import { authenticate, FULL_ACCESS, parseTokenEntry, type AccessToken } from './access.js';
import type { AlertHistoryStore } from '../budget/alert-history.js';
import type { BudgetService } from '../budget/budget-service.js';
import { DecisionLog } from '../enforcement/decision-log.js';
import type { LiveReservationStore } from '../enforcement/live-reservations.js';
import { GenOpsError } from '../errors.js';
import type { CostLedger } from '../ledger/cost-ledger.js';
import { LedgerViews } from '../ledger/ledger-views.js';
import type { ProcessorMetrics } from '../metrics.js';
import { PriceCatalogHolder } from '../prices/price-catalog-holder.js';
import type { ReconciliationJob } from '../reconcile/reconciliation-job.js';
import { mountBudgetApi } from './budget-api.js';
import { defaultConsoleAssets, type ConsoleAssets } from './console-assets.js';
import { mountEnforcementApi } from './enforcement-api.js';
import { mountReconciliationApi } from './reconciliation-api.js';
import { mountReportApi } from './report-api.js';
import { errorBody, type Env } from './route-context.js';
import { mountSystemApi } from './system-api.js';

export interface AppDeps {
  ledger: CostLedger;
  budgets: BudgetService;
  metrics: ProcessorMetrics;
  /** Accepted tokens: AccessToken objects, or GENOPS_API_TOKENS entries (`secret`, `secret:role+role@team`). */
  apiTokens: (string | AccessToken)[];
  /** `token`: GET /metrics needs a token with the metrics role. Default open. */
  metricsAuth?: 'open' | 'token';
  /** Kafka reachable (for /readyz). */
  kafkaReady: () => Promise<void>;
  /** The consumer's own state for /readyz: 'ok', or why not (restarting, rebalancing, lagging). */
  consumerReady?: () => string;
  /** Where unexpected errors are logged, with the request id the client gets. */
  logError?: (
    fields: { requestId: string; method: string; path: string; err: unknown },
    message: string,
  ) => void;
  now?: () => number;
  /** The catalog `GET /v1/prices` describes (reloaded by the price sync). */
  prices?: PriceCatalogHolder;
  /** Reconciliation with OpenRouter's bill, when configured (GENOPS_OPENROUTER_API_KEY). */
  reconciliation?: Pick<ReconciliationJob, 'runNow'>;
  /** The recent admission decisions (default: a log of this app's own). */
  decisions?: DecisionLog;
  /** Alert history and reservations in flight (default: read from the ledger). */
  views?: AlertHistoryStore & LiveReservationStore;
  /** The built console (default: dist/console); none served when it was not built. */
  console?: ConsoleAssets;
}

const OPEN_PATHS = new Set(['/healthz', '/readyz', '/openapi.json']);

/** The console's pages and files: everything but the API, /metrics and the open paths. */
const isConsolePath = (path: string) => !path.startsWith('/v1/') && path !== '/v1' && path !== '/metrics';

/**
 * A database that is restarting or unreachable (connection refused or reset, PostgreSQL's admin shutdown,
 * cannot-connect-now and connection-exception classes): a 503 to retry, not a 500.
 */
function ledgerUnavailable(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown };
  const code = typeof e?.code === 'string' ? e.code : '';
  return (
    ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', '57P01', '57P02', '57P03'].includes(code) ||
    code.startsWith('08') ||
    (typeof e?.message === 'string' && /Connection terminated|connection timeout/i.test(e.message))
  );
}

/** Who is calling: every request but the open ones (health, the console's files, open metrics) needs a token. */
function authenticateRequests(tokens: AccessToken[], metricsOpen: boolean): MiddlewareHandler<Env> {
  return async (c, next) => {
    const path = c.req.path;
    const open =
      OPEN_PATHS.has(path) ||
      (path === '/metrics' && metricsOpen) ||
      (c.req.method === 'GET' && isConsolePath(path));
    if (!tokens.length || open) {
      c.set('access', FULL_ACCESS);
      return next();
    }
    const header = c.req.header('authorization') ?? '';
    const token = header.startsWith('Bearer ') ? authenticate(header.slice(7), tokens) : undefined;
    if (!token)
      return errorBody(
        c,
        401,
        'UNAUTHENTICATED',
        'a valid bearer token is required (Authorization: Bearer …)',
      );
    c.set('access', token);
    return next();
  };
}

/** Errors as answers: ours with their status and code, an unreachable ledger as 503, the rest as 500 with an id. */
function errorHandler(logError: AppDeps['logError']): ErrorHandler<Env> {
  return (error, c) => {
    if (error instanceof GenOpsError)
      return errorBody(c, error.status, error.code, error.message, error.details);
    if (ledgerUnavailable(error)) {
      c.header('retry-after', '1');
      return errorBody(
        c,
        503,
        'LEDGER_UNAVAILABLE',
        `the ledger cannot be reached: ${(error as Error).message}`,
      );
    }
    // Unexpected: logged with an id the client also gets, so a report of it can be found in the logs.
    const requestId = randomUUID();
    logError?.({ requestId, method: c.req.method, path: c.req.path, err: error }, 'unexpected error');
    c.header('x-request-id', requestId);
    return errorBody(c, 500, 'INTERNAL', `internal error (request id ${requestId})`, { requestId });
  };
}

export function createApp(deps: AppDeps): Hono<Env> {
  const app = new Hono<Env>();
  const now = deps.now ?? Date.now;
  const tokens = deps.apiTokens.map((t, i) => (typeof t === 'string' ? parseTokenEntry(t, i) : t));
  const metricsOpen = (deps.metricsAuth ?? 'open') === 'open';
  const assets = deps.console ?? defaultConsoleAssets();

  app.use('*', authenticateRequests(tokens, metricsOpen));

  mountSystemApi(app, {
    ledger: deps.ledger,
    metrics: deps.metrics,
    prices: deps.prices ?? new PriceCatalogHolder(),
    pricesLoaded: deps.prices !== undefined,
    metricsOpen,
    authRequired: tokens.length > 0,
    kafkaReady: deps.kafkaReady,
    consumerReady: deps.consumerReady,
    now,
  });
  mountReportApi(app, deps.ledger, now);
  const views = deps.views ?? new LedgerViews(deps.ledger);
  mountBudgetApi(app, deps.budgets, views);
  mountEnforcementApi(app, deps.budgets, views, deps.decisions ?? new DecisionLog());
  mountReconciliationApi(app, deps.ledger, deps.reconciliation, now);

  app.notFound((c) => {
    const page =
      c.req.method === 'GET' && isConsolePath(c.req.path) ? assets.serve(c, c.req.path) : undefined;
    return page ?? errorBody(c, 404, 'NOT_FOUND', `no route ${c.req.method} ${c.req.path}`);
  });
  app.onError(errorHandler(deps.logError));
  return app;
}
