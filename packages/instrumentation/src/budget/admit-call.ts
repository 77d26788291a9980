// BudgetGuard in front of one instrumented call, the same for every client wrapper: reserve the call's worst case for
// its team, record the decision (and the output cap a hard budget sets) on its span, and on BLOCKED end the span and
// throw before the LLM is called.
import { safely } from '../telemetry/safely.js';
import type { CallRecorder } from '../telemetry/call-recorder.js';
import { CallBlockedError } from '../errors.js';
import type { BudgetGuard } from './budget-guard.js';
import type { Admitted, CallScope, ChatAdmission } from './guard-types.js';

/** A chat call as BudgetGuard sees it (who it is for comes from the span's attribution). */
export type ChatRequest = Omit<ChatAdmission, keyof CallScope>;

export async function admitCall(
  guard: BudgetGuard,
  recorder: CallRecorder,
  chat: () => ChatRequest,
): Promise<Admitted> {
  let admitted: Admitted;
  try {
    admitted = await guard.admitChat({ ...recorder.scope, ...chat() });
  } catch (error) {
    if (error instanceof CallBlockedError) recorder.setBudgetDecision('BLOCKED', error.reasonCode);
    recorder.end(error);
    throw error;
  }
  safely(
    'recording the budget decision',
    () => {
      recorder.setBudgetDecision(admitted.decision, admitted.reasonCode);
      if (admitted.reservationId) recorder.setReservation(admitted.reservationId);
      if (admitted.maxOutputTokens !== undefined) recorder.setOutputCap(admitted.maxOutputTokens);
    },
    undefined,
  );
  return admitted;
}
