// What every route handler shares: the caller's access, the checks on it, and the error body.
import type { Context } from 'hono';
import type { AccessToken, Role } from './access.js';
import { GenOpsError } from '../errors.js';

export type Access = Omit<AccessToken, 'secret'>;
export type Env = { Variables: { access: Access } };
export type RouteContext = Context<Env>;

/** Throws 403 unless the request's token has `role` (and, given a team, may act for it). */
export function allow(c: RouteContext, role: Role, team?: string): Access {
  const access = c.get('access');
  if (!access.roles.has(role))
    throw new GenOpsError('FORBIDDEN', `this token (${access.name}) lacks the ${role} role`, 403, { role });
  if (team !== undefined && access.teams && !access.teams.has(team))
    throw new GenOpsError(
      'FORBIDDEN',
      `this token (${access.name}) is scoped to ${[...access.teams].join(', ')}, not team ${team}`,
      403,
      { team },
    );
  return access;
}

/** A report for a team-scoped token covers its team: the one it names with team=, or its only team. */
export function scopeReport(c: RouteContext, filters: { team?: string }): void {
  const access = allow(c, 'read', filters.team);
  if (!access.teams || filters.team !== undefined) return;
  if (access.teams.size !== 1)
    throw new GenOpsError(
      'FORBIDDEN',
      `this token (${access.name}) is scoped to ${[...access.teams].join(', ')}: name one with team=`,
      403,
    );
  filters.team = [...access.teams][0]!;
}

export function errorBody(c: Context, status: number, code: string, message: string, details?: unknown) {
  return c.json({ error: { code, message, ...(details === undefined ? {} : { details }) } }, status as 400);
}
