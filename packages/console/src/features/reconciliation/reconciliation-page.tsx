// Reconciliation: what OpenRouter billed next to what was recorded, the adjustments, and a run on demand.
import { ROUTES } from '@genops/processor/api';
import { useChange, useRoute, useSessionInfo } from '../../api/queries.js';
import { DataState, errorText } from '../../components/data-state.js';
import { RangeBar } from '../../components/range-bar.js';
import { formatCount, formatPercent, formatUsd } from '../../format.js';
import { rangeOf, useUrlState } from '../../url-state.js';
import { Adjustments, BilledVsRecorded } from './reconciliation-tables.js';

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
        <BilledVsRecorded groups={report.data?.groups ?? []} />
        <Adjustments changes={report.data?.changes ?? []} />
      </DataState>
    </>
  );
}
