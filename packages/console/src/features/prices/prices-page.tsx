// Prices: the catalog in force, every price dimension with its effective date; models called without a price.
import { ROUTES } from '@genops/processor/api';
import { useRoute } from '../../api/queries.js';
import { DataState } from '../../components/data-state.js';
import { DataTable } from '../../components/data-table.js';
import { formatCount } from '../../format.js';
import { useUrlState } from '../../url-state.js';
import { PRICE_COLUMNS } from './price-columns.js';
import { UnpricedModels } from './unpriced-models.js';

export function PricesPage() {
  const [params, update] = useUrlState();
  const prices = useRoute(ROUTES.getPrices);
  const search = (params.get('q') ?? '').toLowerCase();
  const rows = (prices.data?.entries ?? []).filter((e) => e.model.toLowerCase().includes(search));
  return (
    <>
      <h1>Prices</h1>
      <DataState query={prices} label="prices">
        <p className="muted">
          Catalog {prices.data?.version}
          {prices.data?.loadedAt ? `, loaded ${prices.data.loadedAt}` : ''};{' '}
          {formatCount(prices.data?.models.length ?? 0)} models, prices in USD.
        </p>
        <UnpricedModels />
        <label>
          Find a model{' '}
          <input
            type="search"
            value={params.get('q') ?? ''}
            onChange={(e) => update({ q: e.target.value || undefined })}
          />
        </label>
        <DataTable
          caption="Prices in the catalog"
          columns={PRICE_COLUMNS}
          rows={rows}
          rowKey={(e) => `${e.model}@${e.effectiveFrom}`}
          sort={params.get('sort') ?? 'model'}
          onSort={(sort) => update({ sort })}
        />
      </DataState>
    </>
  );
}
