// What-if repricing: what a period's recorded usage would have cost under another price catalog, side by side
// with what was recorded, per group. Pure; money in exact nano-USD.
import { usdToNanoUsd, type PriceCatalog } from '@genops/pricing';
import { nanoToUsd, type Dimension } from '../decode/cost-event.js';
import type { CostReport } from '../report/cost-report.js';

export interface RepricedGroup {
  key: Record<string, string>;
  recordedUsd: number;
  /** Undefined when the catalog has no price for the group's model. */
  repricedUsd?: number;
}

export interface Repricing {
  groupBy: Dimension[];
  groups: RepricedGroup[];
  recordedUsd: number;
  repricedUsd: number;
  /** Recorded spend of the groups whose model the catalog cannot price (left out of both sides of the change). */
  unpricedUsd: number;
}

/**
 * Reprices a report grouped by (at least) model: each group's input and output tokens at the catalog's price
 * in force at `at`. Cached and reasoning tokens are not in the ledger, so they are priced as plain tokens.
 */
export function reprice(report: CostReport, catalog: PriceCatalog, at: Date): Repricing {
  if (!report.groupBy.includes('model')) throw new Error('repricing needs the report grouped by model');
  let recorded = 0n;
  let repriced = 0n;
  let unpriced = 0n;
  const groups = report.groups.map((g): RepricedGroup => {
    const estimate = catalog.estimate(
      g.key.model!,
      { inputTokens: g.inputTokens, outputTokens: g.outputTokens },
      at,
    );
    if (!estimate) {
      unpriced += usdToNanoUsd(g.costUsd);
      return { key: g.key, recordedUsd: g.costUsd };
    }
    recorded += usdToNanoUsd(g.costUsd);
    repriced += estimate.nanoUsd;
    return { key: g.key, recordedUsd: g.costUsd, repricedUsd: nanoToUsd(estimate.nanoUsd) };
  });
  return {
    groupBy: report.groupBy,
    groups,
    recordedUsd: nanoToUsd(recorded),
    repricedUsd: nanoToUsd(repriced),
    unpricedUsd: nanoToUsd(unpriced),
  };
}

function change(recorded: number, repriced: number | undefined): [string, string] {
  if (repriced === undefined) return ['no price', ''];
  const delta = nanoToUsd(usdToNanoUsd(repriced) - usdToNanoUsd(recorded));
  const pct = recorded === 0 ? '' : `${delta >= 0 ? '+' : ''}${((delta / recorded) * 100).toFixed(1)}%`;
  return [`${delta >= 0 ? '+' : ''}${delta}`, pct];
}

export function renderRepricing(r: Repricing): string {
  const header = [...r.groupBy, 'recorded (USD)', 'repriced (USD)', 'change (USD)', 'change'];
  const rows = r.groups.map((g) => [
    ...r.groupBy.map((d) => g.key[d] || '—'),
    String(g.recordedUsd),
    g.repricedUsd === undefined ? '—' : String(g.repricedUsd),
    ...change(g.recordedUsd, g.repricedUsd),
  ]);
  const total = [
    ...r.groupBy.map((_, i) => (i === 0 ? 'TOTAL (priced groups)' : '')),
    String(r.recordedUsd),
    String(r.repricedUsd),
    ...change(r.recordedUsd, r.repricedUsd),
  ];
  const all = [header, ...rows, total];
  const widths = header.map((_, i) => Math.max(...all.map((row) => row[i]!.length)));
  const numeric = (i: number) => i >= r.groupBy.length;
  const line = (row: string[]) =>
    row
      .map((c, i) => (numeric(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const unpriced = r.unpricedUsd
    ? [`(${r.unpricedUsd} USD recorded on models the catalog has no price for)`]
    : [];
  return [line(header), rule, ...rows.map(line), rule, line(total), ...unpriced].join('\n') + '\n';
}
