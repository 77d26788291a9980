// The recent admission decisions, newest first, filtered by decision: "why was my call blocked".
import { ROUTES, type RouteOutput } from '@genops/processor/api';
import { useRoute } from '../../api/queries.js';
import { DataState } from '../../components/data-state.js';
import { DataTable, type Column } from '../../components/data-table.js';
import { formatTime, formatUsd } from '../../format.js';

type Decision = RouteOutput<typeof ROUTES.listDecisions>['decisions'][number];
export const DECISIONS = ['ALLOWED', 'WARNING', 'BLOCKED'] as const;

const COLUMNS: Column<Decision>[] = [
  { key: 'time', header: 'Time', value: (d) => d.time, render: (d) => formatTime(d.time) },
  { key: 'team', header: 'Team', value: (d) => d.team },
  { key: 'model', header: 'Model', value: (d) => d.model },
  {
    key: 'estimatedCostUsd',
    header: 'Estimate',
    value: (d) => d.estimatedCostUsd,
    render: (d) => formatUsd(d.estimatedCostUsd),
    numeric: true,
  },
  {
    key: 'decision',
    header: 'Decision',
    value: (d) => d.decision,
    render: (d) => <span className={`badge ${d.decision.toLowerCase()}`}>{d.decision}</span>,
  },
  { key: 'reasonCode', header: 'Reason code', value: (d) => d.reasonCode ?? '' },
  { key: 'reason', header: 'Why', value: (d) => d.reason ?? '', wrap: true },
];

export function DecisionsSection({
  decision,
  onDecision,
}: {
  decision: Decision['decision'] | undefined;
  onDecision: (d: string | undefined) => void;
}) {
  const decisions = useRoute(ROUTES.listDecisions, {
    query: { limit: '500', ...(decision ? { decision } : {}) },
  });
  return (
    <section aria-labelledby="decisions">
      <div className="section-head">
        <h2 id="decisions">Recent admission decisions</h2>
        <label>
          Show{' '}
          <select value={decision ?? ''} onChange={(e) => onDecision(e.target.value || undefined)}>
            <option value="">every decision</option>
            {DECISIONS.map((d) => (
              <option key={d}>{d}</option>
            ))}
          </select>
        </label>
      </div>
      <DataState
        query={decisions}
        label="decisions"
        empty={!decisions.data?.decisions.length}
        emptyText="No admission decision since the processor started."
      >
        <p className="muted">The processor keeps the last {decisions.data?.capacity} decisions.</p>
        <DataTable
          caption="Admission decisions, newest first"
          columns={COLUMNS}
          rows={decisions.data?.decisions ?? []}
          scroll
          rowKey={(d) =>
            `${d.time}/${d.team}/${d.reservationId ?? ''}/${d.reason ?? ''}/${d.estimatedCostUsd}`
          }
        />
      </DataState>
    </section>
  );
}
