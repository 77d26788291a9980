// Budgets: every budget with spent, reserved, limit, utilisation, state, forecast, exhaustion and reset; create,
// edit and delete (with the API's validation beside the field); each budget's alert history.
import { useState } from 'react';
import { ROUTES, type RouteOutput } from '@genops/processor/api';
import { useRoute, useSessionInfo } from '../../api/queries.js';
import { DataState } from '../../components/data-state.js';
import { DataTable, type Column } from '../../components/data-table.js';
import { formatDuration, formatPercent, formatTime, formatUsd } from '../../format.js';
import { useUrlState } from '../../url-state.js';
import { AlertHistory } from './alert-history.js';
import { BudgetForm } from './budget-form.js';

type Budget = RouteOutput<typeof ROUTES.listBudgets>['budgets'][number];

export function BudgetsPage() {
  const [params, update] = useUrlState();
  const budgets = useRoute(ROUTES.listBudgets);
  const session = useSessionInfo();
  const canEdit = session.data?.roles.includes('manage') ?? false;
  const [editing, setEditing] = useState<Budget | 'new' | undefined>();
  const selected = params.get('team') ?? undefined;
  const columns: Column<Budget>[] = [
    { key: 'team', header: 'Team', value: (b) => b.team },
    { key: 'period', header: 'Period', value: (b) => b.period + (b.window ? ` ${b.window}` : '') },
    { key: 'enforcement', header: 'Enforcement', value: (b) => b.enforcement },
    {
      key: 'spentUsd',
      header: 'Spent',
      value: (b) => b.spentUsd,
      render: (b) => formatUsd(b.spentUsd),
      numeric: true,
    },
    {
      key: 'reservedUsd',
      header: 'Reserved',
      value: (b) => b.reservedUsd,
      render: (b) => formatUsd(b.reservedUsd),
      numeric: true,
    },
    {
      key: 'limitUsd',
      header: 'Limit',
      value: (b) => b.limitUsd,
      render: (b) => formatUsd(b.limitUsd),
      numeric: true,
    },
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
      key: 'forecastUsd',
      header: 'Forecast',
      value: (b) => b.forecastUsd,
      render: (b) => formatUsd(b.forecastUsd),
      numeric: true,
    },
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
  ];
  return (
    <>
      <div className="section-head">
        <h1>Budgets</h1>
        {canEdit && (
          <button type="button" onClick={() => setEditing('new')}>
            New budget
          </button>
        )}
      </div>
      {editing && (
        <BudgetForm budget={editing === 'new' ? undefined : editing} onDone={() => setEditing(undefined)} />
      )}
      <DataState
        query={budgets}
        label="budgets"
        empty={!budgets.data?.budgets.length}
        emptyText="No budgets yet: create one to cap a team's spend."
      >
        <DataTable
          caption="Budgets in their current period"
          columns={columns}
          rows={budgets.data?.budgets ?? []}
          rowKey={(b) => b.team}
          sort={params.get('sort') ?? '-utilization'}
          onSort={(sort) => update({ sort })}
          onRowActivate={(b) => update({ team: b.team })}
          rowLabel={(b) => `Details of ${b.team}`}
        />
      </DataState>
      {selected && (
        <BudgetDetail
          budget={budgets.data?.budgets.find((b) => b.team === selected)}
          team={selected}
          canEdit={canEdit}
          onEdit={(b) => setEditing(b)}
        />
      )}
    </>
  );
}

function BudgetDetail({
  team,
  budget,
  canEdit,
  onEdit,
}: {
  team: string;
  budget: Budget | undefined;
  canEdit: boolean;
  onEdit: (b: Budget) => void;
}) {
  return (
    <section aria-labelledby="budget-detail" className="panel">
      <div className="section-head">
        <h2 id="budget-detail">Budget of {team}</h2>
        {budget && canEdit && (
          <button type="button" onClick={() => onEdit(budget)}>
            Edit {team}
          </button>
        )}
      </div>
      {budget && (
        <p>
          {formatUsd(budget.spentUsd)} spent and {formatUsd(budget.reservedUsd)} reserved of{' '}
          {formatUsd(budget.limitUsd)} ({budget.period}, {budget.enforcement}), period{' '}
          {formatTime(budget.periodStart)} – {formatTime(budget.periodEnd)}; thresholds{' '}
          {budget.thresholds.map(formatPercent).join(', ')}.
        </p>
      )}
      <AlertHistory team={team} />
    </section>
  );
}
