// BudgetGuard in front of one instrumented call, the same for every client wrapper: reserve the estimate for the
// call's team, record the decision on its span, and on BLOCKED end the span and throw before the LLM is called.
import { safely } from '../telemetry/safely.js';
import type { CallRecorder } from '../telemetry/call-recorder.js';
import { CallBlockedError } from '../errors.js';
import type { Admitted, BudgetGuard, CallEstimate } from './budget-guard.js';

export async function admitCall(
  guard: BudgetGuard,
  recorder: CallRecorder,
  model: string,
  estimate: () => CallEstimate,
): Promise<Admitted> {
  let admitted: Admitted;
  try {
    const { usd, basis } = estimate();
    admitted = await guard.admit({
      team: recorder.team ?? 'unattributed',
      ...(recorder.project ? { project: recorder.project } : {}),
      model,
      estimatedCostUsd: usd,
      ...(basis ? { estimateBasis: basis } : {}),
    });
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
    },
    undefined,
  );
  return admitted;
}
