import { describe, expect, it } from 'vitest';
import {
  coveringBudgets,
  coveringKey,
  parseScopeKey,
  scopedCall,
  scopeKey,
  scopeLabel,
  teamKey,
} from '../../src/budget/budget-scope.js';

describe('scopeKey', () => {
  it('names the dimensions in a fixed order, whatever order they were given in', () => {
    expect(scopeKey({ model: 'openai/gpt-4o', team: 'search' })).toBe('team=search&model=openai/gpt-4o');
    expect(scopeKey({ customer: '*' })).toBe('customer=*');
    expect(scopeKey({})).toBe('org');
    expect(teamKey('growth')).toBe('team=growth');
  });

  it('escapes %, & and = in values, and parses back to the same scope', () => {
    const scope = { team: 'r&d', customer: 'a=b 100%', model: 'x/y' };
    const key = scopeKey(scope);
    expect(key).toBe('team=r%26d&customer=a%3Db 100%25&model=x/y');
    expect(parseScopeKey(key)).toEqual(scope);
    expect(parseScopeKey('org')).toEqual({});
  });

  it('refuses what is not a key: an unknown dimension, an empty value, a repeat, another order', () => {
    expect(parseScopeKey('colour=red')).toBeUndefined();
    expect(parseScopeKey('team=')).toBeUndefined();
    expect(parseScopeKey('team=a&team=b')).toBeUndefined();
    expect(parseScopeKey('model=m&team=a')).toBeUndefined();
    expect(parseScopeKey('')).toBeUndefined();
  });
});

describe('scopeLabel', () => {
  it('says what a budget covers in words', () => {
    expect(scopeLabel({ team: 'search', model: 'openai/gpt-4o' })).toBe('team search · model openai/gpt-4o');
    expect(scopeLabel({ customer: '*' })).toBe('each customer');
    expect(scopeLabel({})).toBe('organisation');
  });
});

describe('coveringKey', () => {
  const call = scopedCall({ team: 'search', customer: 'acme', model: 'openai/gpt-4o' });

  it('covers a call when every dimension it names has the call’s value', () => {
    expect(coveringKey({}, call)).toBe('org');
    expect(coveringKey({ team: 'search', model: 'openai/gpt-4o' }, call)).toBe(
      'team=search&model=openai/gpt-4o',
    );
    expect(coveringKey({ team: 'search', model: 'openai/gpt-4o-mini' }, call)).toBeUndefined();
    expect(coveringKey({ project: 'web' }, call)).toBeUndefined();
  });

  it('gives a template the counter of the call’s value, and none to a call without one', () => {
    expect(coveringKey({ customer: '*' }, call)).toBe('customer=acme');
    expect(coveringKey({ team: 'search', customer: '*' }, call)).toBe('team=search&customer=acme');
    expect(coveringKey({ customer: '*' }, scopedCall({ team: 'search' }))).toBeUndefined();
  });
});

describe('coveringBudgets', () => {
  const definitions = [
    { key: 'org', scope: {} },
    { key: 'team=search', scope: { team: 'search' } },
    { key: 'team=search&model=openai/gpt-4o', scope: { team: 'search', model: 'openai/gpt-4o' } },
    { key: 'customer=*', scope: { customer: '*' } },
    { key: 'customer=vip', scope: { customer: 'vip' } },
    { key: 'team=ads', scope: { team: 'ads' } },
  ];

  it('lists every budget covering a call in key order, a template’s as its counter for the value', () => {
    expect(
      coveringBudgets(definitions, scopedCall({ team: 'search', customer: 'acme', model: 'openai/gpt-4o' })),
    ).toEqual([
      { key: 'customer=acme', templateKey: 'customer=*' },
      { key: 'org', templateKey: '' },
      { key: 'team=search', templateKey: '' },
      { key: 'team=search&model=openai/gpt-4o', templateKey: '' },
    ]);
  });

  it('lets a budget of the exact scope replace the template’s counter (the enterprise customer’s own budget)', () => {
    expect(coveringBudgets(definitions, scopedCall({ team: 'ads', customer: 'vip', model: 'm' }))).toEqual([
      { key: 'customer=vip', templateKey: '' },
      { key: 'org', templateKey: '' },
      { key: 'team=ads', templateKey: '' },
    ]);
  });

  it('covers nothing without budgets', () => {
    expect(coveringBudgets([], scopedCall({ team: 'search' }))).toEqual([]);
  });
});
