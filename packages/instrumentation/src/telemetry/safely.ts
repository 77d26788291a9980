// Telemetry never breaks the wrapped call: every instrumentation step runs through here.
import { diag } from '@opentelemetry/api';

const logger = diag.createComponentLogger({ namespace: '@genops/instrumentation' });

/** Runs `step`; a throw is reported through OTel diag and turned into `fallback`. */
export function safely<T>(what: string, step: () => T, fallback: T): T {
  try {
    return step();
  } catch (error) {
    logger.error(`${what} failed; the LLM call is unaffected`, error);
    return fallback;
  }
}

const warned = new Set<string>();

/** Warns once per distinct message for the life of the process. */
export function warnOnce(message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  logger.warn(message);
}
