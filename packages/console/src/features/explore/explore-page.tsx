// Explore: group by any report dimension, filter, drill down by a row, sort, and export the table as CSV.
import { ROUTES, type RouteOutput } from '@genops/processor/api';
import { useSession } from '../../api/session.js';
import { useRoute } from '../../api/queries.js';
import { DataState } from '../../components/data-state.js';
import { DataTable, type Column } from '../../components/data-table.js';
import { RangeBar } from '../../components/range-bar.js';
import { formatCount, formatUsd } from '../../format.js';
import { rangeOf, useUrlState } from '../../url-state.js';
import { downloadCsv } from './download-csv.js';

export const DIMENSIONS = [
  'team',
  'project',
  'customer',
  'feature',
  'environment',
  'model',
  'provider',
  'costCenter',
  'experiment',
  'variant',
  'day',
  'week',
  'month',
] as const;
const FILTERABLE = DIMENSIONS.filter((d) => d !== 'week' && d !== 'month');
/** Where a drill-down goes next from a dimension. */
const NEXT: Record<string, string> = {
  team: 'project',
  project: 'model',
  model: 'provider',
  customer: 'model',
  feature: 'model',
  provider: 'model',
  environment: 'team',
  day: 'team',
};

type Group = RouteOutput<typeof ROUTES.getCostReport>['groups'][number];

export function ExplorePage() {
  const [params, update] = useUrlState();
  const { client } = useSession();
  const range = rangeOf(params);
  const groupBy = (params.get('groupBy') ?? 'team')
    .split(',')
    .filter((d) => (DIMENSIONS as readonly string[]).includes(d));
  const filters = Object.fromEntries(FILTERABLE.flatMap((d) => (params.get(d) ? [[d, params.get(d)!]] : [])));
  const query = { from: range.from, to: range.to, groupBy: groupBy.join(','), ...filters };
  const report = useRoute(ROUTES.getCostReport, { query });
  const columns: Column<Group>[] = [
    ...groupBy.map((d) => ({ key: d, header: d, value: (g: Group) => g.key[d] ?? '' })),
    {
      key: 'costUsd',
      header: 'Cost',
      value: (g) => g.costUsd,
      render: (g) => formatUsd(g.costUsd),
      numeric: true,
    },
    {
      key: 'requests',
      header: 'Calls',
      value: (g) => g.requests,
      render: (g) => formatCount(g.requests),
      numeric: true,
    },
    {
      key: 'errors',
      header: 'Errors',
      value: (g) => g.errors,
      render: (g) => formatCount(g.errors),
      numeric: true,
    },
    {
      key: 'totalTokens',
      header: 'Tokens',
      value: (g) => g.totalTokens,
      render: (g) => formatCount(g.totalTokens),
      numeric: true,
    },
    {
      key: 'costPerMillionTokens',
      header: 'USD / 1M tokens',
      value: (g) => g.costPerMillionTokens,
      render: (g) => formatUsd(g.costPerMillionTokens),
      numeric: true,
    },
  ];
  const toggle = (d: string) => {
    const next = groupBy.includes(d) ? groupBy.filter((x) => x !== d) : [...groupBy, d];
    update({ groupBy: next.join(',') || undefined });
  };
  const drill = (g: Group) => {
    const changes: Record<string, string | undefined> = {};
    for (const d of groupBy) if ((FILTERABLE as readonly string[]).includes(d)) changes[d] = g.key[d];
    const last = groupBy[groupBy.length - 1] ?? 'team';
    changes.groupBy = NEXT[last] && !filters[NEXT[last]!] ? NEXT[last] : 'model';
    update(changes);
  };
  return (
    <>
      <h1>Explore</h1>
      <RangeBar params={params} update={update} />
      <fieldset className="dimensions">
        <legend>Group by</legend>
        {DIMENSIONS.map((d) => (
          <label key={d}>
            <input type="checkbox" checked={groupBy.includes(d)} onChange={() => toggle(d)} /> {d}
          </label>
        ))}
      </fieldset>
      <div className="filters" aria-label="Filters">
        {Object.entries(filters).map(([d, v]) => (
          <button
            key={d}
            type="button"
            className="chip"
            onClick={() => update({ [d]: undefined })}
            aria-label={`Remove filter ${d} = ${v}`}
          >
            {d} = {v} ✕
          </button>
        ))}
        <FilterAdder onAdd={(d, v) => update({ [d]: v })} />
      </div>
      <DataState query={report} label="groups" empty={!report.data?.groups.length}>
        <p>
          Total <strong data-testid="explore-total">{formatUsd(report.data?.totals.costUsd ?? 0)}</strong>{' '}
          over {formatCount(report.data?.totals.requests ?? 0)} calls, {report.data?.groups.length} groups.{' '}
          <button type="button" onClick={() => void downloadCsv(client, query, 'genops-cost.csv')}>
            Export CSV
          </button>
        </p>
        <DataTable
          caption={`Cost by ${groupBy.join(', ') || 'total'}`}
          columns={columns}
          rows={report.data?.groups ?? []}
          rowKey={(g) => JSON.stringify(g.key)}
          sort={params.get('sort') ?? '-costUsd'}
          onSort={(sort) => update({ sort })}
          onRowActivate={groupBy.length ? drill : undefined}
          rowLabel={(g) => `Drill into ${groupBy.map((d) => g.key[d]).join(' / ')}`}
        />
      </DataState>
    </>
  );
}

function FilterAdder({ onAdd }: { onAdd: (dimension: string, value: string) => void }) {
  return (
    <form
      className="inline"
      onSubmit={(e) => {
        e.preventDefault();
        const form = new FormData(e.currentTarget);
        const value = String(form.get('value') ?? '').trim();
        if (value) onAdd(String(form.get('dimension')), value);
        e.currentTarget.reset();
      }}
    >
      <label>
        Filter{' '}
        <select name="dimension" defaultValue="team">
          {FILTERABLE.map((d) => (
            <option key={d}>{d}</option>
          ))}
        </select>
      </label>{' '}
      <label>
        equals <input name="value" placeholder="value" />
      </label>{' '}
      <button type="submit">Add filter</button>
    </form>
  );
}
