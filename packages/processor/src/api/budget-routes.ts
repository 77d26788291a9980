// Budgets: list, status, create or change, delete, and each budget's alert history.
import { z } from 'zod';
import { defineRoute } from './route.js';
import { TeamParam } from './query.js';
import { BudgetBody, BudgetList, BudgetStatus } from './schemas.js';

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

export const AlertHistory = z.object({
  team: z.string(),
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
