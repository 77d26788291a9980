// Renders a cost report as an aligned table with a totals row. Pure.
import type { CostReport } from '../report/cost-report.js';

function usd(value: number): string {
  return value >= 1 ? value.toFixed(2) : value.toPrecision(4).replace(/0+$/, '').replace(/\.$/, '');
}

export function renderCostTable(report: CostReport): string {
  const header = [...report.groupBy, 'cost (USD)', 'requests', 'errors', 'tokens', 'USD / 1M tok'];
  const rows = report.groups.map((g) => [
    ...report.groupBy.map((d) => g.key[d] || '—'),
    usd(g.costUsd),
    String(g.requests),
    String(g.errors),
    String(g.totalTokens),
    usd(g.costPerMillionTokens),
  ]);
  const t = report.totals;
  const totalTokens = t.totalTokens;
  const perMillion = totalTokens ? (t.costUsd * 1e6) / totalTokens : 0;
  const totals = [
    ...report.groupBy.map((_, i) => (i === 0 ? 'TOTAL' : '')),
    usd(t.costUsd),
    String(t.requests),
    String(t.errors),
    String(totalTokens),
    usd(perMillion),
  ];
  if (report.groupBy.length === 0) {
    totals.unshift('TOTAL');
    header.unshift('');
  }
  const all = [header, ...rows, totals];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const numeric = (i: number) => i >= header.length - 5;
  const line = (r: string[]) =>
    r.map((cell, i) => (numeric(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ');
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return (
    [
      `Cost report ${report.from} → ${report.to} (${report.currency})`,
      line(header),
      rule,
      ...rows.map(line),
      rule,
      line(totals),
    ].join('\n') + '\n'
  );
}
