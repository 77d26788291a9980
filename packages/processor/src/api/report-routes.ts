// Cost and provider reports.
import { defineRoute } from './route.js';
import { CostReport, ProviderReport } from './schemas.js';
import { ReportQuery } from './query.js';

export const getCostReport = defineRoute({
  method: 'get',
  path: '/v1/reports/cost',
  summary: 'Cost report over [from, to), grouped and filtered (format=csv: the same groups as CSV)',
  tag: 'reports',
  role: 'read',
  query: ReportQuery,
  response: CostReport,
  alsoProduces: 'text/csv',
  errors: { 400: 'a parameter is invalid (named in the error)', 403: 'outside the token’s teams' },
});

export const getProviderReport = defineRoute({
  method: 'get',
  path: '/v1/reports/providers',
  summary:
    'Provider comparison: requests, error rate, latency percentiles, cost per model and served provider',
  tag: 'reports',
  role: 'read',
  query: ReportQuery,
  response: ProviderReport,
  errors: { 400: 'a parameter is invalid (named in the error)', 403: 'outside the token’s teams' },
});
