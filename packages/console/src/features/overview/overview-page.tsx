// Overview: spend in the range against the range before, spend over time stacked, the top spenders, the budgets
// closest to their limit and the calls no price covers.
import { useMemo } from 'react';
import { Link } from 'wouter';
import { ROUTES, type RouteOutput } from '@genops/processor/api';
import { useRoute } from '../../api/queries.js';
import { DataState } from '../../components/data-state.js';
import { RangeBar } from '../../components/range-bar.js';
import { StackedChart, type Series } from '../../components/stacked-chart.js';
import { formatCount, formatPercent, formatUsd } from '../../format.js';
import { rangeOf, useUrlState } from '../../url-state.js';
import { TopList } from './top-list.js';

const STACKS = ['team', 'model', 'provider', 'project'] as const;
const MAX_SERIES = 7;

type Report = RouteOutput<typeof ROUTES.getCostReport>;

/** Day buckets × the top series (the rest summed as "other"). */
function seriesOf(report: Report, by: string): { times: number[]; series: Series[] } {
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

export function OverviewPage() {
  const [params, update] = useUrlState();
  const range = rangeOf(params);
  const stackBy = (STACKS as readonly string[]).includes(params.get('stack') ?? '')
    ? params.get('stack')!
    : 'team';
  const window = { from: range.from, to: range.to };
  const total = useRoute(ROUTES.getCostReport, { query: window });
  const previous = useRoute(ROUTES.getCostReport, { query: range.previous });
  const overTime = useRoute(ROUTES.getCostReport, { query: { ...window, groupBy: `day,${stackBy}` } });
  const budgets = useRoute(ROUTES.listBudgets);
  const prices = useRoute(ROUTES.getPrices);
  const chart = useMemo(() => overTime.data && seriesOf(overTime.data, stackBy), [overTime.data, stackBy]);
  const now = total.data?.totals.costUsd;
  const before = previous.data?.totals.costUsd;
  const change = now !== undefined && before ? (now - before) / before : undefined;
  const closest = [...(budgets.data?.budgets ?? [])]
    .sort((a, b) => b.utilization - a.utilization)
    .slice(0, 5);
  return (
    <>
      <h1>Overview</h1>
      <RangeBar params={params} update={update} />
      <section className="cards" aria-label="Spend in the range">
        <DataState query={total} label="spend">
          <div className="card">
            <h2>Spend</h2>
            <p className="figure" data-testid="total-spend">
              {formatUsd(now ?? 0)}
            </p>
            <p className="muted">
              {before === undefined
                ? 'previous range: loading…'
                : `previous range ${formatUsd(before)}${change === undefined ? '' : ` (${change >= 0 ? '+' : ''}${formatPercent(change)})`}`}
            </p>
          </div>
          <div className="card">
            <h2>Calls</h2>
            <p className="figure">{formatCount(total.data?.totals.requests ?? 0)}</p>
            <p className="muted">{formatCount(total.data?.totals.errors ?? 0)} errors</p>
          </div>
          <div className="card">
            <h2>Tokens</h2>
            <p className="figure">{formatCount(total.data?.totals.totalTokens ?? 0)}</p>
            <p className="muted">
              {formatCount(total.data?.totals.inputTokens ?? 0)} in /{' '}
              {formatCount(total.data?.totals.outputTokens ?? 0)} out
            </p>
          </div>
        </DataState>
      </section>
      <section aria-labelledby="over-time">
        <div className="section-head">
          <h2 id="over-time">Spend over time</h2>
          <label>
            Stack by{' '}
            <select value={stackBy} onChange={(e) => update({ stack: e.target.value })}>
              {STACKS.map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          </label>
        </div>
        <DataState query={overTime} label="spend over time" empty={!chart?.series.length}>
          {chart && (
            <StackedChart
              times={chart.times}
              series={chart.series}
              title={`Daily spend stacked by ${stackBy}`}
            />
          )}
        </DataState>
      </section>
      <div className="grid3">
        <TopList dimension="team" window={window} />
        <TopList dimension="model" window={window} />
        <TopList dimension="customer" window={window} />
      </div>
      <div className="grid2">
        <section aria-labelledby="closest">
          <h2 id="closest">Budgets closest to their limit</h2>
          <DataState query={budgets} label="budgets" empty={!closest.length} emptyText="No budgets yet.">
            <ul className="bars">
              {closest.map((b) => (
                <li key={b.team}>
                  <Link href={`/budgets?team=${encodeURIComponent(b.team)}`}>{b.team}</Link>{' '}
                  <meter
                    min={0}
                    max={1}
                    low={0.8}
                    high={0.95}
                    optimum={0}
                    value={Math.min(1, b.utilization)}
                    aria-label={`${b.team} utilisation`}
                  />{' '}
                  {formatPercent(b.utilization)} of {formatUsd(b.limitUsd)}{' '}
                  <span className={`badge ${b.state.toLowerCase()}`}>{b.state}</span>
                </li>
              ))}
            </ul>
          </DataState>
        </section>
        <section aria-labelledby="unpriced">
          <h2 id="unpriced">Unpriced calls (last 30 days)</h2>
          <DataState
            query={prices}
            label="prices"
            empty={!prices.data?.unpriced.length}
            emptyText="Every model called is priced."
          >
            <ul>
              {prices.data?.unpriced.map((u) => (
                <li key={u.model}>
                  <code>{u.model}</code>: {formatCount(u.requests)} calls
                </li>
              ))}
            </ul>
          </DataState>
        </section>
      </div>
    </>
  );
}
