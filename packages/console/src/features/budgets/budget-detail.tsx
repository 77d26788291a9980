// One budget: its numbers in words, an edit button for who may, its alert history, and a template's counters (each
// customer's under "each customer"), nearest their limit first.
import { isTemplateKey, policySummary, ROUTES } from '@genops/processor/api';
import { useRoute } from '../../api/queries.js';
import { DataState } from '../../components/data-state.js';
import { DataTable } from '../../components/data-table.js';
import { formatPercent, formatTime, formatUsd } from '../../format.js';
import { AlertHistory } from './alert-history.js';
import { BUDGET_COLUMNS, type Budget } from './budget-columns.js';
import { budgetName } from './budget-name.js';

interface Props {
  budgetKey: string;
  budget: Budget | undefined;
  canEdit: boolean;
  onEdit: (b: Budget) => void;
}

export function BudgetDetail({ budgetKey, budget, canEdit, onEdit }: Props) {
  const name = budgetName(budgetKey);
  return (
    <section aria-labelledby="budget-detail" className="panel">
      <div className="section-head">
        <h2 id="budget-detail">Budget of {name}</h2>
        {budget && canEdit && (
          <button type="button" onClick={() => onEdit(budget)}>
            Edit {name}
          </button>
        )}
      </div>
      {budget && (
        <p>
          {isTemplateKey(budgetKey)
            ? `Each value gets its own ${formatUsd(budget.limitUsd)}`
            : `${formatUsd(budget.spentUsd)} spent and ${formatUsd(budget.reservedUsd)} reserved of ${formatUsd(budget.limitUsd)}`}{' '}
          ({budget.period}, {budget.enforcement}), period {formatTime(budget.periodStart)} –{' '}
          {formatTime(budget.periodEnd)}; thresholds {budget.thresholds.map(formatPercent).join(', ')}.
        </p>
      )}
      {budget?.policy && <p>Policy: {policySummary(budget.policy)}.</p>}
      {isTemplateKey(budgetKey) && <TemplateCounters budgetKey={budgetKey} />}
      <AlertHistory budgetKey={budgetKey} />
    </section>
  );
}

function TemplateCounters({ budgetKey }: { budgetKey: string }) {
  const counters = useRoute(ROUTES.getTemplateCounters, { params: { key: budgetKey } });
  const top = counters.data?.top ?? [];
  return (
    <>
      <h3>
        Nearest their limit
        {counters.data ? ` (${counters.data.count} counted this far)` : ''}
      </h3>
      <DataState
        query={counters}
        label="counters"
        empty={!top.length}
        emptyText="Nothing spent under it yet."
      >
        <DataTable
          caption={`Counters of ${budgetName(budgetKey)}, nearest their limit first`}
          columns={BUDGET_COLUMNS}
          rows={top}
          rowKey={(b) => b.key}
          sort="-utilization"
        />
      </DataState>
    </>
  );
}
