import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ApiError, ApiResponseError, createApiClient, ROUTES } from '../../src/api/index.js';
import { BudgetService } from '../../src/budget/budget-service.js';
import { createApp } from '../../src/http/app.js';
import type { CostLedger } from '../../src/ledger/cost-ledger.js';
import { openLedger } from '../../src/ledger/open-ledger.js';
import { ProcessorMetrics } from '../../src/metrics.js';

let ledger: CostLedger;
beforeAll(async () => {
  ledger = await openLedger(`sqlite:${join(mkdtempSync(join(tmpdir(), 'genops-api-')), 'l.db')}`);
});

const app = () =>
  createApp({
    ledger,
    budgets: new BudgetService(ledger),
    metrics: new ProcessorMetrics(),
    apiTokens: [],
    kafkaReady: async () => {},
  });

type Operation = {
  parameters: { name: string; in: string; required: boolean }[];
  requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
  responses: Record<string, { content?: Record<string, { schema: Record<string, unknown> }> }>;
};

describe('the API declaration', () => {
  describe('when /openapi.json is generated from it', () => {
    it('lists every route the app serves, with its parameters, body and response schemas', async () => {
      const served = app()
        .routes.filter((r) => r.method !== 'ALL')
        .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`)
        .sort();
      const doc = (await (await app().request('/openapi.json')).json()) as {
        paths: Record<string, Record<string, Operation>>;
      };
      const documented = Object.entries(doc.paths)
        .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
        .sort();
      expect(documented).toEqual(served);
      expect(documented).toHaveLength(Object.keys(ROUTES).length);
      for (const route of Object.values(ROUTES)) {
        const op = doc.paths[route.path]![route.method]!;
        const pathParams = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
        expect(op.parameters.filter((p) => p.in === 'path').map((p) => p.name)).toEqual(pathParams);
        if ('body' in route && route.body)
          expect(op.requestBody?.content['application/json']?.schema.type).toBe('object');
        if (route.response === null) expect(Object.keys(op.responses)).toContain('204');
        else expect(Object.values(op.responses['200']!.content!)[0]!.schema).not.toEqual({});
      }
    });

    it('describes the budget body field by field, with its limits', async () => {
      const doc = (await (await app().request('/openapi.json')).json()) as {
        paths: Record<string, Record<string, Operation>>;
      };
      const schema = doc.paths['/v1/budgets/{team}']!.put!.requestBody!.content['application/json']!
        .schema as {
        properties: Record<string, Record<string, unknown>>;
        additionalProperties: boolean;
      };
      expect(schema.additionalProperties).toBe(false);
      expect(schema.properties.period).toEqual({
        type: 'string',
        enum: ['daily', 'weekly', 'monthly', 'rolling'],
      });
      expect(schema.properties.limitUsd).toMatchObject({ type: 'number', exclusiveMinimum: 0, maximum: 1e9 });
      const report = doc.paths['/v1/reports/cost']!.get!;
      expect(report.parameters.map((p) => p.name)).toContain('customer');
      expect(Object.keys(report.responses['200']!.content!)).toEqual(['application/json', 'text/csv']);
    });
  });

  describe('when the typed client calls the app', () => {
    const client = createApiClient({
      baseUrl: 'http://genops.test',
      fetch: async (url, init) => app().request(url, init),
    });

    it('returns answers checked against their schemas', async () => {
      const status = await client.call(ROUTES.putBudget, {
        params: { team: 'typed' },
        body: { period: 'monthly', limitUsd: 25, enforcement: 'hard' },
      });
      expect(status).toMatchObject({
        team: 'typed',
        limitUsd: 25,
        spentUsd: 0,
        state: 'OK',
        exhaustsAt: null,
      });
      expect((await client.call(ROUTES.getBudget, { params: { team: 'typed' } })).enforcement).toBe('hard');
      expect(await client.call(ROUTES.deleteBudget, { params: { team: 'typed' } })).toBeUndefined();
    });

    it('turns an error answer into an ApiError with the field it names', async () => {
      const error = (await client
        .call(ROUTES.putBudget, {
          params: { team: 'typed' },
          body: { period: 'hourly' as 'daily', limitUsd: 1 },
        }) // not a period: the server says so
        .catch((e: unknown) => e)) as ApiError;
      expect(error).toBeInstanceOf(ApiError);
      expect([error.status, error.code, error.field]).toEqual([400, 'INVALID_ARGUMENT', 'period']);
      const missing = (await client
        .call(ROUTES.getBudget, { params: { team: 'nobody' } })
        .catch((e: unknown) => e)) as ApiError;
      expect([missing.status, missing.code, missing.message]).toEqual([
        404,
        'NOT_FOUND',
        'team nobody has no budget',
      ]);
    });

    it('refuses an answer its declaration does not allow', async () => {
      const liar = createApiClient({
        baseUrl: '',
        fetch: async () => new Response(JSON.stringify({ budgets: [{ team: 1 }] }), { status: 200 }),
      });
      const error = await liar.call(ROUTES.listBudgets).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApiResponseError);
      expect((error as Error).message).toMatch(
        /^unexpected answer from GET \/v1\/budgets: budgets\.0\.team: /,
      );
    });

    it('refuses an unknown query parameter, naming it', async () => {
      const res = await app().request('/v1/decisions?colour=blue');
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({
        error: {
          code: 'INVALID_ARGUMENT',
          message: 'colour: unknown query parameter',
          details: { field: 'colour' },
        },
      });
      const limit = await app().request('/v1/reservations?limit=0');
      expect((await limit.json()) as unknown).toEqual({
        error: {
          code: 'INVALID_ARGUMENT',
          message: 'limit: must be a positive integer',
          details: { field: 'limit' },
        },
      });
    });
  });
});
