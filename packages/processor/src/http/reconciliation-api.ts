// Reconciliation routes: billed vs recorded, and a run on demand. Both cover every team's calls.
import type { Hono } from 'hono';
import { ROUTES } from '../api/routes.js';
import type { Role } from './access.js';
import { GenOpsError } from '../errors.js';
import type { CostLedger } from '../ledger/cost-ledger.js';
import type { ReconciliationJob } from '../reconcile/reconciliation-job.js';
import { buildReconciliationReport, CHANGE_LIMIT } from '../reconcile/reconciliation-report.js';
import { mountRoute } from './mount-route.js';
import { parseRange } from './report-query.js';
import { allow, type Env, type RouteContext } from './route-context.js';

/** Reconciliation covers every team's calls: a team-scoped token may not read or run it. */
function allowAllTeams(c: RouteContext, role: Role): void {
  const access = allow(c, role);
  if (access.teams)
    throw new GenOpsError(
      'FORBIDDEN',
      `this token (${access.name}) is scoped to teams; reconciliation covers every team`,
      403,
    );
}

export function mountReconciliationApi(
  app: Hono<Env>,
  ledger: CostLedger,
  job: Pick<ReconciliationJob, 'runNow'> | undefined,
  now: () => number,
): void {
  const report = async (range: { fromMs: number; toMs: number }) =>
    buildReconciliationReport(
      range,
      await ledger.reconciliationSummary(range.fromMs, range.toMs, CHANGE_LIMIT),
    );
  mountRoute(app, ROUTES.getReconciliation, async (c, { search }) => {
    allowAllTeams(c, 'read');
    return report(parseRange(search, now()));
  });
  mountRoute(app, ROUTES.runReconciliation, async (c, { search }) => {
    allowAllTeams(c, 'manage');
    const range = parseRange(search, now());
    if (!job)
      throw new GenOpsError(
        'RECONCILIATION_OFF',
        'reconciliation is off: start the processor with GENOPS_OPENROUTER_API_KEY set',
        409,
      );
    const run = await job.runNow(range);
    return { run, ...(await report(range)) };
  });
}
