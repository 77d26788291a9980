// Providers: requests, error rate, latency percentiles and cost per million tokens by model and served provider.
import { ROUTES, type RouteOutput } from '@genops/processor/api';
import { useRoute } from '../../api/queries.js';
import { DataState } from '../../components/data-state.js';
import { DataTable, type Column } from '../../components/data-table.js';
import { RangeBar } from '../../components/range-bar.js';
import { formatCount, formatPercent, formatUsd } from '../../format.js';
import { rangeOf, useUrlState } from '../../url-state.js';

type Row = RouteOutput<typeof ROUTES.getProviderReport>['providers'][number];

export function ProvidersPage() {
  const [params, update] = useUrlState();
  const range = rangeOf(params);
  const report = useRoute(ROUTES.getProviderReport, { query: { from: range.from, to: range.to } });
  const columns: Column<Row>[] = [
    { key: 'provider', header: 'Served by', value: (r) => r.provider },
    { key: 'model', header: 'Model', value: (r) => r.model },
    {
      key: 'requests',
      header: 'Calls',
      value: (r) => r.requests,
      render: (r) => formatCount(r.requests),
      numeric: true,
    },
    {
      key: 'errorRate',
      header: 'Error rate',
      value: (r) => r.errorRate,
      render: (r) => formatPercent(r.errorRate),
      numeric: true,
    },
    {
      key: 'fallbacks',
      header: 'Fallbacks',
      value: (r) => r.fallbacks,
      render: (r) => formatCount(r.fallbacks),
      numeric: true,
    },
    { key: 'p50', header: 'p50 ms', value: (r) => r.latencyMs.p50, numeric: true },
    { key: 'p95', header: 'p95 ms', value: (r) => r.latencyMs.p95, numeric: true },
    { key: 'p99', header: 'p99 ms', value: (r) => r.latencyMs.p99, numeric: true },
    {
      key: 'costUsd',
      header: 'Cost',
      value: (r) => r.costUsd,
      render: (r) => formatUsd(r.costUsd),
      numeric: true,
    },
    {
      key: 'costPerMillionTokens',
      header: 'USD / 1M tokens',
      value: (r) => r.costPerMillionTokens,
      render: (r) => formatUsd(r.costPerMillionTokens),
      numeric: true,
    },
  ];
  return (
    <>
      <h1>Providers</h1>
      <RangeBar params={params} update={update} />
      <DataState query={report} label="provider figures" empty={!report.data?.providers.length}>
        <DataTable
          caption="Models by the provider that served them"
          columns={columns}
          rows={report.data?.providers ?? []}
          rowKey={(r) => `${r.provider}/${r.model}`}
          sort={params.get('sort') ?? '-costUsd'}
          onSort={(sort) => update({ sort })}
        />
      </DataState>
    </>
  );
}
