// Admission: reservations before a call, the reservations in flight and the recent decisions.
import { z } from 'zod';
import { ExtensionRequestSchema, ReservationRequestSchema } from '../budget/reservation-request.js';
import { defineRoute } from './route.js';
import { limitParam } from './query.js';
import { ReasonCode, ReservationResult } from './schemas.js';

export const createReservation = defineRoute({
  method: 'post',
  path: '/v1/reservations',
  summary: 'Admit a call before it runs: reserve its estimate against the team’s budget, or block it',
  tag: 'enforcement',
  role: 'reserve',
  body: ReservationRequestSchema,
  response: ReservationResult,
  errors: { 400: 'a field is invalid (named in the error)' },
});

export const releaseReservation = defineRoute({
  method: 'delete',
  path: '/v1/reservations/{id}',
  summary: 'Release a reservation (the call did not run)',
  tag: 'enforcement',
  role: 'reserve',
  params: z.object({ id: z.string().min(1) }),
  response: null,
  errors: { 404: 'no live reservation by that id' },
});

export const extendReservation = defineRoute({
  method: 'post',
  path: '/v1/reservations/{id}/extend',
  summary:
    'Reserve more for a call in flight (a stream whose output outgrew its reservation), or refuse: BLOCKED',
  tag: 'enforcement',
  role: 'reserve',
  params: z.object({ id: z.string().min(1) }),
  body: ExtensionRequestSchema,
  response: ReservationResult,
  errors: { 400: 'a field is invalid (named in the error)', 404: 'no live reservation by that id' },
});

export const LiveReservations = z.object({
  /** Live reservations in all (within the token’s teams). */
  total: z.number().int(),
  reservations: z.array(
    z.object({
      id: z.string(),
      team: z.string(),
      model: z.string(),
      amountUsd: z.number(),
      createdAt: z.string(),
      expiresAt: z.string(),
    }),
  ),
});

export const listReservations = defineRoute({
  method: 'get',
  path: '/v1/reservations',
  summary: 'Reservations in flight, oldest first: team, model, amount, age and expiry',
  tag: 'enforcement',
  role: 'read',
  query: z.object({ team: z.string().optional(), limit: limitParam(1000) }).strict(),
  response: LiveReservations,
});

export const DecisionRecord = z.object({
  time: z.string(),
  team: z.string(),
  project: z.string().optional(),
  model: z.string(),
  estimatedCostUsd: z.number(),
  decision: z.enum(['ALLOWED', 'WARNING', 'BLOCKED']),
  reasonCode: ReasonCode.optional(),
  reason: z.string().optional(),
  reservationId: z.string().optional(),
});

export const DecisionLog = z.object({
  /** How many decisions the processor keeps (the oldest leave first). */
  capacity: z.number().int(),
  decisions: z.array(DecisionRecord),
});

export const listDecisions = defineRoute({
  method: 'get',
  path: '/v1/decisions',
  summary: 'Recent admission decisions, newest first, with their reason codes (a bounded log)',
  tag: 'enforcement',
  role: 'read',
  query: z
    .object({
      team: z.string().optional(),
      decision: z.enum(['ALLOWED', 'WARNING', 'BLOCKED']).optional(),
      limit: limitParam(1000),
    })
    .strict(),
  response: DecisionLog,
});
