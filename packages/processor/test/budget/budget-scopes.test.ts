// Budgets of every scope at once: the organisation, a team, a team × model, "each customer" (a template) and one
// customer of its own — admission only when every covering budget admits, counters per scope, templates' counters
// made with the first spend, policies per scope, and the API's scoped routes with team-scoped tokens.
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

const NOW = Date.parse('2026-06-10T12:00:00Z');
let ledger: CostLedger;
let budgets: BudgetService;

beforeEach(async () => {
  ledger = await openLedger(`sqlite:${join(mkdtempSync(join(tmpdir(), 'genops-scopes-')), 'l.db')}`);
  budgets = new BudgetService(ledger, () => NOW);
});

const daily = { period: 'daily', timezone: 'UTC' } as const;
const used = async (key: string) => {
  const s = (await budgets.status(key))!;
  return { spent: s.spentUsd, reserved: s.reservedUsd };
};

describe('budgets of several scopes covering one call', () => {
  beforeEach(async () => {
    await budgets.putScoped({ org: true, ...daily, limitUsd: 1, enforcement: 'hard' });
    await budgets.put('search', { ...daily, limitUsd: 10, enforcement: 'hard' });
    await budgets.putScoped({
      team: 'search',
      model: 'openai/gpt-4o',
      ...daily,
      limitUsd: 0.3,
      enforcement: 'hard',
    });
  });

  it('admits a call only when each admits it, and reserves against all of them or none', async () => {
    const first = await budgets.reserve({ team: 'search', model: 'openai/gpt-4o', estimatedCostUsd: 0.2 });
    expect(first.decision).toBe('ALLOWED');
    expect(first.budgets!.map((b) => [b.key, b.reservedUsd])).toEqual([
      ['org', 0.2],
      ['team=search', 0.2],
      ['team=search&model=openai/gpt-4o', 0.2],
    ]);

    const second = await budgets.reserve({ team: 'search', model: 'openai/gpt-4o', estimatedCostUsd: 0.2 });
    expect(second).toMatchObject({ decision: 'BLOCKED', reasonCode: 'BUDGET_EXCEEDED' });
    expect(second.reason).toMatch(/^team search · model openai\/gpt-4o, daily period /);
    expect(second.budget!.key).toBe('team=search&model=openai/gpt-4o');
    expect(second.reservationId).toBeUndefined();
    // Nothing reserved on the budgets that would have taken it.
    expect(await used('org')).toEqual({ spent: 0, reserved: 0.2 });
    expect(await used('team=search')).toEqual({ spent: 0, reserved: 0.2 });

    // Another model of the team is not under the team × model budget.
    const mini = await budgets.reserve({
      team: 'search',
      model: 'openai/gpt-4o-mini',
      estimatedCostUsd: 0.7,
    });
    expect(mini.decision).toBe('WARNING');
    expect(mini.budgets!.map((b) => b.key)).toEqual(['org', 'team=search']);
    // The organisation's budget is full now: any team's call is blocked, by it.
    const ads = await budgets.reserve({ team: 'ads', model: 'm', estimatedCostUsd: 0.2 });
    expect(ads).toMatchObject({ decision: 'BLOCKED', budget: { key: 'org' } });
    expect(ads.reason).toMatch(/^organisation, daily period /);

    // Settled by their spans, at their actual cost: every covering counter moves, once.
    await ledger.insertEvents([
      event({
        team: 'search',
        model: 'openai/gpt-4o',
        costUsd: 0.15,
        endMs: NOW,
        reservationId: first.reservationId!,
      }),
      event({
        team: 'search',
        model: 'openai/gpt-4o-mini',
        costUsd: 0.5,
        endMs: NOW,
        reservationId: mini.reservationId!,
      }),
    ]);
    expect(await used('org')).toEqual({ spent: 0.65, reserved: 0 });
    expect(await used('team=search')).toEqual({ spent: 0.65, reserved: 0 });
    expect(await used('team=search&model=openai/gpt-4o')).toEqual({ spent: 0.15, reserved: 0 });
    expect((await budgets.recount()).every((r) => r.before.spentNano === r.after.spentNano)).toBe(true);
  });

  it('releases and expires a call’s reservation from each budget it was held against', async () => {
    const held = await budgets.reserve({
      team: 'search',
      model: 'openai/gpt-4o',
      estimatedCostUsd: 0.1,
      ttlSeconds: 60,
    });
    const other = await budgets.reserve({
      team: 'search',
      model: 'openai/gpt-4o',
      estimatedCostUsd: 0.1,
      ttlSeconds: 1,
    });
    await budgets.release(held.reservationId!);
    expect(await used('team=search&model=openai/gpt-4o')).toEqual({ spent: 0, reserved: 0.1 });
    // Five seconds on, the consumer caught up: the one-second reservation has expired.
    expect(await new BudgetService(ledger, () => NOW + 5_000).expire(NOW + 5_000)).toBe(1);
    for (const key of ['org', 'team=search', 'team=search&model=openai/gpt-4o'])
      expect(await used(key), key).toEqual({ spent: 0, reserved: 0 });
    await expect(budgets.release(other.reservationId!)).rejects.toThrow(/no live reservation/);
  });

  it('extends a stream’s reservation only when every budget it is held against can take more', async () => {
    const held = await budgets.reserve({ team: 'search', model: 'openai/gpt-4o', estimatedCostUsd: 0.1 });
    // 0.25 of the team × model's 0.3: past its 80 % threshold, still admitted.
    expect((await budgets.extend(held.reservationId!, { amountUsd: 0.15, ttlSeconds: 60 })).decision).toBe(
      'WARNING',
    );
    const refused = await budgets.extend(held.reservationId!, { amountUsd: 0.1, ttlSeconds: 60 });
    expect(refused).toMatchObject({
      decision: 'BLOCKED',
      budget: { key: 'team=search&model=openai/gpt-4o' },
    });
    expect(await used('org')).toEqual({ spent: 0, reserved: 0.25 });
  });
});

