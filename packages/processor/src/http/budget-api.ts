// Budget routes: list, status, create or change, delete, alert history — a team's by name, any scope's by key. A
// team-scoped token reaches only budgets that name one of its teams.
import type { Hono } from 'hono';
import { ROUTES } from '../api/routes.js';
import type { AlertHistoryStore } from '../budget/alert-history.js';
import { parseScopeKey, scopeLabel, teamKey, type Scope } from '../budget/budget-scope.js';
import type { BudgetService } from '../budget/budget-service.js';
import { GenOpsError, ValidationError } from '../errors.js';
import { mountRoute } from './mount-route.js';
import { allow, type Env, type RouteContext } from './route-context.js';
import type { Role } from './access.js';

const noBudget = (what: string) => new GenOpsError('NOT_FOUND', `${what} has no budget`, 404);

/** The scope a key names, or a 400 naming the parameter. */
function scopeOfKey(key: string): Scope {
  const scope = parseScopeKey(key);
  if (!scope)
    throw new ValidationError(
      'key',
      `not a budget scope: ${key} (e.g. team=search&model=openai/gpt-4o, customer=*, org)`,
    );
  return scope;
}

/** 403 unless the token may act on a budget of `scope`: any, or (team-scoped) one naming one of its teams. */
function allowScope(c: RouteContext, role: Role, scope: Scope): void {
  const access = allow(c, role);
  if (access.teams && (scope.team === undefined || !access.teams.has(scope.team)))
    throw new GenOpsError(
      'FORBIDDEN',
      `this token (${access.name}) is scoped to ${[...access.teams].join(', ')}: the budget of ${scopeLabel(scope)} is not one of its teams'`,
      403,
    );
}

export function mountBudgetApi(app: Hono<Env>, budgets: BudgetService, history: AlertHistoryStore): void {
  mountRoute(app, ROUTES.listBudgets, async (c) => {
    const { teams } = allow(c, 'read');
    const all = await budgets.list();
    return { budgets: teams ? all.filter((b) => b.team !== undefined && teams.has(b.team)) : all };
  });
  mountRoute(app, ROUTES.getBudget, async (c, { params }) => {
    allow(c, 'read', params.team);
    const status = await budgets.status(teamKey(params.team));
    if (!status) throw noBudget(`team ${params.team}`);
    return status;
  });
  mountRoute(app, ROUTES.putBudget, async (c, { params, body }) => {
    allow(c, 'manage', params.team);
    return budgets.put(params.team, body);
  });
  mountRoute(app, ROUTES.deleteBudget, async (c, { params }) => {
    allow(c, 'manage', params.team);
    if (!(await budgets.remove(teamKey(params.team)))) throw noBudget(`team ${params.team}`);
    return null;
  });
  mountRoute(app, ROUTES.getBudgetAlerts, async (c, { params }) => {
    allow(c, 'read', params.team);
    return alertHistory(history, teamKey(params.team), params.team);
  });
  mountRoute(app, ROUTES.getScopedBudget, async (c, { params }) => {
    const scope = scopeOfKey(params.key);
    allowScope(c, 'read', scope);
    const status = await budgets.status(params.key);
    if (!status) throw noBudget(scopeLabel(scope));
    return status;
  });
  mountRoute(app, ROUTES.putScopedBudget, async (c, { params, body }) => {
    allowScope(c, 'manage', scopeOfKey(params.key));
    return budgets.putScoped(body, params.key);
  });
  mountRoute(app, ROUTES.deleteScopedBudget, async (c, { params }) => {
    const scope = scopeOfKey(params.key);
    allowScope(c, 'manage', scope);
    if (!(await budgets.remove(params.key))) throw noBudget(scopeLabel(scope));
    return null;
  });
  mountRoute(app, ROUTES.getTemplateCounters, async (c, { params }) => {
    const scope = scopeOfKey(params.key);
    allowScope(c, 'read', scope);
    const counters = await budgets.templateCounters(params.key);
    if (!counters) throw new GenOpsError('NOT_FOUND', `no template budget ${params.key}`, 404);
    return counters;
  });
  mountRoute(app, ROUTES.getScopedBudgetAlerts, async (c, { params }) => {
    const scope = scopeOfKey(params.key);
    allowScope(c, 'read', scope);
    return alertHistory(history, params.key, scope.team);
  });
}

async function alertHistory(history: AlertHistoryStore, key: string, team: string | undefined) {
  const alerts = await history.alertHistory(key, 200);
  return {
    budget: key,
    ...(team !== undefined ? { team } : {}),
    alerts: alerts.map((a) => ({
      periodStart: new Date(a.periodStartMs).toISOString(),
      key: a.key,
      firedAt: new Date(a.firedMs).toISOString(),
      sinks: a.sinks,
      delivered: a.delivered,
    })),
  };
}
