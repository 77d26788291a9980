// The processor's API as declarations: routes, schemas, the OpenAPI document and the typed client. Imports only zod
// and pure modules, so the console (a browser bundle) and the CLI share it with the server.
export { ROUTES } from './routes.js';
export type { Routes } from './routes.js';
export { defineRoute, fillPath, honoPath } from './route.js';
export type { RouteSpec, RouteInput, RouteOutput, RouteRole, HttpMethod } from './route.js';
export { createApiClient, ApiError, ApiResponseError } from './client.js';
export type { ApiClient, ApiClientOptions } from './client.js';
export { buildOpenApi } from './openapi.js';
export {
  BudgetBody,
  BudgetStatus,
  CostReport,
  Dimension,
  ProviderReport,
  ReconciliationReport,
  ReservationResult,
  ErrorBody,
} from './schemas.js';
export { AlertHistory } from './budget-routes.js';
export { BudgetPolicy, policySummary } from '../budget/budget-spec.js';
export {
  EACH,
  isTemplateKey,
  ORG_KEY,
  parseScopeKey,
  scopeKey,
  scopeLabel,
  SCOPE_DIMENSIONS,
  type Scope,
  type ScopeDimension,
} from '../budget/budget-scope.js';
export { LiveReservations, DecisionLog, DecisionRecord } from './enforcement-routes.js';
export { Session, Prices, PriceEntry } from './system-routes.js';
