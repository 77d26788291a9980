// Every route of the processor's API, by name: what the server mounts, /openapi.json lists and the client calls.
import * as budgets from './budget-routes.js';
import * as enforcement from './enforcement-routes.js';
import * as reconciliation from './reconciliation-routes.js';
import * as reports from './report-routes.js';
import * as system from './system-routes.js';

export const ROUTES = {
  healthz: system.healthz,
  readyz: system.readyz,
  metrics: system.metrics,
  openapi: system.openapi,
  getSession: system.getSession,
  getPrices: system.getPrices,
  getCostReport: reports.getCostReport,
  getProviderReport: reports.getProviderReport,
  listBudgets: budgets.listBudgets,
  getBudget: budgets.getBudget,
  putBudget: budgets.putBudget,
  deleteBudget: budgets.deleteBudget,
  getBudgetAlerts: budgets.getBudgetAlerts,
  getScopedBudget: budgets.getScopedBudget,
  putScopedBudget: budgets.putScopedBudget,
  deleteScopedBudget: budgets.deleteScopedBudget,
  getTemplateCounters: budgets.getTemplateCounters,
  getScopedBudgetAlerts: budgets.getScopedBudgetAlerts,
  createReservation: enforcement.createReservation,
  releaseReservation: enforcement.releaseReservation,
  extendReservation: enforcement.extendReservation,
  listReservations: enforcement.listReservations,
  listDecisions: enforcement.listDecisions,
  getReconciliation: reconciliation.getReconciliation,
  runReconciliation: reconciliation.runReconciliation,
} as const;

export type Routes = typeof ROUTES;
