// The price table's columns: every price dimension, USD per million tokens or per call.
import type { ROUTES, RouteOutput } from '@genops/processor/api';
import type { Column } from '../../components/data-table.js';
import { formatUsd } from '../../format.js';

export type PriceRow = RouteOutput<typeof ROUTES.getPrices>['entries'][number];

const price = (v: number | undefined) => (v === undefined ? '—' : formatUsd(v));
const optional = (key: keyof PriceRow & string, header: string): Column<PriceRow> => ({
  key,
  header,
  value: (e) => (e[key] as number | undefined) ?? -1,
  render: (e) => price(e[key] as number | undefined),
  numeric: true,
});

export const PRICE_COLUMNS: Column<PriceRow>[] = [
  { key: 'model', header: 'Model', value: (e) => e.model },
  { key: 'effectiveFrom', header: 'Effective from', value: (e) => e.effectiveFrom },
  optional('input', 'Input / 1M'),
  optional('output', 'Output / 1M'),
  optional('cacheRead', 'Cache read / 1M'),
  optional('cacheWrite', 'Cache write / 1M'),
  optional('cacheWrite1h', 'Cache write 1 h / 1M'),
  optional('reasoning', 'Reasoning / 1M'),
  optional('request', 'Per call'),
  optional('webSearch', 'Per search'),
  {
    key: 'tiers',
    header: 'Tiers',
    value: (e) =>
      [
        ...(e.longContext ?? []).map((t) => `long context > ${t.thresholdTokens}`),
        ...Object.keys(e.serviceTiers ?? {}),
      ]
        .filter(Boolean)
        .join(', '),
  },
];
