// The HTTP API (hono): reports, health, metrics, OpenAPI. Tested in-process with app.request().
import { randomUUID } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { authenticate, FULL_ACCESS, parseTokenEntry, type AccessToken, type Role } from './access.js';
import type { BudgetService } from '../budget/budget-service.js';
import { GenOpsError, ValidationError } from '../errors.js';
import type { CostLedger } from '../ledger/cost-ledger.js';
import type { ProcessorMetrics } from '../metrics.js';
import { PriceCatalogHolder } from '../prices/price-catalog-holder.js';
import { buildCostReport, buildProviderReport, costReportCsv } from '../report/cost-report.js';
import { OPENAPI } from './openapi.js';
import { parseRange, parseReportQuery, rejectUnknown } from './report-query.js';
import type { ReconciliationJob } from '../reconcile/reconciliation-job.js';
import { buildReconciliationReport, CHANGE_LIMIT } from '../reconcile/reconciliation-report.js';

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
  /** The consumer's own state for /readyz: 'ok', or why not (crashed, rebalancing, lagging). */
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
}

const MAX_BODY_BYTES = 64 * 1024;
const OPEN_PATHS = new Set(['/healthz', '/readyz', '/openapi.json']);

type Access = Omit<AccessToken, 'secret'>;
type Env = { Variables: { access: Access } };

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

/** Throws 403 unless the request's token has `role` (and, given a team, may act for it). */
function allow(c: Context<Env>, role: Role, team?: string): Access {
  const access = c.get('access');
  if (!access.roles.has(role))
    throw new GenOpsError('FORBIDDEN', `this token (${access.name}) lacks the ${role} role`, 403, { role });
  if (team !== undefined && access.teams && !access.teams.has(team))
    throw new GenOpsError(
      'FORBIDDEN',
      `this token (${access.name}) is scoped to ${[...access.teams].join(', ')}, not team ${team}`,
      403,
      { team },
    );
  return access;
}

/** A report for a team-scoped token covers its team: the one it names with team=, or its only team. */
function scopeReport(c: Context<Env>, filters: { team?: string }): void {
  const access = allow(c, 'read', filters.team);
  if (!access.teams || filters.team !== undefined) return;
  if (access.teams.size !== 1)
    throw new GenOpsError(
      'FORBIDDEN',
      `this token (${access.name}) is scoped to ${[...access.teams].join(', ')}: name one with team=`,
      403,
    );
  filters.team = [...access.teams][0]!;
}

function errorBody(c: Context, status: number, code: string, message: string, details?: unknown) {
  return c.json({ error: { code, message, ...(details === undefined ? {} : { details }) } }, status as 400);
}

