// Enforcement: the reservations in flight and the recent admission decisions with their reasons.
import { ROUTES, type RouteOutput } from '@genops/processor/api';
import { useRoute } from '../../api/queries.js';
import { DataState } from '../../components/data-state.js';
import { DataTable, type Column } from '../../components/data-table.js';
import { formatDuration, formatTime, formatUsd } from '../../format.js';
import { useUrlState } from '../../url-state.js';

type Reservation = RouteOutput<typeof ROUTES.listReservations>['reservations'][number];
type Decision = RouteOutput<typeof ROUTES.listDecisions>['decisions'][number];
const DECISIONS = ['ALLOWED', 'WARNING', 'BLOCKED'] as const;

export function EnforcementPage() {
  const [params, update] = useUrlState();
  const decision = (DECISIONS as readonly string[]).includes(params.get('decision') ?? '')
    ? (params.get('decision') as Decision['decision'])
    : undefined;
  const reservations = useRoute(ROUTES.listReservations, { query: { limit: '500' } });
  const decisions = useRoute(ROUTES.listDecisions, {
    query: { limit: '500', ...(decision ? { decision } : {}) },
  });
  const now = Date.now();
  const reservationColumns: Column<Reservation>[] = [
    { key: 'team', header: 'Team', value: (r) => r.team },
    { key: 'model', header: 'Model', value: (r) => r.model || '(unknown)' },
    {
      key: 'amountUsd',
      header: 'Amount',
      value: (r) => r.amountUsd,
      render: (r) => formatUsd(r.amountUsd),
      numeric: true,
    },
    {
      key: 'age',
      header: 'Age',
      value: (r) => now - Date.parse(r.createdAt),
      render: (r) => formatDuration((now - Date.parse(r.createdAt)) / 1000),
      numeric: true,
    },
    {
      key: 'expires',
      header: 'Expires in',
      value: (r) => Date.parse(r.expiresAt) - now,
      render: (r) => formatDuration((Date.parse(r.expiresAt) - now) / 1000),
      numeric: true,
    },
  ];
  const decisionColumns: Column<Decision>[] = [
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
  return (
    <>
      <h1>Enforcement</h1>
      <section aria-labelledby="decisions">
        <div className="section-head">
          <h2 id="decisions">Recent admission decisions</h2>
          <label>
            Show{' '}
            <select
              value={decision ?? ''}
              onChange={(e) => update({ decision: e.target.value || undefined })}
            >
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
            columns={decisionColumns}
            rows={decisions.data?.decisions ?? []}
            scroll
            rowKey={(d) =>
              `${d.time}/${d.team}/${d.reservationId ?? ''}/${d.reason ?? ''}/${d.estimatedCostUsd}`
            }
          />
        </DataState>
      </section>
      <section aria-labelledby="in-flight">
        <h2 id="in-flight">Reservations in flight {reservations.data && `(${reservations.data.total})`}</h2>
        <DataState
          query={reservations}
          label="reservations"
          empty={!reservations.data?.reservations.length}
          emptyText="No call holds a reservation right now."
        >
          <DataTable
            caption="Reservations held by calls in progress"
            columns={reservationColumns}
            rows={reservations.data?.reservations ?? []}
            rowKey={(r) => r.id}
            scroll
            sort={params.get('rsort') ?? 'age'}
            onSort={(rsort) => update({ rsort })}
          />
        </DataState>
      </section>
    </>
  );
}
