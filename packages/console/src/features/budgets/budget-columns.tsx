// The budget table's columns: counters, state, forecast, when it runs out, its policy and when it resets.
import { policySummary, type ROUTES, type RouteOutput } from '@genops/processor/api';
import type { Column } from '../../components/data-table.js';
import { budgetName } from './budget-name.js';
import { formatDuration, formatPercent, formatTime, formatUsd } from '../../format.js';

export type Budget = RouteOutput<typeof ROUTES.listBudgets>['budgets'][number];

const money = (
  key: 'spentUsd' | 'reservedUsd' | 'limitUsd' | 'forecastUsd',
  header: string,
): Column<Budget> => ({
  key,
  header,
  value: (b) => b[key],
  render: (b) => formatUsd(b[key]),
  numeric: true,
});

export const BUDGET_COLUMNS: Column<Budget>[] = [
  { key: 'key', header: 'Budget', value: (b) => budgetName(b.key) },
  { key: 'period', header: 'Period', value: (b) => b.period + (b.window ? ` ${b.window}` : '') },
  { key: 'enforcement', header: 'Enforcement', value: (b) => b.enforcement },
  money('spentUsd', 'Spent'),
  money('reservedUsd', 'Reserved'),
  money('limitUsd', 'Limit'),
  {
    key: 'utilization',
    header: 'Used',
    value: (b) => b.utilization,
    render: (b) => formatPercent(b.utilization),
    numeric: true,
  },
  {
    key: 'state',
    header: 'State',
    value: (b) => b.state,
    render: (b) => <span className={`badge ${b.state.toLowerCase()}`}>{b.state}</span>,
  },
  {
    // A hard budget passed by more than BudgetGuard's bound (a call's prompt estimate, one streamed chunk) shows here.
    key: 'overshootUsd',
    header: 'Over limit',
    value: (b) => b.overshootUsd,
    render: (b) => (b.enforcement === 'hard' ? formatUsd(b.overshootUsd) : '—'),
    numeric: true,
  },
  money('forecastUsd', 'Forecast'),
  {
    key: 'exhaustsAt',
    header: 'Runs out',
    value: (b) => b.exhaustsAt ?? '',
    render: (b) =>
      b.utilization >= 1 ? 'reached' : b.exhaustsAt ? formatTime(b.exhaustsAt) : 'not this period',
  },
  {
    key: 'resetsInSeconds',
    header: 'Resets in',
    value: (b) => b.resetsInSeconds,
    render: (b) => (b.period === 'rolling' ? 'rolling' : formatDuration(b.resetsInSeconds)),
    numeric: true,
  },
  { key: 'policy', header: 'Policy', value: (b) => policySummary(b.policy) },
];
