// Report routes: cost (JSON or CSV) and the provider comparison.
import type { Hono } from 'hono';
import { ROUTES } from '../api/routes.js';
import type { CostLedger } from '../ledger/cost-ledger.js';
import { buildCostReport, buildProviderReport, costReportCsv } from '../report/cost-report.js';
import { mountRoute } from './mount-route.js';
import { parseReportQuery } from './report-query.js';
import { scopeReport, type Env } from './route-context.js';

export function mountReportApi(app: Hono<Env>, ledger: CostLedger, now: () => number): void {
  mountRoute(app, ROUTES.getCostReport, async (c, { search }) => {
    const query = parseReportQuery(search, now());
    scopeReport(c, query.filters);
    const report = buildCostReport(query, await ledger.aggregate(query));
    if (query.format === 'csv') {
      c.header('content-type', 'text/csv; charset=utf-8');
      return c.body(costReportCsv(report));
    }
    return report;
  });
  mountRoute(app, ROUTES.getProviderReport, async (c, { search }) => {
    const query = parseReportQuery(search, now());
    scopeReport(c, query.filters);
    const samples = await ledger.providerSamples(query);
    return {
      from: new Date(query.fromMs).toISOString(),
      to: new Date(query.toMs).toISOString(),
      providers: buildProviderReport(samples),
    };
  });
}
