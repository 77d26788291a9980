// Enforcement: the recent admission decisions with their reasons, and the reservations in flight.
import { useUrlState } from '../../url-state.js';
import { DECISIONS, DecisionsSection } from './decisions-section.js';
import { ReservationsSection } from './reservations-section.js';

export function EnforcementPage() {
  const [params, update] = useUrlState();
  const chosen = params.get('decision') ?? '';
  const decision = (DECISIONS as readonly string[]).includes(chosen)
    ? (chosen as (typeof DECISIONS)[number])
    : undefined;
  return (
    <>
      <h1>Enforcement</h1>
      <DecisionsSection decision={decision} onDecision={(d) => update({ decision: d })} />
      <ReservationsSection sort={params.get('rsort') ?? 'age'} onSort={(rsort) => update({ rsort })} />
    </>
  );
}
