// One budget: its numbers in words, an edit button for who may, and its alert history.
import { policySummary } from '@genops/processor/api';
import { formatPercent, formatTime, formatUsd } from '../../format.js';
import { AlertHistory } from './alert-history.js';
import type { Budget } from './budget-columns.js';

interface Props {
  team: string;
  budget: Budget | undefined;
  canEdit: boolean;
  onEdit: (b: Budget) => void;
}

export function BudgetDetail({ team, budget, canEdit, onEdit }: Props) {
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
      {budget?.policy && <p>Policy: {policySummary(budget.policy)}.</p>}
      <AlertHistory team={team} />
    </section>
  );
}
