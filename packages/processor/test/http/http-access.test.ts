// Every route's access: tokens with roles and team scopes, /metrics behind a token, probes open.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BudgetService } from '../../src/budget/budget-service.js';
import { createApp } from '../../src/http/app.js';
import { loadConfig } from '../../src/config.js';
import { openLedger } from '../../src/ledger/open-ledger.js';
import { ProcessorMetrics } from '../../src/metrics.js';
import { event } from '../support/ledger-contract.js';

const NOW = Date.parse('2026-11-30T12:00:00Z');
let app: ReturnType<typeof createApp>;
let searchReservation: string;

beforeAll(async () => {
  const ledger = await openLedger(`sqlite:${join(mkdtempSync(join(tmpdir(), 'genops-access-')), 'l.db')}`);
  const budgets = new BudgetService(ledger, () => NOW);
  for (const team of ['growth', 'search'])
    await budgets.put(team, { period: 'daily', limitUsd: 10, enforcement: 'hard' });
  await ledger.insertEvents([
    event({ team: 'growth', costUsd: 0.25, endMs: NOW - 60_000 }),
    event({ team: 'search', costUsd: 0.5, endMs: NOW - 60_000 }),
  ]);
  searchReservation = (await budgets.reserve({ team: 'search', model: 'm', estimatedCostUsd: 0.1 }))
    .reservationId!;
  app = createApp({
    ledger,
    budgets,
    metrics: new ProcessorMetrics(),
    apiTokens: [
      'admin-secret',
      'reader:read@growth',
      'manager:read+manage@growth',
      'reserver:reserve@growth',
      'scraper:metrics',
      'wide:read@growth+search',
    ],
    metricsAuth: 'token',
    kafkaReady: async () => {},
    now: () => NOW,
  });
});

const call = (method: string, path: string, token?: string, body?: unknown) =>
  app.request(path, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });

const budget = { period: 'daily', limitUsd: 20, enforcement: 'hard' };
const reservation = (team: string) => ({ team, model: 'm', estimatedCostUsd: 0.01 });

describe('HTTP API access', () => {
  it.each([
    // method, path, token, body, status
    ['GET', '/healthz', undefined, undefined, 200],
    ['GET', '/readyz', undefined, undefined, 200],
    ['GET', '/openapi.json', undefined, undefined, 200],
    ['GET', '/metrics', undefined, undefined, 401],
    ['GET', '/metrics', 'reader', undefined, 403],
    ['GET', '/metrics', 'scraper', undefined, 200],
    ['GET', '/metrics', 'admin-secret', undefined, 200],
    ['GET', '/v1/reports/cost', undefined, undefined, 401],
    ['GET', '/v1/reports/cost', 'not-a-token', undefined, 401],
    ['GET', '/v1/reports/cost', 'admin-secret', undefined, 200],
    ['GET', '/v1/reports/cost', 'reader', undefined, 200],
    ['GET', '/v1/reports/cost?team=search', 'reader', undefined, 403],
    ['GET', '/v1/reports/cost', 'reserver', undefined, 403],
    ['GET', '/v1/reports/cost', 'wide', undefined, 403],
    ['GET', '/v1/reports/cost?team=search', 'wide', undefined, 200],
    ['GET', '/v1/reports/providers', 'reader', undefined, 200],
    ['GET', '/v1/reports/providers', 'scraper', undefined, 403],
    ['GET', '/v1/budgets', 'reader', undefined, 200],
    ['GET', '/v1/budgets', 'reserver', undefined, 403],
    ['GET', '/v1/budgets/growth', 'reader', undefined, 200],
    ['GET', '/v1/budgets/search', 'reader', undefined, 403],
    ['PUT', '/v1/budgets/growth', 'reader', budget, 403],
    ['PUT', '/v1/budgets/growth', 'manager', budget, 200],
    ['PUT', '/v1/budgets/search', 'manager', budget, 403],
    ['DELETE', '/v1/budgets/search', 'manager', undefined, 403],
    ['POST', '/v1/reservations', 'reserver', reservation('growth'), 200],
    ['POST', '/v1/reservations', 'reserver', reservation('search'), 403],
    ['POST', '/v1/reservations', 'reader', reservation('growth'), 403],
    ['POST', '/v1/reservations', 'admin-secret', reservation('search'), 200],
  ] as const)('%s %s with token %s → %i', async (method, path, token, body, status) => {
    const res = await call(method, path, token, body);
    expect(res.status).toBe(status);
    if (status === 403)
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');
  });

  describe('when a token is scoped to a team', () => {
    it('sees only that team in reports and budget lists', async () => {
      const report = (await (await call('GET', '/v1/reports/cost?groupBy=team', 'reader')).json()) as {
        groups: { key: { team: string } }[];
      };
      expect(report.groups.map((g) => g.key.team)).toEqual(['growth']);
      const list = (await (await call('GET', '/v1/budgets', 'reader')).json()) as {
        budgets: { team: string }[];
      };
      expect(list.budgets.map((b) => b.team)).toEqual(['growth']);
    });

    it('cannot release another team’s reservation, nor learn that it exists', async () => {
      const denied = await call('DELETE', `/v1/reservations/${searchReservation}`, 'reserver');
      expect(denied.status).toBe(404);
      expect(((await denied.json()) as { error: { message: string } }).error.message).toBe(
        `no live reservation ${searchReservation}`,
      );
      expect((await call('DELETE', `/v1/reservations/${searchReservation}`, 'admin-secret')).status).toBe(
        204,
      );
    });

    it('names the missing role or the team it is scoped to', async () => {
      const role = await call('PUT', '/v1/budgets/growth', 'reader', budget);
      expect(((await role.json()) as { error: { message: string } }).error.message).toBe(
        'this token (token 2) lacks the manage role',
      );
      const team = await call('GET', '/v1/budgets/search', 'reader');
      expect(((await team.json()) as { error: { message: string } }).error.message).toBe(
        'this token (token 2) is scoped to growth, not team search',
      );
    });
  });

  describe('when tokens come from a tokens file', () => {
    it('reads each secret from the environment variable it names, never from the file', () => {
      const path = join(mkdtempSync(join(tmpdir(), 'genops-tokens-')), 'tokens.yaml');
      writeFileSync(
        path,
        'tokens:\n  - name: growth-service\n    secretEnv: GROWTH_TOKEN\n    roles: [reserve]\n    teams: [growth]\n',
      );
      const [token] = loadConfig({ GENOPS_API_TOKENS_FILE: path, GROWTH_TOKEN: 's3cret' }).apiTokens;
      expect(token).toEqual({
        name: 'growth-service',
        secret: 's3cret',
        roles: new Set(['reserve']),
        teams: new Set(['growth']),
      });
      expect(() => loadConfig({ GENOPS_API_TOKENS_FILE: path })).toThrow(
        `${path}: tokens.0.secretEnv: GROWTH_TOKEN is not set`,
      );
      writeFileSync(path, 'tokens:\n  - name: x\n    secretEnv: X\n    roles: [root]\n');
      expect(() => loadConfig({ GENOPS_API_TOKENS_FILE: path, X: 'x' })).toThrow(
        `${path}: tokens.0.roles.0: `,
      );
    });
  });
});
