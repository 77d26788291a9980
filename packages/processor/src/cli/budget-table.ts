// Renders budget statuses as an aligned table. Pure.
import type { BudgetStatus } from '../budget/decision.js';

function budgetLine(b: BudgetStatus): string[] {
  return [
    b.team,
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
  ];
}

export function renderBudgets(budgets: BudgetStatus[]): string {
  const header = [
    'team',
    'period',
    'enforcement',
    'spent',
    'reserved',
    'limit',
    'used',
    'forecast',
    'state',
    'resets in',
  ];
  const rows = budgets.map(budgetLine);
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r.map((c, i) => (i >= 3 && i <= 7 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n') + '\n';
}
