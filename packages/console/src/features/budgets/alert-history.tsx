// A budget's alerts: which threshold, when, and where each was delivered.
import { ROUTES } from '@genops/processor/api';
import { useRoute } from '../../api/queries.js';
import { DataState } from '../../components/data-state.js';
import { formatTime } from '../../format.js';
import { budgetName } from './budget-name.js';

export function AlertHistory({ budgetKey }: { budgetKey: string }) {
  const history = useRoute(ROUTES.getScopedBudgetAlerts, { params: { key: budgetKey } });
  const alerts = history.data?.alerts ?? [];
  return (
    <>
      <h3>Alert history</h3>
      <DataState
        query={history}
        label="alerts"
        empty={!alerts.length}
        emptyText="No alert has fired for this budget."
      >
        <table>
          <caption className="sr-only">Alerts of {budgetName(budgetKey)}</caption>
          <thead>
            <tr>
              <th scope="col">Alert</th>
              <th scope="col">Fired</th>
              <th scope="col">Period from</th>
              <th scope="col">Delivered to</th>
            </tr>
          </thead>
          <tbody>
            {alerts.map((a) => {
              const pending = a.sinks.filter((s) => !a.delivered.includes(s));
              return (
                <tr key={`${a.periodStart}/${a.key}`}>
                  <td>{a.key.replace('threshold:', 'threshold ')}</td>
                  <td>{formatTime(a.firedAt)}</td>
                  <td>{formatTime(a.periodStart)}</td>
                  <td>
                    {a.delivered.join(', ') || 'nowhere yet'}
                    {pending.length ? ` (pending: ${pending.join(', ')})` : ''}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </DataState>
    </>
  );
}
