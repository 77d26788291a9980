// The HTTP API (hono): reports, health, metrics, OpenAPI. Tested in-process with app.request().
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { Hono, type Context } from 'hono';
import type { BudgetService } from '../budget/budget-service.js';
import { GenOpsError, ValidationError } from '../errors.js';
import type { CostLedger } from '../ledger/cost-ledger.js';
import type { ProcessorMetrics } from '../metrics.js';
import { buildCostReport, buildProviderReport, costReportCsv } from '../report/cost-report.js';
import { OPENAPI } from './openapi.js';
import { parseReportQuery } from './report-query.js';

export interface AppDeps {
  ledger: CostLedger;
  budgets: BudgetService;
  metrics: ProcessorMetrics;
  apiTokens: string[];
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
}

const OPEN_PATHS = new Set(['/healthz', '/readyz', '/metrics', '/openapi.json']);

function tokenMatches(given: string, tokens: string[]): boolean {
  const a = Buffer.from(given);
  return tokens.some((t) => {
    const b = Buffer.from(t);
    return a.length === b.length && timingSafeEqual(a, b);
  });
}

function errorBody(c: Context, status: number, code: string, message: string, details?: unknown) {
  return c.json({ error: { code, message, ...(details === undefined ? {} : { details }) } }, status as 400);
}

export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  const now = deps.now ?? Date.now;

  app.use('*', async (c, next) => {
    if (deps.apiTokens.length && !OPEN_PATHS.has(c.req.path)) {
      const header = c.req.header('authorization') ?? '';
      const token = header.startsWith('Bearer ') ? header.slice(7) : '';
      if (!token || !tokenMatches(token, deps.apiTokens)) {
        return errorBody(
          c,
          401,
          'UNAUTHENTICATED',
          'a valid bearer token is required (Authorization: Bearer …)',
        );
      }
    }
    await next();
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
    c.header('content-type', deps.metrics.registry.contentType);
    return c.body(await deps.metrics.registry.metrics());
  });
  app.get('/openapi.json', (c) => c.json(OPENAPI));

  app.get('/v1/reports/cost', async (c) => {
    const query = parseReportQuery(new URL(c.req.url).searchParams, now());
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
  app.get('/v1/budgets', async (c) => c.json({ budgets: await deps.budgets.list() }));
  app.get('/v1/budgets/:team', async (c) => {
    const status = await deps.budgets.status(c.req.param('team'));
    if (!status) return errorBody(c, 404, 'NOT_FOUND', `team ${c.req.param('team')} has no budget`);
    return c.json(status);
  });
  app.put('/v1/budgets/:team', async (c) =>
    c.json(await deps.budgets.put(c.req.param('team'), await jsonBody(c))),
  );
  app.delete('/v1/budgets/:team', async (c) => {
    if (!(await deps.budgets.remove(c.req.param('team')))) {
      return errorBody(c, 404, 'NOT_FOUND', `team ${c.req.param('team')} has no budget`);
    }
    return c.body(null, 204);
  });
  app.post('/v1/reservations', async (c) => c.json(await deps.budgets.reserve(await jsonBody(c))));
  app.delete('/v1/reservations/:id', async (c) => {
    await deps.budgets.release(c.req.param('id'));
    return c.body(null, 204);
  });

  app.notFound((c) => errorBody(c, 404, 'NOT_FOUND', `no route ${c.req.method} ${c.req.path}`));
  app.onError((error, c) => {
    if (error instanceof GenOpsError)
      return errorBody(c, error.status, error.code, error.message, error.details);
    // Unexpected: logged with an id the client also gets, so a report of it can be found in the logs.
    const requestId = randomUUID();
    deps.logError?.({ requestId, method: c.req.method, path: c.req.path, err: error }, 'unexpected error');
    c.header('x-request-id', requestId);
    return errorBody(c, 500, 'INTERNAL', `internal error (request id ${requestId})`, { requestId });
  });
  return app;
}
