// Budgets and reservations as the API offers them: validation, periods, decisions, atomic admission.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ValidationError, GenOpsError } from '../errors.js';
import { BudgetSpecSchema, type BudgetSpec } from './budget-spec.js';
import type { BudgetStore } from './budget-store.js';
import { budgetStatus, decide, type Admission, type BudgetStatus } from './decision.js';
import { currentPeriod } from './period.js';

export const ReservationRequestSchema = z
  .object({
    team: z.string().min(1),
    project: z.string().optional(),
    model: z.string().min(1),
    estimatedCostUsd: z.number().finite().min(0).max(100_000),
    ttlSeconds: z.number().int().min(1).max(86_400).default(300),
  })
  .strict();

export type ReservationInput = z.input<typeof ReservationRequestSchema>;

export interface ReservationResult extends Admission {
  reservationId?: string;
  budget?: BudgetStatus;
}

/** The first zod issue as a 400 naming the field. */
export function firstIssue(error: z.ZodError, prefix = ''): ValidationError {
  const issue = error.issues[0]!;
  return new ValidationError(`${prefix}${issue.path.join('.') || '(body)'}`, issue.message);
}

export class BudgetService {
  constructor(
    private readonly store: BudgetStore,
    private readonly clock: () => number = Date.now,
    private readonly onDecision: (team: string, decision: string) => void = () => {},
  ) {}

  /** Validates and stores a budget; `team` comes from the path. */
  async put(team: string, body: unknown): Promise<BudgetStatus> {
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw new ValidationError('(body)', 'must be a JSON object');
    const given = body as Record<string, unknown>;
    if (given.team !== undefined && given.team !== team)
      throw new ValidationError('team', `must match the path (${team})`);
    const parsed = BudgetSpecSchema.safeParse({ ...given, team });
    if (!parsed.success) throw firstIssue(parsed.error);
    await this.store.putBudget(parsed.data, this.clock());
    return (await this.status(team))!;
  }

  async status(team: string): Promise<BudgetStatus | undefined> {
    const spec = await this.store.getBudget(team);
    return spec ? this.statusOf(spec) : undefined;
  }

  async list(): Promise<BudgetStatus[]> {
    return Promise.all((await this.store.listBudgets()).map((spec) => this.statusOf(spec)));
  }

  async remove(team: string): Promise<boolean> {
    return this.store.deleteBudget(team);
  }

  private async statusOf(spec: BudgetSpec): Promise<BudgetStatus> {
    const now = this.clock();
    const period = currentPeriod(spec, now);
    const totals = await this.store.totals(spec.team, period.startMs, period.endMs, now);
    return budgetStatus(spec, period, now, totals.spentNano, totals.reservedNano);
  }

  /** Admits (and reserves) or blocks a call, atomically against every other reservation of the team. */
  async reserve(body: unknown): Promise<ReservationResult> {
    const parsed = ReservationRequestSchema.safeParse(body);
    if (!parsed.success) throw firstIssue(parsed.error);
    const request = parsed.data;
    const spec = await this.store.getBudget(request.team);
    if (!spec)
      return { decision: 'ALLOWED', reasonCode: 'NO_BUDGET', reason: `team ${request.team} has no budget` };
    const now = this.clock();
    const period = currentPeriod(spec, now);
    const estimateNano = BigInt(Math.round(request.estimatedCostUsd * 1e9));
    const id = randomUUID();
    let admission: Admission = { decision: 'ALLOWED' };
    const result = await this.store.reserve(
      {
        id,
        team: request.team,
        amountNano: estimateNano,
        nowMs: now,
        expiresMs: now + request.ttlSeconds * 1000,
        periodStartMs: period.startMs,
        periodEndMs: period.endMs,
      },
      (totals) => {
        admission = decide(spec, period, totals.spentNano, totals.reservedNano, estimateNano);
        return admission.decision !== 'BLOCKED';
      },
    );
    const reserved = result.reservedNano + (result.admitted ? estimateNano : 0n);
    this.onDecision(request.team, (admission as Admission).decision);
    return {
      ...admission,
      ...(result.admitted ? { reservationId: id } : {}),
      budget: budgetStatus(spec, period, now, result.spentNano, reserved),
    };
  }

  async release(id: string): Promise<void> {
    if (!(await this.store.release(id))) throw new GenOpsError('NOT_FOUND', `no live reservation ${id}`, 404);
  }
}
