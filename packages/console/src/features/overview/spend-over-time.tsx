// Daily spend stacked by a dimension: the top series, the rest summed as "other".
import { useMemo } from 'react';
import { ROUTES, type RouteOutput } from '@genops/processor/api';
import { useRoute } from '../../api/queries.js';
import { DataState } from '../../components/data-state.js';
import { StackedChart, type Series } from '../../components/stacked-chart.js';

export const STACKS = ['team', 'model', 'provider', 'project'] as const;
const MAX_SERIES = 7;

type Report = RouteOutput<typeof ROUTES.getCostReport>;

export function seriesOf(report: Report, by: string): { times: number[]; series: Series[] } {
  const days = [...new Set(report.groups.map((g) => g.key.day!))].sort();
  const totals = new Map<string, number>();
  for (const g of report.groups) totals.set(g.key[by]!, (totals.get(g.key[by]!) ?? 0) + g.costUsd);
  const top = [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, MAX_SERIES)
    .map(([k]) => k);
  const index = new Map(days.map((d, i) => [d, i]));
  const series: Series[] = top.map((label) => ({ label, values: days.map(() => 0) }));
  const other: Series = { label: 'other', values: days.map(() => 0) };
  for (const g of report.groups) {
    const target = series[top.indexOf(g.key[by]!)] ?? other;
    target.values[index.get(g.key.day!)!]! += g.costUsd;
  }
  if (other.values.some((v) => v > 0)) series.push(other);
  return { times: days.map((d) => Date.parse(`${d}T00:00:00Z`) / 1000), series };
}

interface Props {
  window: { from: string; to: string };
  stackBy: string;
  onStackBy: (by: string) => void;
}

export function SpendOverTime({ window, stackBy, onStackBy }: Props) {
  const report = useRoute(ROUTES.getCostReport, { query: { ...window, groupBy: `day,${stackBy}` } });
  const chart = useMemo(() => report.data && seriesOf(report.data, stackBy), [report.data, stackBy]);
  return (
    <section aria-labelledby="over-time">
      <div className="section-head">
        <h2 id="over-time">Spend over time</h2>
        <label>
          Stack by{' '}
          <select value={stackBy} onChange={(e) => onStackBy(e.target.value)}>
            {STACKS.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
      </div>
      <DataState query={report} label="spend over time" empty={!chart?.series.length}>
        {chart && (
          <StackedChart
            times={chart.times}
            series={chart.series}
            title={`Daily spend stacked by ${stackBy}`}
          />
        )}
      </DataState>
    </section>
  );
}
