// Budget routes: list, status, create or change, delete, alert history.
import type { Hono } from 'hono';
import { ROUTES } from '../api/routes.js';
import type { AlertHistoryStore } from '../budget/alert-history.js';
import type { BudgetService } from '../budget/budget-service.js';
import { GenOpsError } from '../errors.js';
import { mountRoute } from './mount-route.js';
import { allow, type Env } from './route-context.js';

const noBudget = (team: string) => new GenOpsError('NOT_FOUND', `team ${team} has no budget`, 404);

export function mountBudgetApi(app: Hono<Env>, budgets: BudgetService, history: AlertHistoryStore): void {
  mountRoute(app, ROUTES.listBudgets, async (c) => {
    const { teams } = allow(c, 'read');
    const all = await budgets.list();
    return { budgets: teams ? all.filter((b) => teams.has(b.team)) : all };
  });
  mountRoute(app, ROUTES.getBudget, async (c, { params }) => {
    allow(c, 'read', params.team);
    const status = await budgets.status(params.team);
    if (!status) throw noBudget(params.team);
    return status;
  });
  mountRoute(app, ROUTES.putBudget, async (c, { params, body }) => {
    allow(c, 'manage', params.team);
    return budgets.put(params.team, body);
  });
  mountRoute(app, ROUTES.deleteBudget, async (c, { params }) => {
    allow(c, 'manage', params.team);
    if (!(await budgets.remove(params.team))) throw noBudget(params.team);
    return null;
  });
  mountRoute(app, ROUTES.getBudgetAlerts, async (c, { params }) => {
    allow(c, 'read', params.team);
    const alerts = await history.alertHistory(params.team, 200);
    return {
      team: params.team,
      alerts: alerts.map((a) => ({
        periodStart: new Date(a.periodStartMs).toISOString(),
        key: a.key,
        firedAt: new Date(a.firedMs).toISOString(),
        sinks: a.sinks,
        delivered: a.delivered,
      })),
    };
  });
}
