// A budget's policy: which models a team's calls may use, how dear one call may be, how long its answer — applied
// before anything is reserved, whatever the budget's enforcement, with its own reason codes.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PriceCatalog } from '@genops/pricing';
import { beforeEach, describe, expect, it } from 'vitest';
import { refusal } from '../../src/budget/budget-policy.js';
import { BudgetService } from '../../src/budget/budget-service.js';
import { canonicalModel } from '../../src/decode/ingest-pricing.js';
import type { DecisionEntry } from '../../src/enforcement/decision-log.js';
import { openLedger } from '../../src/ledger/open-ledger.js';
import type { CostLedger } from '../../src/ledger/cost-ledger.js';
import { teamKey } from '../../src/budget/budget-scope.js';

describe('refusal', () => {
  const call = (model: string, estimateNano = 1_000n, catalogModel?: string) => ({
    budget: 'team search',
    model,
    estimateNano,
    ...(catalogModel ? { catalogModel } : {}),
  });

  it('allows what an allowed glob matches, `*` crossing the vendor’s slash', () => {
    const policy = { allowedModels: ['openai/*', '*/llama-3*'] };
    expect(refusal(policy, call('openai/gpt-4o-mini'))).toBeUndefined();
    expect(refusal(policy, call('meta-llama/llama-3.3-70b-instruct'))).toBeUndefined();
    expect(refusal(policy, call('anthropic/claude-sonnet-4.5'))).toEqual({
      reasonCode: 'MODEL_NOT_ALLOWED',
      reason: "team search's policy allows only openai/*, */llama-3*: not model anthropic/claude-sonnet-4.5",
    });
  });

  it('lets a denial win over an allowance', () => {
    const policy = { allowedModels: ['openai/*'], deniedModels: ['openai/o1*'] };
    expect(refusal(policy, call('openai/o1-pro'))).toEqual({
      reasonCode: 'MODEL_NOT_ALLOWED',
      reason: "team search's policy denies model openai/o1-pro (deniedModels: openai/o1*)",
    });
  });

  it('matches the name as sent or as the catalog names it', () => {
    const policy = { deniedModels: ['anthropic/claude-opus-*'] };
    expect(
      refusal(policy, call('claude-opus-4-1-20250805', 1_000n, 'anthropic/claude-opus-4.1')),
    ).toMatchObject({
      reasonCode: 'MODEL_NOT_ALLOWED',
      reason: expect.stringContaining('claude-opus-4-1-20250805 (anthropic/claude-opus-4.1)'),
    });
  });

  it('refuses a call estimated above the maximum, and takes one at it', () => {
    const policy = { maxCallCostUsd: 0.05 };
    expect(refusal(policy, call('openai/gpt-4o', 50_000_000n))).toBeUndefined();
    expect(refusal(policy, call('openai/gpt-4o', 50_000_001n))).toEqual({
      reasonCode: 'CALL_TOO_EXPENSIVE',
      reason:
        "team search's policy allows a call up to 0.05 USD: this one is estimated at 0.050000001 USD (cap its output to fit)",
    });
  });
});

