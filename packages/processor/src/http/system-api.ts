// System routes: health, readiness, metrics, the API document, the caller's session, the prices in force.
import type { Hono } from 'hono';
import { buildOpenApi } from '../api/openapi.js';
import { ROUTES } from '../api/routes.js';
import type { CostLedger } from '../ledger/cost-ledger.js';
import type { ProcessorMetrics } from '../metrics.js';
import type { PriceCatalogHolder } from '../prices/price-catalog-holder.js';
import { ROLES } from './access.js';
import { mountRoute } from './mount-route.js';
import { allow, type Env } from './route-context.js';

export interface SystemDeps {
  ledger: CostLedger;
  metrics: ProcessorMetrics;
  prices: PriceCatalogHolder;
  /** Whether a PriceCatalogHolder was given (its load time is then reported). */
  pricesLoaded: boolean;
  metricsOpen: boolean;
  authRequired: boolean;
  kafkaReady: () => Promise<void>;
  consumerReady?: (() => string) | undefined;
  now: () => number;
}

const DOCUMENT = buildOpenApi(ROUTES, '0.1.0');

async function readiness(deps: SystemDeps) {
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
  return checks;
}

export function mountSystemApi(app: Hono<Env>, deps: SystemDeps): void {
  mountRoute(app, ROUTES.healthz, () => ({ status: 'ok' as const }));
  mountRoute(app, ROUTES.readyz, async (c) => {
    const checks = await readiness(deps);
    const ready = Object.values(checks).every((v) => v === 'ok');
    return c.json({ status: ready ? 'ready' : 'not ready', checks }, ready ? 200 : 503);
  });
  mountRoute(app, ROUTES.metrics, async (c) => {
    if (!deps.metricsOpen) allow(c, 'metrics');
    c.header('content-type', deps.metrics.registry.contentType);
    return c.body(await deps.metrics.registry.metrics());
  });
  mountRoute(app, ROUTES.openapi, () => DOCUMENT);
  mountRoute(app, ROUTES.getSession, (c) => {
    const access = c.get('access');
    return {
      authRequired: deps.authRequired,
      name: access.name,
      roles: ROLES.filter((r) => access.roles.has(r)),
      teams: access.teams ? [...access.teams].sort() : null,
    };
  });
  mountRoute(app, ROUTES.getPrices, async () => {
    const catalog = deps.prices.current;
    const models = catalog.modelIds().sort();
    const now = deps.now();
    // Models called in the last 30 days (from the hourly rollups: cheap at any ledger size) without a price now.
    const seen = await deps.ledger.aggregate({
      fromMs: now - 30 * 86_400_000,
      toMs: now,
      groupBy: ['model'],
      filters: {},
    });
    const calls = new Map<string, number>();
    for (const row of seen) calls.set(row.key.model!, (calls.get(row.key.model!) ?? 0) + row.requests);
    return {
      version: catalog.version,
      ...(deps.pricesLoaded ? { loadedAt: deps.prices.loadedAt.toISOString() } : {}),
      models,
      entries: models.flatMap((model) => catalog.history(model).map((price) => ({ model, ...price }))),
      unpriced: [...calls]
        .filter(([model]) => model && !catalog.lookup(model, new Date(now)))
        .map(([model, requests]) => {
          const resolved = catalog.resolve(model);
          const reason =
            resolved.kind === 'ambiguous'
              ? resolved.reason
              : `no price for ${model} in catalog ${catalog.version}`;
          return { model, requests, reason };
        })
        .sort((a, b) => b.requests - a.requests || a.model.localeCompare(b.model)),
    };
  });
}
