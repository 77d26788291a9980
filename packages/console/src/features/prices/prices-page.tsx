// Prices: the catalog in force, every price dimension with its effective date; models called without a price.
import { ROUTES, type RouteOutput } from '@genops/processor/api';
import { useRoute } from '../../api/queries.js';
import { DataState } from '../../components/data-state.js';
import { DataTable, type Column } from '../../components/data-table.js';
import { formatCount, formatUsd } from '../../format.js';
import { useUrlState } from '../../url-state.js';

type Entry = RouteOutput<typeof ROUTES.getPrices>['entries'][number];
const perM = (v: number | undefined) => (v === undefined ? '—' : `${formatUsd(v)}`);

export function PricesPage() {
  const [params, update] = useUrlState();
  const prices = useRoute(ROUTES.getPrices);
  const search = (params.get('q') ?? '').toLowerCase();
  const rows = (prices.data?.entries ?? []).filter((e) => e.model.toLowerCase().includes(search));
  const columns: Column<Entry>[] = [
    { key: 'model', header: 'Model', value: (e) => e.model },
    { key: 'effectiveFrom', header: 'Effective from', value: (e) => e.effectiveFrom },
    {
      key: 'input',
      header: 'Input / 1M',
      value: (e) => e.input,
      render: (e) => perM(e.input),
      numeric: true,
    },
    {
      key: 'output',
      header: 'Output / 1M',
      value: (e) => e.output,
      render: (e) => perM(e.output),
      numeric: true,
    },
    {
      key: 'cacheRead',
      header: 'Cache read / 1M',
      value: (e) => e.cacheRead ?? -1,
      render: (e) => perM(e.cacheRead),
      numeric: true,
    },
    {
      key: 'cacheWrite',
      header: 'Cache write / 1M',
      value: (e) => e.cacheWrite ?? -1,
      render: (e) => perM(e.cacheWrite),
      numeric: true,
    },
    {
      key: 'reasoning',
      header: 'Reasoning / 1M',
      value: (e) => e.reasoning ?? -1,
      render: (e) => perM(e.reasoning),
      numeric: true,
    },
    {
      key: 'request',
      header: 'Per call',
      value: (e) => e.request ?? -1,
      render: (e) => perM(e.request),
      numeric: true,
    },
    {
      key: 'webSearch',
      header: 'Per search',
      value: (e) => e.webSearch ?? -1,
      render: (e) => perM(e.webSearch),
      numeric: true,
    },
    {
      key: 'tiers',
      header: 'Tiers',
      value: (e) =>
        [
          e.longContext ? `long context > ${e.longContext.thresholdTokens}` : '',
          ...Object.keys(e.serviceTiers ?? {}),
        ]
          .filter(Boolean)
          .join(', '),
    },
  ];
  return (
    <>
      <h1>Prices</h1>
      <DataState query={prices} label="prices">
        <p className="muted">
          Catalog {prices.data?.version}
          {prices.data?.loadedAt ? `, loaded ${prices.data.loadedAt}` : ''};{' '}
          {formatCount(prices.data?.models.length ?? 0)} models, prices in USD.
        </p>
        <section aria-labelledby="unpriced">
          <h2 id="unpriced">Models called without a price (last 30 days)</h2>
          {prices.data?.unpriced.length ? (
            <ul>
              {prices.data.unpriced.map((u) => (
                <li key={u.model}>
                  <code>{u.model}</code>: {formatCount(u.requests)} calls
                </li>
              ))}
            </ul>
          ) : (
            <p className="state">Every model called is priced.</p>
          )}
        </section>
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
          columns={columns}
          rows={rows}
          rowKey={(e) => `${e.model}@${e.effectiveFrom}`}
          sort={params.get('sort') ?? 'model'}
          onSort={(sort) => update({ sort })}
        />
      </DataState>
    </>
  );
}
