import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { createApiClient, ROUTES, type ApiError } from '../../src/api/index.js';
import { BudgetAlerter, type BudgetAlert } from '../../src/budget/budget-alerter.js';
import { BudgetService } from '../../src/budget/budget-service.js';
import { DecisionLog } from '../../src/enforcement/decision-log.js';
import { createApp } from '../../src/http/app.js';
import type { CostLedger } from '../../src/ledger/cost-ledger.js';
import { openLedger } from '../../src/ledger/open-ledger.js';
import { ProcessorMetrics } from '../../src/metrics.js';
import { event } from '../support/ledger-contract.js';
import { teamKey } from '../../src/budget/budget-scope.js';

const NOW = Date.parse('2026-03-10T12:00:00Z');
let ledger: CostLedger;
let budgets: BudgetService;
let decisions: DecisionLog;
let app: ReturnType<typeof createApp>;

beforeEach(async () => {
  ledger = await openLedger(`sqlite:${join(mkdtempSync(join(tmpdir(), 'genops-enf-')), 'l.db')}`);
  decisions = new DecisionLog(3);
  budgets = new BudgetService(
    ledger,
    () => NOW,
    (e) => decisions.record(e),
  );
  app = createApp({
    ledger,
    budgets,
    decisions,
    metrics: new ProcessorMetrics(),
    apiTokens: ['root', 'growth-reader:read@growth'],
    kafkaReady: async () => {},
    now: () => NOW,
  });
});

const clientFor = (token: string) =>
  createApiClient({
    baseUrl: 'http://genops.test',
    token,
    fetch: async (url, init) => app.request(url, init),
  });

