// BudgetGuard's conversation with the processor about reservations: reserve, extend, release — with the guard's
// policy for a processor that cannot be asked (fail open or closed) and for one that refuses the request (always
// blocked, logged once per cause: a misconfiguration never turns enforcement off).
import { diag } from '@opentelemetry/api';
import { ATTR_GENOPS_BUDGET_POLICY, ATTR_GENOPS_TEAM } from '@genops/semconv';
import { GuardRejectedError, ProcessorUnavailableError } from '../errors.js';
import { instrumentsFor } from '../telemetry/instruments.js';
import type { AdmitRequest, ReservationAnswer } from './guard-types.js';
import { ProcessorUnreachableError, type ProcessorClient } from './processor-client.js';

const log = diag.createComponentLogger({ namespace: '@genops/instrumentation/budget-guard' });

export interface ReservationsOptions {
  /** The processor's base URL, as errors name it. */
  url: string;
  /** How long a reservation lives if its cost span never arrives, s. */
  ttlSeconds: number;
  /** An unreachable processor lets calls through (true) or blocks them (false). */
  failOpen: boolean;
}

export class ReservationsClient {
  private readonly logged = new Set<string>();

  constructor(
    private readonly client: ProcessorClient,
    private readonly options: ReservationsOptions,
  ) {}

  /** Asks the processor; an unreachable one answers by the fail-open policy (a decision without a reservation). */
  async reserve(request: AdmitRequest): Promise<ReservationAnswer> {
    const { url, ttlSeconds } = this.options;
    let response;
    try {
      response = await this.client.request('POST', '/v1/reservations', { ...request, ttlSeconds });
    } catch (error) {
      if (error instanceof ProcessorUnreachableError) return this.unreachable(request, error.message);
      throw error;
    }
    if (response.status >= 500)
      return this.unreachable(request, `HTTP ${response.status}: ${response.body.slice(0, 200)}`);
    if (response.status !== 200) {
      const rejected = response.status === 401 || response.status === 403;
      const reasonCode = rejected ? 'PROCESSOR_REJECTED_TOKEN' : 'PROCESSOR_REJECTED_REQUEST';
      const reason = rejected
        ? `processor at ${url} rejected the token (HTTP ${response.status}): set GENOPS_TOKEN or the token option to a token it accepts`
        : `processor at ${url} rejected the reservation (HTTP ${response.status}): ${response.body.slice(0, 300)}`;
      this.logOnce(`${response.status}`, `BudgetGuard blocks calls: ${reason}`);
      throw new GuardRejectedError(request.team, reasonCode, reason);
    }
    return JSON.parse(response.body) as ReservationAnswer;
  }

  /**
   * Reserves `amountUsd` more for a live reservation (a stream outgrowing it); false when the budget refuses, the
   * reservation is gone, or the processor cannot be reached and `failOpen` is off.
   */
  async extend(reservationId: string, amountUsd: number): Promise<boolean> {
    try {
      const response = await this.client.request(
        'POST',
        `/v1/reservations/${encodeURIComponent(reservationId)}/extend`,
        { amountUsd, ttlSeconds: this.options.ttlSeconds },
      );
      if (response.status >= 500) return this.options.failOpen;
      if (response.status !== 200) return false;
      return (JSON.parse(response.body) as ReservationAnswer).decision !== 'BLOCKED';
    } catch (error) {
      if (error instanceof ProcessorUnreachableError) return this.options.failOpen;
      throw error;
    }
  }

  /** Releases a reservation whose call failed or was aborted. Never throws. */
  async release(reservationId: string): Promise<void> {
    try {
      await this.client.request('DELETE', `/v1/reservations/${encodeURIComponent(reservationId)}`);
    } catch {
      // The processor's expiry sweep removes it anyway.
    }
  }

  close(): void {
    this.client.close();
  }

  private unreachable(request: AdmitRequest, cause: string): ReservationAnswer {
    const { failOpen, url } = this.options;
    instrumentsFor().guardUnreachable.add(1, {
      [ATTR_GENOPS_TEAM]: request.team,
      [ATTR_GENOPS_BUDGET_POLICY]: failOpen ? 'fail_open' : 'fail_closed',
    });
    if (failOpen) return { decision: 'ALLOWED', reasonCode: 'PROCESSOR_UNREACHABLE' };
    throw new ProcessorUnavailableError(request.team, `processor at ${url} unreachable: ${cause}`);
  }

  /** Logs a rejected request once per cause through OTel diag (not once per call). */
  private logOnce(key: string, message: string): void {
    if (this.logged.has(key)) return;
    this.logged.add(key);
    log.error(message);
  }
}
