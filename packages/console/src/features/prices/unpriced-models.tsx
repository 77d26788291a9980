// Models called in the last 30 days without a price: calls whose cost nobody could count.
import { ROUTES } from '@genops/processor/api';
import { useRoute } from '../../api/queries.js';
import { DataState } from '../../components/data-state.js';
import { formatCount } from '../../format.js';

export function UnpricedModels() {
  const prices = useRoute(ROUTES.getPrices);
  return (
    <section aria-labelledby="unpriced">
      <h2 id="unpriced">Models called without a price (last 30 days)</h2>
      <DataState
        query={prices}
        label="prices"
        empty={!prices.data?.unpriced.length}
        emptyText="Every model called is priced."
      >
        <ul>
          {prices.data?.unpriced.map((u) => (
            <li key={u.model}>
              <code>{u.model}</code>: {formatCount(u.requests)} calls — {u.reason}
            </li>
          ))}
        </ul>
      </DataState>
    </section>
  );
}
