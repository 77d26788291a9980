// Reconciliation with OpenRouter's bill: billed vs recorded, and a run on demand.
import { defineRoute } from './route.js';
import { RangeOnlyQuery } from './query.js';
import { ReconcileRun, ReconciliationReport } from './schemas.js';

export const getReconciliation = defineRoute({
  method: 'get',
  path: '/v1/reconciliation',
  summary: 'Billed vs recorded by model and served provider for calls in [from, to), with the adjustments',
  tag: 'reconciliation',
  role: 'read',
  query: RangeOnlyQuery,
  response: ReconciliationReport,
  errors: { 403: 'a team-scoped token (reconciliation covers every team)' },
});

export const runReconciliation = defineRoute({
  method: 'post',
  path: '/v1/reconciliation/run',
  summary: 'Look up the bill of every queued call in [from, to) now, then report',
  tag: 'reconciliation',
  role: 'manage',
  query: RangeOnlyQuery,
  response: ReconcileRun,
  errors: {
    403: 'a team-scoped token (reconciliation covers every team)',
    409: 'reconciliation is off (GENOPS_OPENROUTER_API_KEY unset)',
  },
});
