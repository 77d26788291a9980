// The top spenders of one dimension in the range, each a link into Explore.
import { Link } from 'wouter';
import { ROUTES } from '@genops/processor/api';
import { useRoute } from '../../api/queries.js';
import { DataState } from '../../components/data-state.js';
import { formatUsd } from '../../format.js';

export function TopList({ dimension, window }: { dimension: string; window: { from: string; to: string } }) {
  const report = useRoute(ROUTES.getCostReport, { query: { ...window, groupBy: dimension } });
  const top = report.data?.groups.slice(0, 5) ?? [];
  return (
    <section aria-labelledby={`top-${dimension}`}>
      <h2 id={`top-${dimension}`}>Top {dimension === 'customer' ? 'customers' : `${dimension}s`}</h2>
      <DataState query={report} label={`${dimension}s`} empty={!top.length}>
        <ol className="top">
          {top.map((g) => (
            <li key={g.key[dimension]}>
              <Link href={`/explore?groupBy=${dimension}&from=${window.from}&to=${window.to}`}>
                {g.key[dimension] || '(none)'}
              </Link>
              <span className="num">{formatUsd(g.costUsd)}</span>
            </li>
          ))}
        </ol>
      </DataState>
    </section>
  );
}
