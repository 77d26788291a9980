// Enforcement routes: admission (reserve, release), the reservations in flight and the decision log.
import type { Hono } from 'hono';
import { ROUTES } from '../api/routes.js';
import type { BudgetService } from '../budget/budget-service.js';
import { nanoToUsd } from '../decode/cost-event.js';
import type { DecisionLog } from '../enforcement/decision-log.js';
import type { LiveReservationStore } from '../enforcement/live-reservations.js';
import { mountRoute } from './mount-route.js';
import { allow, type Env } from './route-context.js';

/** The token's teams narrowed to `team` when one is asked for (a team outside them is a 403). */
function teamsFor(access: { teams?: ReadonlySet<string> }, team: string | undefined) {
  return team !== undefined ? new Set([team]) : access.teams;
}

export function mountEnforcementApi(
  app: Hono<Env>,
  budgets: BudgetService,
  reservations: LiveReservationStore,
  decisions: DecisionLog,
): void {
  mountRoute(app, ROUTES.createReservation, async (c, { body }) => {
    allow(c, 'reserve', body.team);
    return budgets.reserveParsed(body);
  });
  mountRoute(app, ROUTES.releaseReservation, async (c, { params }) => {
    await budgets.release(params.id, allow(c, 'reserve').teams);
    return null;
  });
  mountRoute(app, ROUTES.extendReservation, async (c, { params, body }) =>
    budgets.extend(params.id, body, allow(c, 'reserve').teams),
  );
  mountRoute(app, ROUTES.listReservations, async (c, { query }) => {
    const access = allow(c, 'read', query.team);
    const { total, reservations: rows } = await reservations.liveReservations({
      teams: teamsFor(access, query.team),
      limit: Number(query.limit ?? 200),
    });
    return {
      total,
      reservations: rows.map((r) => ({
        id: r.id,
        team: r.team,
        model: r.model,
        amountUsd: nanoToUsd(r.amountNano),
        createdAt: new Date(r.createdMs).toISOString(),
        expiresAt: new Date(r.expiresMs).toISOString(),
      })),
    };
  });
  mountRoute(app, ROUTES.listDecisions, async (c, { query }) => {
    const access = allow(c, 'read', query.team);
    const recent = decisions.recent({
      teams: access.teams,
      team: query.team,
      decision: query.decision,
      limit: Number(query.limit ?? 200),
    });
    return {
      capacity: decisions.capacity,
      decisions: recent.map(({ timeMs, estimateNano, ...rest }) => ({
        ...rest,
        time: new Date(timeMs).toISOString(),
        estimatedCostUsd: nanoToUsd(estimateNano),
      })),
    };
  });
}
