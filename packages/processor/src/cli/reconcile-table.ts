// Renders what reconciliation found: recorded vs billed per model and served provider, then each changed call.
import { CHANGE_LIMIT, type ReconciliationReport } from '../reconcile/reconciliation-report.js';
import { renderTable } from './table.js';

const usd = (v: number) => v.toFixed(9);
const signed = (v: number) => (v > 0 ? `+${usd(v)}` : usd(v));

/** `changes: false` leaves out the list of changed calls (a summary). */
export function renderReconciliation(
  report: ReconciliationReport,
  options: { changes?: boolean } = {},
): string {
  const t = report.totals;
  const groups = renderTable(
    ['model', 'served by', 'calls', 'recorded USD', 'billed USD', 'adjustment USD'],
    [
      ...report.groups.map((g) => [
        g.model,
        g.provider || '—',
        String(g.calls),
        usd(g.recordedUsd),
        usd(g.billedUsd),
        signed(g.adjustmentUsd),
      ]),
      ['TOTAL', '', String(t.calls), usd(t.recordedUsd), usd(t.billedUsd), signed(t.adjustmentUsd)],
    ],
    (i) => i >= 2,
  );
  const lines = [
    `Reconciliation with OpenRouter's bill, calls ${report.from} → ${report.to}`,
    groups.trimEnd(),
    `pending ${report.pending} (bill not read yet) · unavailable ${report.unavailable} (given up)`,
  ];
  if (options.changes === false) {
    lines.push(`${report.changes.length} call(s) differed from the bill`);
  } else if (report.changes.length) {
    lines.push(
      '',
      `Changed: ${report.changes.length}${report.changes.length === CHANGE_LIMIT ? ` (the first ${CHANGE_LIMIT})` : ''}`,
      renderTable(
        ['generation', 'time', 'model', 'cost source', 'recorded USD', 'billed USD', 'adjustment USD'],
        report.changes.map((c) => [
          c.generationId,
          c.time,
          c.model,
          c.costSource,
          usd(c.recordedUsd),
          usd(c.billedUsd),
          signed(c.adjustmentUsd),
        ]),
        (i) => i >= 4,
      ).trimEnd(),
    );
  } else lines.push('', 'No call differed from its bill.');
  return `${lines.join('\n')}\n`;
}