export function createApp(deps: AppDeps): Hono<Env> {
  const app = new Hono<Env>();
  const now = deps.now ?? Date.now;
  const tokens = deps.apiTokens.map((t, i) => (typeof t === 'string' ? parseTokenEntry(t, i) : t));
  const metricsOpen = (deps.metricsAuth ?? 'open') === 'open';
  const prices = deps.prices ?? new PriceCatalogHolder();

  // Bodies are small JSON objects: anything larger is refused before it is read.
  app.use(
    '*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) =>
        errorBody(c, 413, 'PAYLOAD_TOO_LARGE', `request body larger than ${MAX_BODY_BYTES} bytes`),
    }),
  );
  app.use('*', async (c, next) => {
    const open = OPEN_PATHS.has(c.req.path) || (c.req.path === '/metrics' && metricsOpen);
    if (!tokens.length || open) {
      c.set('access', FULL_ACCESS);
      return next();
    }
    const header = c.req.header('authorization') ?? '';
    const token = header.startsWith('Bearer ') ? authenticate(header.slice(7), tokens) : undefined;
    if (!token) {
      return errorBody(
        c,
        401,
        'UNAUTHENTICATED',
        'a valid bearer token is required (Authorization: Bearer …)',
      );
    }
    c.set('access', token);
    return next();
  });

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const checks: Record<string, string> = {};
    for (const [name, check] of [
      ['ledger', () => deps.ledger.ping()],
      ['kafka', deps.kafkaReady],
    ] as const) {
      try {
        await check();
        checks[name] = 'ok';
      } catch (error) {
        checks[name] = `unreachable: ${(error as Error).message}`;
      }
    }
    if (deps.consumerReady) checks.consumer = deps.consumerReady();
    const ready = Object.values(checks).every((v) => v === 'ok');
    return c.json({ status: ready ? 'ready' : 'not ready', checks }, ready ? 200 : 503);
  });
  app.get('/metrics', async (c) => {
    if (!metricsOpen) allow(c, 'metrics');
    c.header('content-type', deps.metrics.registry.contentType);
    return c.body(await deps.metrics.registry.metrics());
  });
  app.get('/openapi.json', (c) => c.json(OPENAPI));

  app.get('/v1/reports/cost', async (c) => {
    const query = parseReportQuery(new URL(c.req.url).searchParams, now());
    scopeReport(c, query.filters);
    const report = buildCostReport(query, await deps.ledger.aggregate(query));
    if (query.format === 'csv') {
      c.header('content-type', 'text/csv; charset=utf-8');
      return c.body(costReportCsv(report));
    }
    return c.json(report);
  });
  app.get('/v1/reports/providers', async (c) => {
    const params = new URL(c.req.url).searchParams;
    const query = parseReportQuery(params, now());
    scopeReport(c, query.filters);
    const samples = await deps.ledger.providerSamples(query);
    return c.json({
      from: new Date(query.fromMs).toISOString(),
      to: new Date(query.toMs).toISOString(),
      providers: buildProviderReport(samples),
    });
  });

  const jsonBody = async (c: Context): Promise<unknown> => {
    try {
      return await c.req.json();
    } catch {
      throw new ValidationError('(body)', 'must be JSON');
    }
  };
  app.get('/v1/prices', (c) => {
    allow(c, 'read');
    const catalog = prices.current;
    return c.json({
      version: catalog.version,
      ...(deps.prices ? { loadedAt: deps.prices.loadedAt.toISOString() } : {}),
      models: catalog.modelIds().sort(),
    });
  });
  app.get('/v1/budgets', async (c) => {
    const { teams } = allow(c, 'read');
    const budgets = await deps.budgets.list();
    return c.json({ budgets: teams ? budgets.filter((b) => teams.has(b.team)) : budgets });
  });
  app.get('/v1/budgets/:team', async (c) => {
    allow(c, 'read', c.req.param('team'));
    const status = await deps.budgets.status(c.req.param('team'));
    if (!status) return errorBody(c, 404, 'NOT_FOUND', `team ${c.req.param('team')} has no budget`);
    return c.json(status);
  });
  app.put('/v1/budgets/:team', async (c) => {
    allow(c, 'manage', c.req.param('team'));
    return c.json(await deps.budgets.put(c.req.param('team'), await jsonBody(c)));
  });
  app.delete('/v1/budgets/:team', async (c) => {
    allow(c, 'manage', c.req.param('team'));
    if (!(await deps.budgets.remove(c.req.param('team')))) {
      return errorBody(c, 404, 'NOT_FOUND', `team ${c.req.param('team')} has no budget`);
    }
    return c.body(null, 204);
  });
  app.post('/v1/reservations', async (c) => {
    allow(c, 'reserve'); // before reading the body: a token without the role learns nothing from a 400
    const body = await jsonBody(c);
    const team = (body as { team?: unknown } | null)?.team;
    if (typeof team === 'string') allow(c, 'reserve', team);
    return c.json(await deps.budgets.reserve(body));
  });
  app.delete('/v1/reservations/:id', async (c) => {
    await deps.budgets.release(c.req.param('id'), allow(c, 'reserve').teams);
    return c.body(null, 204);
  });

  /** Reconciliation covers every team's calls: a team-scoped token may not read or run it. */
  const allowAllTeams = (c: Context<Env>, role: Role) => {
    const access = allow(c, role);
    if (access.teams)
      throw new GenOpsError(
        'FORBIDDEN',
        `this token (${access.name}) is scoped to teams; reconciliation covers every team`,
        403,
      );
  };
  const reconciliationReport = async (range: { fromMs: number; toMs: number }) =>
    buildReconciliationReport(
      range,
      await deps.ledger.reconciliationSummary(range.fromMs, range.toMs, CHANGE_LIMIT),
    );
  const rangeOf = (c: Context) => {
    const params = new URL(c.req.url).searchParams;
    rejectUnknown(params, ['from', 'to']);
    return parseRange(params, now());
  };
  app.get('/v1/reconciliation', async (c) => {
    allowAllTeams(c, 'read');
    return c.json(await reconciliationReport(rangeOf(c)));
  });
  app.post('/v1/reconciliation/run', async (c) => {
    allowAllTeams(c, 'manage');
    const range = rangeOf(c);
    if (!deps.reconciliation)
      throw new GenOpsError(
        'RECONCILIATION_OFF',
        'reconciliation is off: start the processor with GENOPS_OPENROUTER_API_KEY set',
        409,
      );
    const run = await deps.reconciliation.runNow(range);
    return c.json({ run, ...(await reconciliationReport(range)) });
  });

  app.notFound((c) => errorBody(c, 404, 'NOT_FOUND', `no route ${c.req.method} ${c.req.path}`));
  app.onError((error, c) => {
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
    deps.logError?.({ requestId, method: c.req.method, path: c.req.path, err: error }, 'unexpected error');
    c.header('x-request-id', requestId);
    return errorBody(c, 500, 'INTERNAL', `internal error (request id ${requestId})`, { requestId });
  });
  return app;
}
