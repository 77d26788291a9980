// Spend, calls and tokens in the range, with the range before for comparison.
import { ROUTES } from '@genops/processor/api';
import { useRoute } from '../../api/queries.js';
import { DataState } from '../../components/data-state.js';
import { formatCount, formatPercent, formatUsd } from '../../format.js';

interface Props {
  window: { from: string; to: string };
  previous: { from: string; to: string };
}

export function SpendCards({ window, previous }: Props) {
  const total = useRoute(ROUTES.getCostReport, { query: window });
  const before = useRoute(ROUTES.getCostReport, { query: previous }).data?.totals.costUsd;
  const t = total.data?.totals;
  const change = t && before ? (t.costUsd - before) / before : undefined;
  return (
    <section className="cards" aria-label="Spend in the range">
      <DataState query={total} label="spend">
        <div className="card">
          <h2>Spend</h2>
          <p className="figure" data-testid="total-spend">
            {formatUsd(t?.costUsd ?? 0)}
          </p>
          <p className="muted">
            {before === undefined
              ? 'previous range: loading…'
              : `previous range ${formatUsd(before)}${change === undefined ? '' : ` (${change >= 0 ? '+' : ''}${formatPercent(change)})`}`}
          </p>
        </div>
        <div className="card">
          <h2>Calls</h2>
          <p className="figure">{formatCount(t?.requests ?? 0)}</p>
          <p className="muted">
            {formatCount(t?.errors ?? 0)} errors, {formatCount(t?.unpricedRequests ?? 0)} unpriced
          </p>
        </div>
        <div className="card">
          <h2>Tokens</h2>
          <p className="figure">{formatCount(t?.totalTokens ?? 0)}</p>
          <p className="muted">
            {formatCount(t?.inputTokens ?? 0)} in / {formatCount(t?.outputTokens ?? 0)} out
          </p>
        </div>
      </DataState>
    </section>
  );
}
