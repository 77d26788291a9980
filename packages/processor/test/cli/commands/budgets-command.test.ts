import { describe, expect, it } from 'vitest';
import { budgetKeyOf } from '../../../src/cli/commands/budgets-command.js';

describe('budgetKeyOf (how `genops budgets` names a budget)', () => {
  it('takes scope options, a key, or a team’s name', () => {
    expect(budgetKeyOf(undefined, { customer: '*' })).toBe('customer=*');
    expect(budgetKeyOf(undefined, { model: 'openai/gpt-4o', team: 'search' })).toBe(
      'team=search&model=openai/gpt-4o',
    );
    expect(budgetKeyOf(undefined, { org: true })).toBe('org');
    expect(budgetKeyOf('team=search&model=openai/gpt-4o', {})).toBe('team=search&model=openai/gpt-4o');
    expect(budgetKeyOf('org', {})).toBe('org');
    expect(budgetKeyOf('search', {})).toBe('team=search');
    expect(budgetKeyOf(undefined, {})).toBeUndefined();
  });

  it('refuses a key that is not one, and a budget named twice', () => {
    expect(() => budgetKeyOf('colour=red', {})).toThrow(
      'not a budget scope: colour=red (e.g. team=search&model=openai/gpt-4o)',
    );
    expect(() => budgetKeyOf('search', { customer: '*' })).toThrow(
      'name the budget by its options or by search, not both',
    );
  });
});