describe('a template: each customer gets 5 USD a day', () => {
  beforeEach(async () => {
    await budgets.putScoped({ customer: '*', ...daily, limitUsd: 5, enforcement: 'hard' });
    await budgets.putScoped({ customer: 'enterprise', ...daily, limitUsd: 500, enforcement: 'soft' });
  });

  it('counts each customer from its first spend, without rows made ahead, nearest the limit listed first', async () => {
    expect(await budgets.templateCounters('customer=*')).toEqual({ count: 0, top: [] });
    await ledger.insertEvents([
      event({ team: 'search', customer: 'acme', costUsd: 4, endMs: NOW - 60_000 }),
      event({ team: 'ads', customer: 'globex', costUsd: 1, endMs: NOW - 60_000 }),
      event({ team: 'ads', customer: 'enterprise', costUsd: 100, endMs: NOW - 60_000 }),
      event({ team: 'ads', costUsd: 9, endMs: NOW - 60_000 }), // no customer: no customer's budget
    ]);
    const counters = (await budgets.templateCounters('customer=*'))!;
    expect(counters.count).toBe(2);
    expect(counters.top.map((c) => [c.key, c.customer, c.template, c.spentUsd, c.limitUsd, c.state])).toEqual(
      [
        ['customer=acme', 'acme', 'customer=*', 4, 5, 'WARNING'],
        ['customer=globex', 'globex', 'customer=*', 1, 5, 'OK'],
      ],
    );
    // The enterprise customer's own budget replaces the template's counter for it.
    expect(await used('customer=enterprise')).toEqual({ spent: 100, reserved: 0 });

    const acme = await budgets.reserve({
      team: 'search',
      customer: 'acme',
      model: 'm',
      estimatedCostUsd: 1.5,
    });
    expect(acme).toMatchObject({
      decision: 'BLOCKED',
      reasonCode: 'BUDGET_EXCEEDED',
      budget: { key: 'customer=acme' },
    });
    expect(acme.reason).toMatch(/^customer acme, daily period .* against a limit of 5 USD$/);
    const globex = await budgets.reserve({
      team: 'search',
      customer: 'globex',
      model: 'm',
      estimatedCostUsd: 1.5,
    });
    expect(globex.decision).toBe('ALLOWED');
    const big = await budgets.reserve({
      team: 'ads',
      customer: 'enterprise',
      model: 'm',
      estimatedCostUsd: 50,
    });
    expect(big).toMatchObject({ decision: 'ALLOWED', budget: { key: 'customer=enterprise' } });
    // A new customer's first call makes its counter.
    const newcomer = await budgets.reserve({
      team: 'ads',
      customer: 'initech',
      model: 'm',
      estimatedCostUsd: 2,
    });
    expect(newcomer).toMatchObject({
      decision: 'ALLOWED',
      budget: { key: 'customer=initech', reservedUsd: 2 },
    });
    expect((await budgets.templateCounters('customer=*'))!.count).toBe(3);
  });

  it('applies a changed template to every customer’s counter, and deleting it removes them', async () => {
    await ledger.insertEvents([event({ team: 'search', customer: 'acme', costUsd: 4, endMs: NOW - 60_000 })]);
    await budgets.putScoped({ customer: '*', ...daily, limitUsd: 10, enforcement: 'hard' });
    expect(await budgets.status('customer=acme')).toMatchObject({ limitUsd: 10, spentUsd: 4, state: 'OK' });
    expect(await budgets.remove('customer=*')).toBe(true);
    expect(await budgets.status('customer=acme')).toBeUndefined();
    expect(await budgets.status('customer=enterprise')).toMatchObject({ limitUsd: 500 });
  });
});

