// Explore's view model: the dimensions, the table's columns for a grouping, and where a drill-down goes.
import { Dimension, type ROUTES, type RouteOutput } from '@genops/processor/api';
import type { Column } from '../../components/data-table.js';
import { formatCount, formatUsd } from '../../format.js';

/** The dimensions a report groups by, as the API declares them. */
export const DIMENSIONS = Dimension.options;
export const FILTERABLE: readonly string[] = DIMENSIONS.filter((d) => d !== 'week' && d !== 'month');
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

export type Group = RouteOutput<typeof ROUTES.getCostReport>['groups'][number];

export function groupColumns(groupBy: string[]): Column<Group>[] {
  return [
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
      key: 'unpricedRequests',
      header: 'Unpriced calls',
      value: (g) => g.unpricedRequests,
      render: (g) => formatCount(g.unpricedRequests),
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
}

/** The URL changes that drill into a row: its keys become filters, the grouping moves one level down. */
export function drillInto(
  row: Group,
  groupBy: string[],
  filters: Record<string, string>,
): Record<string, string | undefined> {
  const changes: Record<string, string | undefined> = {};
  for (const d of groupBy) if (FILTERABLE.includes(d)) changes[d] = row.key[d];
  const next = NEXT[groupBy[groupBy.length - 1] ?? 'team'];
  changes.groupBy = next && !filters[next] ? next : 'model';
  return changes;
}
