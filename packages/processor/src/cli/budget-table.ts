// Renders budget statuses as an aligned table. Pure.
import type { RecountResult } from '../budget/budget-store.js';
import type { BudgetStatus } from '../budget/decision.js';
import { keyLabel } from '../budget/budget-scope.js';
import { policySummary } from '../budget/budget-spec.js';
import { renderTable } from './table.js';

function budgetLine(b: BudgetStatus): string[] {
  return [
    keyLabel(b.key),
    b.period + (b.window ? ` ${b.window}` : ''),
    b.enforcement,
    b.spentUsd.toFixed(4),
    b.reservedUsd.toFixed(4),
    String(b.limitUsd),
    `${(b.utilization * 100).toFixed(1)}%`,
    b.forecastUsd.toFixed(4),
    b.state,
    b.period === 'rolling'
      ? '—'
      : `${Math.floor(b.resetsInSeconds / 3600)}h${String(Math.floor((b.resetsInSeconds % 3600) / 60)).padStart(2, '0')}m`,
    policySummary(b.policy),
  ];
}

/** What `genops budgets recount` changed, per budget, in USD. */
export function renderRecount(results: RecountResult[]): string {
  // Every nano-dollar shown: a repair tool must not round the difference away.
  const usd = (n: bigint) => {
    const abs = n < 0n ? -n : n;
    return `${n < 0n ? '-' : ''}${abs / 1_000_000_000n}.${String(abs % 1_000_000_000n).padStart(9, '0')}`;
  };
  const rows = results.map((r) => [
    keyLabel(r.key),
    usd(r.before.spentNano),
    usd(r.after.spentNano),
    usd(r.before.reservedNano),
    usd(r.after.reservedNano),
    r.before.spentNano === r.after.spentNano && r.before.reservedNano === r.after.reservedNano
      ? 'ok'
      : 'repaired',
  ]);
  const header = ['budget', 'spent before', 'spent after', 'reserved before', 'reserved after', 'counters'];
  return renderTable(header, rows, (i) => i >= 1 && i <= 4);
}

export function renderBudgets(budgets: BudgetStatus[]): string {
  const header = [
    'budget',
    'period',
    'enforcement',
    'spent',
    'reserved',
    'limit',
    'used',
    'forecast',
    'state',
    'resets in',
    'policy',
  ];
  return renderTable(header, budgets.map(budgetLine), (i) => i >= 3 && i <= 7);
}
