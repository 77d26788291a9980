// Reconciliation: what OpenRouter billed next to what was recorded, the adjustments, and a run on demand.
import { ROUTES } from '@genops/processor/api';
import { useChange, useRoute, useSessionInfo } from '../../api/queries.js';
import { DataState, errorText } from '../../components/data-state.js';
import { RangeBar } from '../../components/range-bar.js';
import { formatCount, formatPercent, formatTime, formatUsd } from '../../format.js';
import { rangeOf, useUrlState } from '../../url-state.js';

export function ReconciliationPage() {
  const [params, update] = useUrlState();
  const range = rangeOf(params);
  const query = { from: range.from, to: range.to };
  const report = useRoute(ROUTES.getReconciliation, { query });
  const run = useChange(ROUTES.runReconciliation);
  const session = useSessionInfo();
  const canRun = session.data?.roles.includes('manage') && session.data.teams === null;
  const t = report.data?.totals;
  return (
    <>
      <div className="section-head">
        <h1>Reconciliation</h1>
        {canRun && (
          <button type="button" disabled={run.isPending} onClick={() => run.mutate({ query })}>
            {run.isPending ? 'Reconciling…' : 'Run now'}
          </button>
        )}
      </div>
      {run.error && (
        <p className="field-error" role="alert">
          {errorText(run.error)}
        </p>
      )}
      {run.data && (
        <p role="status">
          Run done: {run.data.run.matched} matched, {run.data.run.adjusted} adjusted, {run.data.run.notYet}{' '}
          not billed yet, {run.data.run.retried + run.data.run.refused} to retry.
        </p>
      )}
      <RangeBar params={params} update={update} />
      <DataState
        query={report}
        label="reconciliation"
        empty={!report.data?.groups.length && !report.data?.pending}
        emptyText="No call in this range was reconciled with the bill (reconciliation needs GENOPS_OPENROUTER_API_KEY)."
      >
        {t && (
          <p>
            {formatCount(t.calls)} calls: recorded {formatUsd(t.recordedUsd)}, billed {formatUsd(t.billedUsd)}
            , drift {formatUsd(t.adjustmentUsd)}
            {t.recordedUsd ? ` (${formatPercent(t.adjustmentUsd / t.recordedUsd)})` : ''};{' '}
            {report.data?.pending} pending, {report.data?.unavailable} unavailable.
          </p>
        )}
        <table>
          <caption>Billed vs recorded by model and served provider</caption>
          <thead>
            <tr>
              <th scope="col">Model</th>
              <th scope="col">Served by</th>
              <th scope="col" className="num">
                Calls
              </th>
              <th scope="col" className="num">
                Recorded
              </th>
              <th scope="col" className="num">
                Billed
              </th>
              <th scope="col" className="num">
                Drift
              </th>
            </tr>
          </thead>
          <tbody>
            {report.data?.groups.map((g) => (
              <tr key={`${g.model}/${g.provider}`}>
                <td>{g.model}</td>
                <td>{g.provider}</td>
                <td className="num">{formatCount(g.calls)}</td>
                <td className="num">{formatUsd(g.recordedUsd)}</td>
                <td className="num">{formatUsd(g.billedUsd)}</td>
                <td className="num">{formatUsd(g.adjustmentUsd)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <h2>Adjustments</h2>
        {report.data?.changes.length ? (
          <ul>
            {report.data.changes.map((c) => (
              <li key={c.generationId}>
                {formatTime(c.time)} <code>{c.generationId}</code> {c.model} ({c.provider}, {c.costSource}):{' '}
                {formatUsd(c.recordedUsd)} → {formatUsd(c.billedUsd)} ({formatUsd(c.adjustmentUsd)})
              </li>
            ))}
          </ul>
        ) : (
          <p className="state">No bill differed from what was recorded.</p>
        )}
      </DataState>
    </>
  );
}