describe('enforcement views', () => {
  describe('when calls are admitted and blocked', () => {
    beforeEach(async () => {
      const root = clientFor('root');
      await root.call(ROUTES.putBudget, {
        params: { team: 'growth' },
        body: { period: 'daily', limitUsd: 1, enforcement: 'hard' },
      });
      await root.call(ROUTES.putBudget, {
        params: { team: 'search' },
        body: { period: 'daily', limitUsd: 5, enforcement: 'hard' },
      });
      for (const [team, model, usd] of [
        ['growth', 'openai/gpt-4o', 0.6],
        ['search', 'deepseek/deepseek-chat', 0.25],
        ['growth', 'openai/gpt-4o', 0.6],
        ['growth', 'anthropic/claude-sonnet-4.5', 0.3],
      ] as const)
        await root.call(ROUTES.createReservation, { body: { team, model, estimatedCostUsd: usd } });
    });

    it('lists the reservations in flight, oldest first, with model and amount', async () => {
      const live = await clientFor('root').call(ROUTES.listReservations);
      expect(live.total).toBe(3);
      const rows = live.reservations.map((r) => [r.team, r.model, r.amountUsd, r.createdAt, r.expiresAt]);
      // Same creation time: the order among them is by id, so compare sorted by team and amount.
      expect(
        rows.sort((a, b) => String(a[0]).localeCompare(String(b[0])) || Number(a[2]) - Number(b[2])),
      ).toEqual([
        [
          'growth',
          'anthropic/claude-sonnet-4.5',
          0.3,
          '2026-03-10T12:00:00.000Z',
          '2026-03-10T12:05:00.000Z',
        ],
        ['growth', 'openai/gpt-4o', 0.6, '2026-03-10T12:00:00.000Z', '2026-03-10T12:05:00.000Z'],
        ['search', 'deepseek/deepseek-chat', 0.25, '2026-03-10T12:00:00.000Z', '2026-03-10T12:05:00.000Z'],
      ]);
    });

    it('keeps the newest decisions, the blocked one with its reason code and numbers', async () => {
      const log = await clientFor('root').call(ROUTES.listDecisions);
      expect(log.capacity).toBe(3);
      expect(
        log.decisions.map((d) => [d.team, d.decision, d.reasonCode ?? null, d.estimatedCostUsd]),
      ).toEqual([
        ['growth', 'WARNING', 'THRESHOLD_CROSSED', 0.3],
        ['growth', 'BLOCKED', 'BUDGET_EXCEEDED', 0.6],
        ['search', 'ALLOWED', null, 0.25],
      ]);
      const blocked = await clientFor('root').call(ROUTES.listDecisions, { query: { decision: 'BLOCKED' } });
      expect(blocked.decisions).toHaveLength(1);
      expect(blocked.decisions[0]!.reason).toBe(
        'team growth, daily period 2026-03-10T00:00:00.000Z–2026-03-11T00:00:00.000Z: spent 0 + reserved 0.6 + estimate 0.6 = 1.2 USD against a limit of 1 USD',
      );
      expect(blocked.decisions[0]!.reservationId).toBeUndefined();
    });

    it('shows a team-scoped token only its team, and refuses another team', async () => {
      const reader = clientFor('growth-reader');
      expect((await reader.call(ROUTES.listReservations)).reservations.map((r) => r.team)).toEqual([
        'growth',
        'growth',
      ]);
      expect((await reader.call(ROUTES.listDecisions)).decisions.map((d) => d.team)).toEqual([
        'growth',
        'growth',
      ]);
      const refused = (await reader
        .call(ROUTES.listReservations, { query: { team: 'search' } })
        .catch((e: unknown) => e)) as ApiError;
      expect([refused.status, refused.code]).toEqual([403, 'FORBIDDEN']);
      expect((await reader.call(ROUTES.listBudgets)).budgets.map((b) => b.team)).toEqual(['growth']);
      const edit = (await reader
        .call(ROUTES.putBudget, { params: { team: 'growth' }, body: { period: 'daily', limitUsd: 9 } })
        .catch((e: unknown) => e)) as ApiError;
      expect([edit.status, edit.message]).toEqual([403, 'this token (token 2) lacks the manage role']);
    });
  });

  describe('when a streamed call outgrows its reservation', () => {
    it('extends it while the hard budget can take more, then refuses (BLOCKED), changing nothing', async () => {
      const root = clientFor('root');
      await root.call(ROUTES.putBudget, {
        params: { team: 'growth' },
        body: { period: 'daily', limitUsd: 1, enforcement: 'hard' },
      });
      const { reservationId } = await root.call(ROUTES.createReservation, {
        body: { team: 'growth', model: 'openai/gpt-4o', estimatedCostUsd: 0.6 },
      });
      const more = await root.call(ROUTES.extendReservation, {
        params: { id: reservationId! },
        body: { amountUsd: 0.3 },
      });
      // Admitted; past the budget's first threshold (0.8), so with a warning.
      expect([more.decision, more.reasonCode, more.reservationId, more.budget!.reservedUsd]).toEqual([
        'WARNING',
        'THRESHOLD_CROSSED',
        reservationId,
        0.9,
      ]);
      const refused = await root.call(ROUTES.extendReservation, {
        params: { id: reservationId! },
        body: { amountUsd: 0.2 },
      });
      expect([refused.decision, refused.reasonCode, refused.budget!.reservedUsd]).toEqual([
        'BLOCKED',
        'BUDGET_EXCEEDED',
        0.9,
      ]);
      const live = await root.call(ROUTES.listReservations);
      expect(live.reservations.map((r) => [r.id, r.amountUsd])).toEqual([[reservationId, 0.9]]);
      // The span settles the whole reservation.
      await ledger.insertEvents([event({ team: 'growth', costUsd: 0.85, endMs: NOW, reservationId })]);
      const after = await root.call(ROUTES.getBudget, { params: { team: 'growth' } });
      expect([after.spentUsd, after.reservedUsd]).toEqual([0.85, 0]);
    });

    it('answers 404 for a reservation that is not live, and 400 naming a bad amount', async () => {
      const root = clientFor('root');
      const missing = (await root
        .call(ROUTES.extendReservation, { params: { id: 'nope' }, body: { amountUsd: 0.1 } })
        .catch((e: unknown) => e)) as ApiError;
      expect([missing.status, missing.code]).toEqual([404, 'NOT_FOUND']);
      const response = await app.request('http://genops.test/v1/reservations/nope/extend', {
        method: 'POST',
        headers: { authorization: 'Bearer root', 'content-type': 'application/json' },
        body: JSON.stringify({ amountUsd: 0 }),
      });
      expect(response.status).toBe(400);
      const body = (await response.json()) as { error: { details: { field: string } } };
      expect(body.error.details.field).toBe('amountUsd');
    });
  });

  describe('when a budget alert fires and is delivered', () => {
    it('keeps its history: threshold, time, and the sinks that received it', async () => {
      await budgets.put('growth', { period: 'daily', limitUsd: 1 });
      await ledger.insertEvents([event({ team: 'growth', costUsd: 0.85, endMs: NOW - 60_000 })]);
      const got: BudgetAlert[] = [];
      const alerter = new BudgetAlerter(
        budgets,
        ledger,
        [
          { name: 'log', send: async (a) => void got.push(a) },
          { name: 'webhook', send: async () => Promise.reject(new Error('down')) },
        ],
        () => {},
        () => NOW,
      );
      await alerter.check([teamKey('growth')]);
      await alerter.dispatch();
      expect(got.map((a) => a.kind)).toEqual(['threshold', 'forecast']);
      const history = await clientFor('growth-reader').call(ROUTES.getBudgetAlerts, {
        params: { team: 'growth' },
      });
      expect(history).toEqual({
        budget: 'team=growth',
        team: 'growth',
        alerts: [
          {
            periodStart: '2026-03-10T00:00:00.000Z',
            key: 'forecast',
            firedAt: '2026-03-10T12:00:00.000Z',
            sinks: ['log', 'webhook'],
            delivered: ['log'],
          },
          {
            periodStart: '2026-03-10T00:00:00.000Z',
            key: 'threshold:0.8',
            firedAt: '2026-03-10T12:00:00.000Z',
            sinks: ['log', 'webhook'],
            delivered: ['log'],
          },
        ],
      });
    });
  });
});
