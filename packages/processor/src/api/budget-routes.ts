// Budgets: list, status, create or change, delete, and each budget's alert history — a team's by its name, any
// scope's by its key (`team=search&model=openai/gpt-4o`, `customer=*`, `org`).
import { z } from 'zod';
import { defineRoute } from './route.js';
import { KeyParam, TeamParam } from './query.js';
import { BudgetBody, BudgetList, BudgetStatus, TemplateCounters } from './schemas.js';

export const listBudgets = defineRoute({
  method: 'get',
  path: '/v1/budgets',
  summary: 'Every budget (a team-scoped token: its teams’) with its counters',
  tag: 'budgets',
  role: 'read',
  response: BudgetList,
});

export const getBudget = defineRoute({
  method: 'get',
  path: '/v1/budgets/{team}',
  summary: 'A team’s budget status: spent, reserved, utilisation, forecast, state',
  tag: 'budgets',
  role: 'read',
  params: TeamParam,
  response: BudgetStatus,
  errors: { 404: 'the team has no budget' },
});

export const putBudget = defineRoute({
  method: 'put',
  path: '/v1/budgets/{team}',
  summary: 'Create or change a team’s budget (counted from the raw rows of its current period)',
  tag: 'budgets',
  role: 'manage',
  params: TeamParam,
  body: BudgetBody,
  response: BudgetStatus,
  errors: { 400: 'a field is invalid (named in the error)', 409: 'the budgets file manages this budget' },
});

export const deleteBudget = defineRoute({
  method: 'delete',
  path: '/v1/budgets/{team}',
  summary: 'Delete a team’s budget',
  tag: 'budgets',
  role: 'manage',
  params: TeamParam,
  response: null,
  errors: { 404: 'the team has no budget', 409: 'the budgets file manages this budget' },
});

export const getScopedBudget = defineRoute({
  method: 'get',
  path: '/v1/budget-scopes/{key}',
  summary: 'A budget’s status by its scope’s key (or a template’s counter’s: customer=acme)',
  tag: 'budgets',
  role: 'read',
  params: KeyParam,
  response: BudgetStatus,
  errors: { 404: 'no budget (or template counter) by that key' },
});

export const putScopedBudget = defineRoute({
  method: 'put',
  path: '/v1/budget-scopes/{key}',
  summary:
    'Create or change the budget of a scope: any combination of team, project, customer, feature, environment and model (* for each value: a template), or org',
  tag: 'budgets',
  role: 'manage',
  params: KeyParam,
  body: BudgetBody,
  response: BudgetStatus,
  errors: { 400: 'a field is invalid (named in the error)', 409: 'the budgets file manages this budget' },
});

export const deleteScopedBudget = defineRoute({
  method: 'delete',
  path: '/v1/budget-scopes/{key}',
  summary: 'Delete the budget of a scope (a template with its counters)',
  tag: 'budgets',
  role: 'manage',
  params: KeyParam,
  response: null,
  errors: { 404: 'no budget by that key', 409: 'the budgets file manages this budget' },
});

export const getTemplateCounters = defineRoute({
  method: 'get',
  path: '/v1/budget-scopes/{key}/counters',
  summary: 'A template’s counters (customer=* → each customer’s): how many, and those nearest their limit',
  tag: 'budgets',
  role: 'read',
  params: KeyParam,
  response: TemplateCounters,
  errors: { 404: 'no template by that key' },
});

export const AlertHistory = z.object({
  /** The budget's key. */
  budget: z.string(),
  /** The team, for a team's budget. */
  team: z.string().optional(),
  alerts: z.array(
    z.object({
      /** The budget period the alert fired in. */
      periodStart: z.string(),
      /** `threshold:0.8`, `forecast`, … */
      key: z.string(),
      firedAt: z.string(),
      /** Where it was to be delivered, and where it was. */
      sinks: z.array(z.string()),
      delivered: z.array(z.string()),
    }),
  ),
});

export const getBudgetAlerts = defineRoute({
  method: 'get',
  path: '/v1/budgets/{team}/alerts',
  summary: 'A team’s budget alerts, newest first: threshold, time, and the sinks that received it',
  tag: 'budgets',
  role: 'read',
  params: TeamParam,
  response: AlertHistory,
});

export const getScopedBudgetAlerts = defineRoute({
  method: 'get',
  path: '/v1/budget-scopes/{key}/alerts',
  summary: 'A budget’s alerts by its key, newest first',
  tag: 'budgets',
  role: 'read',
  params: KeyParam,
  response: AlertHistory,
});
