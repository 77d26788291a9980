// The budgets closest to their limit, each a link to its detail.
import { Link } from 'wouter';
import { ROUTES } from '@genops/processor/api';
import { useRoute } from '../../api/queries.js';
import { DataState } from '../../components/data-state.js';
import { formatPercent, formatUsd } from '../../format.js';
import { budgetName } from '../budgets/budget-name.js';

export function ClosestBudgets() {
  const budgets = useRoute(ROUTES.listBudgets);
  const closest = [...(budgets.data?.budgets ?? [])]
    .sort((a, b) => b.utilization - a.utilization)
    .slice(0, 5);
  return (
    <section aria-labelledby="closest">
      <h2 id="closest">Budgets closest to their limit</h2>
      <DataState query={budgets} label="budgets" empty={!closest.length} emptyText="No budgets yet.">
        <ul className="bars">
          {closest.map((b) => (
            <li key={b.key}>
              <Link href={`/budgets?budget=${encodeURIComponent(b.key)}`}>{budgetName(b.key)}</Link>{' '}
              <meter
                min={0}
                max={1}
                low={0.8}
                high={0.95}
                optimum={0}
                value={Math.min(1, b.utilization)}
                aria-label={`${budgetName(b.key)} utilisation`}
              />{' '}
              {formatPercent(b.utilization)} of {formatUsd(b.limitUsd)}{' '}
              <span className={`badge ${b.state.toLowerCase()}`}>{b.state}</span>
            </li>
          ))}
        </ul>
      </DataState>
    </section>
  );
}
