// Explore: group by any report dimension, filter, drill down by a row, sort, and export the table as CSV.
import { ROUTES } from '@genops/processor/api';
import { useSession } from '../../api/session.js';
import { useRoute } from '../../api/queries.js';
import { DataState } from '../../components/data-state.js';
import { DataTable } from '../../components/data-table.js';
import { RangeBar } from '../../components/range-bar.js';
import { formatCount, formatUsd } from '../../format.js';
import { rangeOf, useUrlState } from '../../url-state.js';
import { downloadCsv } from './download-csv.js';
import { DIMENSIONS, drillInto, FILTERABLE, groupColumns } from './explore-model.js';
import { FilterAdder } from './filter-adder.js';

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
  const toggle = (d: string) =>
    update({
      groupBy:
        (groupBy.includes(d) ? groupBy.filter((x) => x !== d) : [...groupBy, d]).join(',') || undefined,
    });
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
          columns={groupColumns(groupBy)}
          rows={report.data?.groups ?? []}
          rowKey={(g) => JSON.stringify(g.key)}
          sort={params.get('sort') ?? '-costUsd'}
          onSort={(sort) => update({ sort })}
          onRowActivate={groupBy.length ? (g) => update(drillInto(g, groupBy, filters)) : undefined}
          rowLabel={(g) => `Drill into ${groupBy.map((d) => g.key[d]).join(' / ')}`}
        />
      </DataState>
    </>
  );
}
