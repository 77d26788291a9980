// The errors GenOps throws into the caller's code: each with a stable `code` and whether trying again may succeed
// (`retriable`), so a caller can tell an exhausted budget from a misconfigured guard from a processor that is down.

export class GenOpsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** Whether the same call may succeed later without a change on the caller's side. */
    readonly retriable: boolean,
  ) {
    super(message);
    this.name = 'GenOpsError';
  }
}

/** BudgetGuard stopped the call before the LLM was called. Catch this for every reason it can. */
export class CallBlockedError extends GenOpsError {
  constructor(
    code: string,
    readonly team: string,
    /** Why, as the decision log and the span say it (`BUDGET_EXCEEDED`, `PROCESSOR_REJECTED_TOKEN`, …). */
    readonly reasonCode: string,
    readonly reason: string,
    retriable: boolean,
    message = `call blocked for team ${team}: ${reason}`,
  ) {
    super(code, message, retriable);
    this.name = 'CallBlockedError';
  }
}

/** The team's hard budget (or a policy) cannot take the call: not before the budget's period or limit changes. */
export class BudgetExceededError extends CallBlockedError {
  constructor(team: string, reasonCode: string, reason: string) {
    super('BUDGET_EXCEEDED', team, reasonCode, reason, false, `budget exceeded for team ${team}: ${reason}`);
    this.name = 'BudgetExceededError';
  }
}

/**
 * A streamed call was cut: its hard budget refused to extend the reservation as the output grew. The caller has
 * received the chunks its reservation paid for; the request was aborted. `withoutStreamCut` lets a call run on.
 */
export class StreamCutError extends BudgetExceededError {
  constructor(
    team: string,
    /** Output tokens the caller received before the cut. */
    readonly outputTokens: number,
  ) {
    super(
      team,
      'STREAM_BUDGET_EXCEEDED',
      `the hard budget refused more for the stream after ${outputTokens} output tokens: the request was aborted`,
    );
    this.name = 'StreamCutError';
  }
}

/** The processor refused the guard itself (its token, or its request): a misconfiguration, not a budget. */
export class GuardRejectedError extends CallBlockedError {
  constructor(
    team: string,
    reasonCode: 'PROCESSOR_REJECTED_TOKEN' | 'PROCESSOR_REJECTED_REQUEST',
    reason: string,
  ) {
    super('GUARD_REJECTED', team, reasonCode, reason, false);
    this.name = 'GuardRejectedError';
  }
}

/** The processor could not be asked and the guard fails closed (`failOpen: false`): may pass once it is back. */
export class ProcessorUnavailableError extends CallBlockedError {
  constructor(team: string, reason: string) {
    super('PROCESSOR_UNAVAILABLE', team, 'PROCESSOR_UNREACHABLE', reason, true);
    this.name = 'ProcessorUnavailableError';
  }
}
