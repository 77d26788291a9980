import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { BudgetService } from '../../src/budget/budget-service.js';
import { createApp } from '../../src/http/app.js';
import { openLedger } from '../../src/ledger/open-ledger.js';
import { ProcessorMetrics } from '../../src/metrics.js';
import type { CostLedger } from '../../src/ledger/cost-ledger.js';
import { event } from '../support/ledger-contract.js';
import { teamKey } from '../../src/budget/budget-scope.js';

let ledger: CostLedger;
let now: number;
let budgets: BudgetService;

beforeEach(async () => {
  ledger = await openLedger(`sqlite:${join(mkdtempSync(join(tmpdir(), 'genops-budget-')), 'l.db')}`);
  now = Date.parse('2026-01-15T22:30:00Z');
  budgets = new BudgetService(ledger, () => now);
});

const reserve = (team: string, estimatedCostUsd: number, ttlSeconds?: number) =>
  budgets.reserve({
    team,
    model: 'deepseek/deepseek-chat',
    estimatedCostUsd,
    ...(ttlSeconds ? { ttlSeconds } : {}),
  });

describe('BudgetService', () => {
  describe('when a hard daily budget fits exactly ten calls', () => {
    it('admits exactly 10 of 50 reservations sent at once through the HTTP API (one process)', async () => {
      await budgets.put('search', {
        period: 'daily',
        limitUsd: 1,
        enforcement: 'hard',
        timezone: 'Europe/Berlin',
      });
      const app = createApp({
        ledger,
        budgets,
        metrics: new ProcessorMetrics(),
        apiTokens: [],
        kafkaReady: async () => {},
      });
      const responses = await Promise.all(
        Array.from({ length: 50 }, () =>
          app.request('/v1/reservations', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ team: 'search', model: 'deepseek/deepseek-chat', estimatedCostUsd: 0.1 }),
          }),
        ),
      );
      const decisions = await Promise.all(
        responses.map(async (r) => ((await r.json()) as { decision: string }).decision),
      );
      expect(decisions.filter((d) => d !== 'BLOCKED')).toHaveLength(10);
      expect(decisions.filter((d) => d === 'BLOCKED')).toHaveLength(40);
      expect(await budgets.status(teamKey('search'))).toMatchObject({
        reservedUsd: 1,
        spentUsd: 0,
        state: 'OK',
      });
    });
  });

  describe('when reserved calls settle at their actual cost', () => {
    it('never lets recorded spend exceed the limit by more than the estimates’ error', async () => {
      await budgets.put('search', { period: 'daily', limitUsd: 1, enforcement: 'hard' });
      const admitted = (await Promise.all(Array.from({ length: 30 }, () => reserve('search', 0.1)))).filter(
        (r) => r.reservationId,
      );
      expect(admitted).toHaveLength(10);
      // Actual costs come in under the estimates (0.07-0.10); each settles its reservation.
      await ledger.insertEvents(
        admitted.map((r, i) => ({
          ...event({ team: 'search', costUsd: 0.07 + (i % 4) * 0.01, endMs: now }),
          reservationId: r.reservationId!,
        })),
      );
      const status = (await budgets.status(teamKey('search')))!;
      expect(status.reservedUsd).toBe(0);
      expect(status.spentUsd).toBeLessThanOrEqual(1);
      expect(status.spentUsd).toBe(0.83);
      // The room freed by settling below the estimates is admitted again.
      expect((await reserve('search', 0.1)).decision).not.toBe('BLOCKED');
    });
  });

  describe('when the cost span carrying the reservation arrives', () => {
    it('settles it: reserved becomes actual spend', async () => {
      await budgets.put('search', { period: 'daily', limitUsd: 1, enforcement: 'hard' });
      const r = await reserve('search', 0.3);
      expect(r).toMatchObject({ decision: 'ALLOWED', budget: { reservedUsd: 0.3 } });
      await ledger.insertEvents([
        { ...event({ team: 'search', costUsd: 0.25, endMs: now }), reservationId: r.reservationId! },
      ]);
      expect(await budgets.status(teamKey('search'))).toMatchObject({
        spentUsd: 0.25,
        reservedUsd: 0,
        utilization: 0.25,
      });
    });
  });

  describe('when a reservation leaks', () => {
    it('is released by its TTL once the consumer has caught up past the expiry', async () => {
      await budgets.put('search', { period: 'daily', limitUsd: 1, enforcement: 'hard' });
      await reserve('search', 0.9, 60);
      expect((await reserve('search', 0.2)).decision).toBe('BLOCKED');
      now += 61_000;
      expect(await budgets.expire(now)).toBe(1);
      expect((await reserve('search', 0.2)).decision).toBe('ALLOWED');
      expect(await ledger.reservationCount()).toBe(1);
    });

    it('sweeps many in steps, each from the expiry the one before reached, and releases every one once', async () => {
      await budgets.put('search', { period: 'daily', limitUsd: 1, enforcement: 'hard' });
      // 150 calls, one a millisecond, each held for a minute: 150 rows, three steps of 64.
      const start = now;
      for (let i = 0; i < 150; i++, now++) await reserve('search', 0.001, 60);
      const steps: [number | undefined, Awaited<ReturnType<CostLedger['expireReservations']>>][] = [];
      const expireReservations = ledger.expireReservations.bind(ledger);
      ledger.expireReservations = async (untilMs, limit, fromMs) => {
        const step = await expireReservations(untilMs, limit, fromMs);
        steps.push([fromMs, step]);
        return step;
      };
      now = start + 60_000 + 149;
      expect(await budgets.expire(now)).toBe(150);
      const first = start + 60_000;
      expect(steps).toEqual([
        [0, { calls: 64, reachedMs: first + 63 }],
        [first + 63, { calls: 64, reachedMs: first + 127 }],
        [first + 127, { calls: 22, reachedMs: first + 149 }],
        [first + 149, { calls: 0 }],
      ]);
      expect(await budgets.status(teamKey('search'))).toMatchObject({ reservedUsd: 0 });
      expect(await ledger.reservationCount()).toBe(0);
    });

    it('starts a sweep where the last one ended, and from the first expiry every 30 s for rows passed over', async () => {
      await budgets.put('search', { period: 'daily', limitUsd: 1, enforcement: 'hard' });
      await reserve('search', 0.1, 60);
      const froms: number[] = [];
      const anyExpired = ledger.anyExpired.bind(ledger);
      ledger.anyExpired = async (untilMs, fromMs) => {
        froms.push(fromMs ?? 0);
        return anyExpired(untilMs, fromMs);
      };
      now += 61_000;
      const firstSweep = now;
      expect(await budgets.expire(now)).toBe(1);
      // A call held by a host whose clock is five minutes behind: it expires before where that sweep ended.
      now -= 300_000;
      await reserve('search', 0.2, 60);
      now += 300_000 + 1_000;
      expect(await budgets.expire(now)).toBe(0);
      expect(await budgets.status(teamKey('search'))).toMatchObject({ reservedUsd: 0.2 });
      now = firstSweep + 30_000;
      expect(await budgets.expire(now)).toBe(1);
      expect(froms).toEqual([0, firstSweep, 0]);
      expect(await budgets.status(teamKey('search'))).toMatchObject({ reservedUsd: 0 });
    });

    it('keeps counting an expired reservation while the consumer lags, so a late span is not over-admitted', async () => {
      await budgets.put('search', { period: 'daily', limitUsd: 1, enforcement: 'hard' });
      const r = await reserve('search', 0.9, 60);
      const reservedAt = now;
      now += 10 * 60_000;
      // The consumer was last caught up before the reservation expired: its span may still be in Kafka.
      expect(await budgets.expire(reservedAt + 30_000)).toBe(0);
      expect((await reserve('search', 0.2)).decision).toBe('BLOCKED');
      // The span arrives late and settles the reservation at its real cost.
      await ledger.insertEvents([
        {
          ...event({ team: 'search', costUsd: 0.85, endMs: reservedAt + 20_000 }),
          reservationId: r.reservationId!,
        },
      ]);
      expect(await budgets.status(teamKey('search'))).toMatchObject({ spentUsd: 0.85, reservedUsd: 0 });
      expect((await reserve('search', 0.2)).decision).toBe('BLOCKED');
      expect((await reserve('search', 0.15)).decision).toBe('WARNING');
    });

    it('can be released explicitly', async () => {
      await budgets.put('search', { period: 'daily', limitUsd: 1, enforcement: 'hard' });
      const r = await reserve('search', 0.9);
      await budgets.release(r.reservationId!);
      expect((await budgets.status(teamKey('search')))!.reservedUsd).toBe(0);
      await expect(budgets.release(r.reservationId!)).rejects.toThrow(
        `no live reservation ${r.reservationId}`,
      );
    });
  });

  describe('when the period rolls over at the time zone’s midnight', () => {
    it('starts the new period at zero', async () => {
      await budgets.put('eu', {
        period: 'daily',
        limitUsd: 1,
        enforcement: 'hard',
        timezone: 'Europe/Berlin',
      });
      await ledger.insertEvents([event({ team: 'eu', costUsd: 0.95, endMs: now })]); // 23:30 Berlin
      expect((await reserve('eu', 0.1)).decision).toBe('BLOCKED');
      now = Date.parse('2026-01-15T23:00:00Z'); // 00:00 Berlin
      const after = await reserve('eu', 0.1);
      expect(after.decision).toBe('ALLOWED');
      expect(after.budget).toMatchObject({
        spentUsd: 0,
        periodStart: '2026-01-15T23:00:00.000Z',
        resetsInSeconds: 86_400,
      });
    });

    it('never carries old spend into a new window when the period changes', async () => {
      await budgets.put('eu', { period: 'monthly', limitUsd: 10 });
      await ledger.insertEvents([
        event({ team: 'eu', costUsd: 4, endMs: Date.parse('2026-01-02T00:00:00Z') }),
      ]);
      expect((await budgets.status(teamKey('eu')))!.spentUsd).toBe(4);
      await budgets.put('eu', { period: 'rolling', window: '6h', limitUsd: 10 });
      expect((await budgets.status(teamKey('eu')))!.spentUsd).toBe(0);
    });
  });

  describe('status', () => {
    it('reports utilisation, state and a linear forecast', async () => {
      now = Date.parse('2026-01-10T12:00:00Z');
      await budgets.put('ops', { period: 'daily', limitUsd: 10 });
      await ledger.insertEvents([event({ team: 'ops', costUsd: 4.5, endMs: now - 1000 })]);
      expect(await budgets.status(teamKey('ops'))).toEqual({
        team: 'ops',
        key: 'team=ops',
        period: 'daily',
        timezone: 'UTC',
        limitUsd: 10,
        thresholds: [0.8, 0.9, 0.95, 1],
        enforcement: 'soft',
        spentUsd: 4.5,
        reservedUsd: 0,
        utilization: 0.45,
        periodStart: '2026-01-10T00:00:00.000Z',
        periodEnd: '2026-01-11T00:00:00.000Z',
        resetsInSeconds: 43_200,
        forecastUsd: 9,
        exhaustsAt: null,
        overshootUsd: 0,
        state: 'OK',
      });
    });

    it('reports what a hard budget passed its limit by, and nothing for a soft one over its limit', async () => {
      now = Date.parse('2026-01-10T12:00:00Z');
      await budgets.put('hardline', { period: 'daily', limitUsd: 1, enforcement: 'hard' });
      await budgets.put('softline', { period: 'daily', limitUsd: 1 });
      await ledger.insertEvents([
        event({ team: 'hardline', costUsd: 1.000000007, endMs: now - 1000 }),
        event({ team: 'softline', costUsd: 3, endMs: now - 1000 }),
      ]);
      expect((await budgets.status(teamKey('hardline')))!.overshootUsd).toBe(0.000000007);
      expect((await budgets.status(teamKey('softline')))!.overshootUsd).toBe(0);
    });
  });

  describe('bad input', () => {
    it('names the field', async () => {
      await expect(budgets.put('x', { period: 'hourly', limitUsd: 1 })).rejects.toThrow(/^period: /);
      await expect(reserve('x', -1)).rejects.toThrow(/^estimatedCostUsd: /);
      await expect(budgets.put('x', { team: 'y', period: 'daily', limitUsd: 1 })).rejects.toThrow(
        'team: must match the path (x)',
      );
    });
  });

  describe('when budgets come from a budgets file', () => {
    const spec = (team: string, limitUsd: number) => ({
      team,
      period: 'daily' as const,
      timezone: 'UTC',
      limitUsd,
      thresholds: [0.8],
      enforcement: 'hard' as const,
    });
    const api = () =>
      createApp({
        ledger,
        budgets,
        metrics: new ProcessorMetrics(),
        apiTokens: [],
        kafkaReady: async () => {},
      });

    it('refuses to change or delete them through the API (409 naming the file), never undoing either silently', async () => {
      await budgets.applyFile('/etc/genops/budgets.yaml', [spec('search', 5)]);
      const put = await api().request('/v1/budgets/search', {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ period: 'daily', limitUsd: 50 }),
      });
      expect(put.status).toBe(409);
      expect(await put.json()).toEqual({
        error: {
          code: 'MANAGED_BY_FILE',
          message:
            'the budget of team search is managed by the budgets file /etc/genops/budgets.yaml (GENOPS_BUDGETS_FILE): change it there, or remove it from the file to manage it through the API',
          details: { file: '/etc/genops/budgets.yaml' },
        },
      });
      const del = await api().request('/v1/budgets/search', { method: 'DELETE' });
      expect(del.status).toBe(409);
      expect((await budgets.status(teamKey('search')))!.limitUsd).toBe(5);
    });

    it('applies the file declaratively: what it names is stored, what it dropped is removed, API budgets stay', async () => {
      await budgets.put('growth', { period: 'daily', limitUsd: 1 }); // through the API
      await budgets.put('ads', { period: 'daily', limitUsd: 2 }); // through the API
      expect(await budgets.applyFile('/b.yaml', [spec('search', 5), spec('support', 3)])).toEqual({
        takenOver: [],
        removed: [],
      });
      // The file now also names ads (taken over) and no longer names support (removed).
      expect(await budgets.applyFile('/b.yaml', [spec('search', 6), spec('ads', 4)])).toEqual({
        takenOver: ['team=ads'],
        removed: ['team=support'],
      });
      expect((await budgets.list()).map((b) => [b.team, b.limitUsd])).toEqual([
        ['ads', 4],
        ['growth', 1],
        ['search', 6],
      ]);
      expect((await api().request('/v1/budgets/growth', { method: 'DELETE' })).status).toBe(204);
    });
  });
});
