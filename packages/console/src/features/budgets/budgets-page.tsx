// Budgets of every scope (teams, team × model, customers, the organisation…) with their counters, forecast,
// exhaustion and reset; create, edit and delete; each budget's alert history, and a template's counters.
import { useState } from 'react';
import { ROUTES, scopeKey } from '@genops/processor/api';
import { useRoute, useSessionInfo } from '../../api/queries.js';
import { DataState } from '../../components/data-state.js';
import { DataTable } from '../../components/data-table.js';
import { useUrlState } from '../../url-state.js';
import { BUDGET_COLUMNS, type Budget } from './budget-columns.js';
import { BudgetDetail } from './budget-detail.js';
import { BudgetForm } from './budget-form.js';
import { budgetName } from './budget-name.js';

export function BudgetsPage() {
  const [params, update] = useUrlState();
  const budgets = useRoute(ROUTES.listBudgets);
  const session = useSessionInfo();
  const canEdit = session.data?.roles.includes('manage') ?? false;
  const [editing, setEditing] = useState<Budget | 'new' | undefined>();
  // ?budget=<key>; ?team=<name> (the links of earlier releases) names a team's budget.
  const team = params.get('team');
  const selected = params.get('budget') ?? (team ? scopeKey({ team }) : undefined);
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
        emptyText="No budgets yet: create one to cap a team's, a customer's or the whole organisation's spend."
      >
        <DataTable
          caption="Budgets in their current period"
          columns={BUDGET_COLUMNS}
          rows={budgets.data?.budgets ?? []}
          rowKey={(b) => b.key}
          sort={params.get('sort') ?? '-utilization'}
          onSort={(sort) => update({ sort })}
          onRowActivate={(b) => update({ budget: b.key, team: undefined })}
          rowLabel={(b) => `Details of ${budgetName(b.key)}`}
        />
      </DataState>
      {selected && (
        <BudgetDetail
          budget={budgets.data?.budgets.find((b) => b.key === selected)}
          budgetKey={selected}
          canEdit={canEdit}
          onEdit={setEditing}
        />
      )}
    </>
  );
}