describe('BudgetService with policies', () => {
  let ledger: CostLedger;
  let budgets: BudgetService;
  let now: number;
  const decisions: DecisionEntry[] = [];
  const catalog = PriceCatalog.bundled();

  beforeEach(async () => {
    ledger = await openLedger(`sqlite:${join(mkdtempSync(join(tmpdir(), 'genops-policy-')), 'l.db')}`);
    now = Date.parse('2026-01-15T10:00:00Z');
    decisions.length = 0;
    budgets = new BudgetService(
      ledger,
      () => now,
      (entry) => decisions.push(entry),
      { catalogModel: (name) => canonicalModel(catalog, name).model },
    );
  });

  const reserve = (team: string, model: string, estimatedCostUsd = 0.01) =>
    budgets.reserve({ team, model, estimatedCostUsd });

  it('blocks a model the policy does not allow — under a soft budget too — and logs why, reserving nothing', async () => {
    await budgets.put('search', {
      period: 'daily',
      limitUsd: 10,
      enforcement: 'soft',
      policy: { allowedModels: ['openai/*'] },
    });
    const answer = await reserve('search', 'claude-sonnet-4-5-20250929');
    expect(answer).toEqual({
      decision: 'BLOCKED',
      reasonCode: 'MODEL_NOT_ALLOWED',
      reason:
        "team search's policy allows only openai/*: not model claude-sonnet-4-5-20250929 (anthropic/claude-sonnet-4.5)",
      policy: { allowedModels: ['openai/*'] },
    });
    expect(decisions.at(-1)).toMatchObject({
      team: 'search',
      decision: 'BLOCKED',
      reasonCode: 'MODEL_NOT_ALLOWED',
    });
    expect((await budgets.status(teamKey('search')))!.reservedUsd).toBe(0);
    // An allowed model is admitted, and the answer names the policy for the guard to cap by.
    const allowed = await reserve('search', 'openai/gpt-4o-mini');
    expect(allowed).toMatchObject({ decision: 'ALLOWED', policy: { allowedModels: ['openai/*'] } });
    expect((await budgets.status(teamKey('search')))!.reservedUsd).toBe(0.01);
  });

  it('blocks a call estimated above maxCallCostUsd with CALL_TOO_EXPENSIVE', async () => {
    await budgets.put('growth', {
      period: 'daily',
      limitUsd: 10,
      enforcement: 'hard',
      policy: { maxCallCostUsd: 0.02, maxOutputTokens: 500 },
    });
    expect(await reserve('growth', 'openai/gpt-4o', 0.03)).toMatchObject({
      decision: 'BLOCKED',
      reasonCode: 'CALL_TOO_EXPENSIVE',
      policy: { maxCallCostUsd: 0.02, maxOutputTokens: 500 },
    });
    expect(await reserve('growth', 'openai/gpt-4o', 0.02)).toMatchObject({ decision: 'ALLOWED' });
  });

  it('applies a changed policy at once on the processor that took the change', async () => {
    await budgets.put('ops', { period: 'daily', limitUsd: 10, policy: { deniedModels: ['openai/*'] } });
    expect(await reserve('ops', 'openai/gpt-4o')).toMatchObject({ reasonCode: 'MODEL_NOT_ALLOWED' });
    await budgets.put('ops', { period: 'daily', limitUsd: 10 });
    expect(await reserve('ops', 'openai/gpt-4o')).toMatchObject({ decision: 'ALLOWED' });
  });

  it('applies a policy changed through another processor within a second', async () => {
    await budgets.put('ops', { period: 'daily', limitUsd: 10 });
    expect(await reserve('ops', 'openai/gpt-4o')).toMatchObject({ decision: 'ALLOWED' });
    const other = new BudgetService(ledger, () => now);
    await other.put('ops', { period: 'daily', limitUsd: 10, policy: { deniedModels: ['openai/*'] } });
    expect(await reserve('ops', 'openai/gpt-4o')).toMatchObject({ decision: 'ALLOWED' });
    now += 1000;
    expect(await reserve('ops', 'openai/gpt-4o')).toMatchObject({ reasonCode: 'MODEL_NOT_ALLOWED' });
  });

  it('names the field of a bad policy', async () => {
    await expect(
      budgets.put('bad', { period: 'daily', limitUsd: 1, policy: { maxCallCostUsd: -1 } }),
    ).rejects.toMatchObject({ status: 400, message: expect.stringContaining('policy.maxCallCostUsd') });
    await expect(
      budgets.put('bad', { period: 'daily', limitUsd: 1, policy: { allowedModel: ['x'] } }),
    ).rejects.toMatchObject({ status: 400, message: expect.stringContaining('policy') });
  });
});
