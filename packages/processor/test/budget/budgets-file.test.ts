import { describe, expect, it } from 'vitest';
import { parseBudgetsFile } from '../../src/budget/budgets-file.js';
import { specKey } from '../../src/budget/budget-spec.js';

describe('parseBudgetsFile', () => {
  it('reads budgets with defaults applied', () => {
    const budgets = parseBudgetsFile(
      'budgets:\n  - team: search\n    period: daily\n    limitUsd: 50\n    enforcement: hard\n',
      'b.yaml',
    );
    expect(budgets).toEqual([
      {
        team: 'search',
        period: 'daily',
        limitUsd: 50,
        enforcement: 'hard',
        timezone: 'UTC',
        thresholds: [0.8, 0.9, 0.95, 1],
      },
    ]);
  });

  it('names the line and field of a bad value', () => {
    const text =
      'budgets:\n  - team: search\n    period: daily\n    limitUsd: 50\n  - team: ads\n    period: fortnightly\n    limitUsd: 5\n';
    expect(() => parseBudgetsFile(text, 'b.yaml')).toThrow(/^b\.yaml:6: budgets\[1\]\.period: /);
  });

  it('reads a policy, and names the line and field of a bad one', () => {
    const text = [
      'budgets:',
      '  - team: search',
      '    period: monthly',
      '    limitUsd: 500',
      '    policy:',
      '      allowedModels: ["openai/*", "anthropic/claude-*"]',
      '      deniedModels: ["openai/o1*"]',
      '      maxCallCostUsd: 0.5',
      '      maxOutputTokens: 4096',
      '',
    ].join('\n');
    expect(parseBudgetsFile(text, 'b.yaml')[0]!.policy).toEqual({
      allowedModels: ['openai/*', 'anthropic/claude-*'],
      deniedModels: ['openai/o1*'],
      maxCallCostUsd: 0.5,
      maxOutputTokens: 4096,
    });
    expect(() =>
      parseBudgetsFile(text.replace('maxOutputTokens: 4096', 'maxOutputTokens: 1.5'), 'b.yaml'),
    ).toThrow(/^b\.yaml:9: budgets\[0\]\.policy\.maxOutputTokens: /);
  });

  it('names the line of a YAML syntax error', () => {
    expect(() => parseBudgetsFile('budgets:\n  - team: [unclosed\n', 'b.yaml')).toThrow(/^b\.yaml:\d+: /);
  });

  it('refuses a team listed twice', () => {
    const text =
      'budgets:\n  - {team: a, period: daily, limitUsd: 1}\n  - {team: a, period: weekly, limitUsd: 2}\n';
    expect(() => parseBudgetsFile(text, 'b.yaml')).toThrow('b.yaml:3: budgets[1].team: "a" appears twice');
  });

  it('reads budgets of any scope: the organisation, a template, a team × model', () => {
    const text = [
      'budgets:',
      '  - { org: true, period: monthly, limitUsd: 5000, enforcement: hard }',
      "  - { customer: '*', period: monthly, limitUsd: 5 }",
      '  - { team: search, model: openai/gpt-4o, period: daily, limitUsd: 20 }',
      '',
    ].join('\n');
    expect(parseBudgetsFile(text, 'b.yaml').map((b) => [specKey(b), b.limitUsd])).toEqual([
      ['org', 5000],
      ['customer=*', 5],
      ['team=search&model=openai/gpt-4o', 20],
    ]);
  });

  it('refuses a budget that names no scope, and one scope listed twice, naming the line', () => {
    expect(() => parseBudgetsFile('budgets:\n  - {period: daily, limitUsd: 1}\n', 'b.yaml')).toThrow(
      'b.yaml:2: budgets[0].team: a budget covers a team, project, customer, feature, environment, model (any combination), or org: true for the whole organisation',
    );
    const twice =
      "budgets:\n  - {customer: '*', period: daily, limitUsd: 1}\n  - {customer: '*', period: weekly, limitUsd: 2}\n";
    expect(() => parseBudgetsFile(twice, 'b.yaml')).toThrow(
      'b.yaml:3: budgets[1]: the budget of each customer appears twice',
    );
  });
});
