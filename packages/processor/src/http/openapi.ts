// The OpenAPI document served at /openapi.json.
import { DIMENSION_NAMES } from '../decode/cost-event.js';

const error = { $ref: '#/components/schemas/Error' };
const figures = {
  costUsd: { type: 'number' },
  requests: { type: 'integer' },
  errors: { type: 'integer' },
  inputTokens: { type: 'integer' },
  outputTokens: { type: 'integer' },
  totalTokens: { type: 'integer' },
};
const range = [
  {
    name: 'from',
    in: 'query',
    schema: { type: 'string', format: 'date-time' },
    description: 'inclusive, RFC 3339 with an offset or a date (UTC); default to − 30 days',
  },
  {
    name: 'to',
    in: 'query',
    schema: { type: 'string', format: 'date-time' },
    description: 'exclusive; default now',
  },
  {
    name: 'timezone',
    in: 'query',
    schema: { type: 'string', default: 'UTC' },
    description:
      'IANA zone of the day, week (labelled by its Monday) and month groups, and of the day filter',
  },
];
const filters = DIMENSION_NAMES.filter((d) => d !== 'week' && d !== 'month').map((d) => ({
  name: d,
  in: 'query',
  schema: { type: 'string' },
  description: d === 'day' ? 'only this local day (YYYY-MM-DD) in timezone' : `only ${d} = value`,
}));