describe('policies per scope', () => {
  it('refuses by any covering budget’s policy, naming it, and caps the call by the tightest', async () => {
    await budgets.putScoped({
      org: true,
      ...daily,
      limitUsd: 100,
      policy: { deniedModels: ['openai/o1*'], maxOutputTokens: 4000 },
    });
    await budgets.putScoped({ customer: '*', ...daily, limitUsd: 5, policy: { maxOutputTokens: 500 } });
    const o1 = await budgets.reserve({ team: 'search', model: 'openai/o1-pro', estimatedCostUsd: 0.01 });
    expect(o1).toMatchObject({
      decision: 'BLOCKED',
      reasonCode: 'MODEL_NOT_ALLOWED',
      reason: "organisation's policy denies model openai/o1-pro (deniedModels: openai/o1*)",
    });
    const capped = await budgets.reserve({
      team: 'search',
      customer: 'acme',
      model: 'm',
      estimatedCostUsd: 0.01,
    });
    expect(capped).toMatchObject({ decision: 'ALLOWED', policy: { maxOutputTokens: 500 } });
    const teamOnly = await budgets.reserve({ team: 'search', model: 'm', estimatedCostUsd: 0.01 });
    expect(teamOnly.policy).toEqual({ deniedModels: ['openai/o1*'], maxOutputTokens: 4000 });
  });
});

describe('the scoped budget routes', () => {
  const request = (
    app: ReturnType<typeof createApp>,
    method: string,
    path: string,
    token: string,
    body?: unknown,
  ) =>
    app.request(path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });

  it('create, read and delete a budget by key; a team-scoped token reaches only its teams’ budgets', async () => {
    const app = createApp({
      ledger,
      budgets,
      metrics: new ProcessorMetrics(),
      apiTokens: ['admin-secret', 'growth-lead:read+manage@growth'],
      kafkaReady: async () => {},
      now: () => NOW,
    });
    const key = encodeURIComponent('team=growth&model=openai/gpt-4o');
    const made = await request(app, 'PUT', `/v1/budget-scopes/${key}`, 'growth-lead', {
      ...daily,
      limitUsd: 3,
    });
    expect(made.status).toBe(200);
    expect(await made.json()).toMatchObject({
      key: 'team=growth&model=openai/gpt-4o',
      team: 'growth',
      model: 'openai/gpt-4o',
    });
    const org = await request(app, 'PUT', '/v1/budget-scopes/org', 'growth-lead', { ...daily, limitUsd: 3 });
    expect([org.status, ((await org.json()) as { error: { message: string } }).error.message]).toEqual([
      403,
      "this token (token 2) is scoped to growth: the budget of organisation is not one of its teams'",
    ]);
    expect(
      (await request(app, 'PUT', '/v1/budget-scopes/org', 'admin-secret', { ...daily, limitUsd: 30 })).status,
    ).toBe(200);
    const mismatch = await request(app, 'PUT', `/v1/budget-scopes/${key}`, 'admin-secret', {
      ...daily,
      limitUsd: 3,
      team: 'ads',
    });
    expect(mismatch.status).toBe(400);
    expect(await mismatch.json()).toMatchObject({
      error: {
        code: 'INVALID_ARGUMENT',
        message: "(body): names the scope team=ads, not the path's team=growth&model=openai/gpt-4o",
      },
    });
    const bad = await request(app, 'GET', '/v1/budget-scopes/colour%3Dred', 'admin-secret');
    expect(bad.status).toBe(400);
    const listed = async (token: string) =>
      (
        (await (await request(app, 'GET', '/v1/budgets', token)).json()) as { budgets: { key: string }[] }
      ).budgets.map((b) => b.key);
    expect(await listed('admin-secret')).toEqual(['org', 'team=growth&model=openai/gpt-4o']);
    expect(await listed('growth-lead')).toEqual(['team=growth&model=openai/gpt-4o']);
    expect((await request(app, 'DELETE', `/v1/budget-scopes/${key}`, 'growth-lead')).status).toBe(204);
    expect((await request(app, 'GET', `/v1/budget-scopes/${key}`, 'admin-secret')).status).toBe(404);
  });
});
