// Reservations held by calls in progress: team, model, amount, age and time to expiry.
import { ROUTES, type RouteOutput } from '@genops/processor/api';
import { useRoute } from '../../api/queries.js';
import { DataState } from '../../components/data-state.js';
import { DataTable, type Column } from '../../components/data-table.js';
import { formatDuration, formatUsd } from '../../format.js';

type Reservation = RouteOutput<typeof ROUTES.listReservations>['reservations'][number];

function columns(now: number): Column<Reservation>[] {
  const age = (r: Reservation) => now - Date.parse(r.createdAt);
  const left = (r: Reservation) => Date.parse(r.expiresAt) - now;
  return [
    { key: 'team', header: 'Team', value: (r) => r.team },
    { key: 'model', header: 'Model', value: (r) => r.model || '(unknown)' },
    {
      key: 'amountUsd',
      header: 'Amount',
      value: (r) => r.amountUsd,
      render: (r) => formatUsd(r.amountUsd),
      numeric: true,
    },
    { key: 'age', header: 'Age', value: age, render: (r) => formatDuration(age(r) / 1000), numeric: true },
    {
      key: 'expires',
      header: 'Expires in',
      value: left,
      render: (r) => formatDuration(left(r) / 1000),
      numeric: true,
    },
  ];
}

export function ReservationsSection({ sort, onSort }: { sort: string; onSort: (sort: string) => void }) {
  const reservations = useRoute(ROUTES.listReservations, { query: { limit: '500' } });
  return (
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
          columns={columns(reservations.dataUpdatedAt || Date.now())}
          rows={reservations.data?.reservations ?? []}
          rowKey={(r) => r.id}
          scroll
          sort={sort}
          onSort={onSort}
        />
      </DataState>
    </section>
  );
}