export const OPENAPI = {
  openapi: '3.1.0',
  info: { title: 'GenOps processor API', version: '0.1.0' },
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    schemas: {
      Error: {
        type: 'object',
        properties: {
          error: {
            type: 'object',
            required: ['code', 'message'],
            properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} },
          },
        },
      },
    },
  },
  security: [{ bearer: [] }],
  paths: {
    '/healthz': { get: { summary: 'Liveness', security: [], responses: { 200: { description: 'alive' } } } },
    '/readyz': {
      get: {
        summary:
          'Ready: the ledger and Kafka answer, and the consumer is in its group consuming (not crashed, not rebalancing, not lagging past GENOPS_READY_MAX_LAG)',
        security: [],
        responses: { 200: { description: 'ready' }, 503: { description: 'not ready' } },
      },
    },
    '/metrics': {
      get: {
        summary: 'Prometheus metrics',
        security: [],
        responses: { 200: { description: 'text exposition' } },
      },
    },
    '/v1/reports/cost': {
      get: {
        summary: 'Cost report over [from, to), grouped and filtered',
        parameters: [
          ...range,
          {
            name: 'groupBy',
            in: 'query',
            schema: { type: 'string' },
            description: `comma list of ${DIMENSION_NAMES.join(', ')}`,
          },
          { name: 'format', in: 'query', schema: { enum: ['json', 'csv'] } },
          ...filters,
        ],
        responses: {
          200: {
            description: 'report; groups sorted by costUsd descending',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: {
                    from: { type: 'string' },
                    to: { type: 'string' },
                    groupBy: { type: 'array', items: { enum: DIMENSION_NAMES } },
                    currency: { const: 'USD' },
                    totals: { type: 'object', properties: figures },
                    groups: {
                      type: 'array',
                      items: {
                        type: 'object',
                        properties: {
                          key: { type: 'object' },
                          ...figures,
                          costPerMillionTokens: { type: 'number' },
                        },
                      },
                    },
                  },
                },
              },
              'text/csv': {},
            },
          },
          400: {
            description: 'bad parameter (named in error.details.field)',
            content: { 'application/json': { schema: error } },
          },
          401: {
            description: 'missing or wrong bearer token',
            content: { 'application/json': { schema: error } },
          },
        },
      },
    },
    '/v1/prices': {
      get: {
        summary: 'The price catalog in force: version, when it was (re)loaded, the models it prices',
        responses: { 200: { description: '{ version, loadedAt, models: [...] }' } },
      },
    },
    '/v1/budgets': {
      get: {
        summary: 'Every budget with its status',
        responses: { 200: { description: '{ budgets: [...] }' } },
      },
    },
    '/v1/budgets/{team}': {
      parameters: [{ name: 'team', in: 'path', required: true, schema: { type: 'string' } }],
      get: {
        summary: 'Budget status: spent, reserved, utilization, period, resets-in, forecast, state',
        responses: {
          200: { description: 'status' },
          404: { description: 'no budget', content: { 'application/json': { schema: error } } },
        },
      },
      put: {
        summary: 'Create or replace a budget',
        requestBody: {
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['period', 'limitUsd'],
                properties: {
                  period: { enum: ['daily', 'weekly', 'monthly', 'rolling'] },
                  window: { type: 'string', description: 'rolling only, e.g. 24h' },
                  timezone: { type: 'string', default: 'UTC' },
                  limitUsd: { type: 'number' },
                  thresholds: { type: 'array', items: { type: 'number' }, default: [0.8, 0.9, 0.95, 1.0] },
                  enforcement: { enum: ['soft', 'hard'], default: 'soft' },
                },
              },
            },
          },
        },
        responses: {
          200: { description: 'status' },
          400: { description: 'bad field', content: { 'application/json': { schema: error } } },
        },
      },
      delete: {
        summary: 'Delete a budget',
        responses: { 204: { description: 'deleted' }, 404: { description: 'no budget' } },
      },
    },
    '/v1/reservations': {
      post: {
        summary: 'Admit a call before it is made: ALLOWED, WARNING or BLOCKED, atomically per team',
        requestBody: {
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['team', 'model', 'estimatedCostUsd'],
                properties: {
                  team: { type: 'string' },
                  project: { type: 'string' },
                  model: { type: 'string' },
                  estimatedCostUsd: { type: 'number' },
                  ttlSeconds: {
                    type: 'integer',
                    default: 300,
                    description:
                      'after this the reservation expires, once the consumer has caught up past the expiry (its span may still be on the way)',
                  },
                  estimateBasis: {
                    type: 'string',
                    description:
                      'why the estimate is what it is when not a catalog price; added to the reason',
                  },
                },
              },
            },
          },
        },
        responses: {
          200: { description: '{ decision, reasonCode?, reason?, reservationId?, budget? }' },
          400: { description: 'bad field', content: { 'application/json': { schema: error } } },
        },
      },
    },
    '/v1/reservations/{id}': {
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
      delete: {
        summary: 'Release a live reservation',
        responses: { 204: { description: 'released' }, 404: { description: 'no live reservation' } },
      },
    },
    '/v1/reports/providers': {
      get: {
        summary:
          'Per served provider and model: requests, error rate, latency p50/p95/p99, cost per 1M tokens',
        parameters: [...range, ...filters],
        responses: {
          200: { description: 'rows' },
          400: { description: 'bad parameter', content: { 'application/json': { schema: error } } },
        },
      },
    },
    '/v1/reconciliation': {
      get: {
        summary:
          "Recorded vs billed (OpenRouter's generation stats) for calls in [from, to): per model and served provider, pending and given-up calls, each changed call. Unscoped read token.",
        parameters: range,
        responses: {
          200: { description: '{ from, to, groups, totals, pending, unavailable, changes }' },
          400: { description: 'bad parameter', content: { 'application/json': { schema: error } } },
          403: { description: 'a team-scoped token', content: { 'application/json': { schema: error } } },
        },
      },
    },
    '/v1/reconciliation/run': {
      post: {
        summary:
          'Look up every pending OpenRouter call of [from, to) now (backoff skipped), write adjustments, and report. Unscoped manage token.',
        parameters: range,
        responses: {
          200: {
            description: '{ run: { matched, adjusted, notYet, retried, refused, unavailable }, ...report }',
          },
          400: { description: 'bad parameter', content: { 'application/json': { schema: error } } },
          409: {
            description: 'reconciliation is off (no GENOPS_OPENROUTER_API_KEY)',
            content: { 'application/json': { schema: error } },
          },
        },
      },
    },
  },
} as const;
