// Attribution carried in OTel context, so nested and concurrent async work each keep their own.
import { AsyncLocalStorage } from 'node:async_hooks';
import { context, createContextKey, propagation } from '@opentelemetry/api';
import { ATTRIBUTION_ATTRIBUTES } from './telemetry/attributes.js';
import type { GenOpsAttribution } from './types.js';

const ATTRIBUTION_KEY = createContextKey('genops.attribution');

/** GENOPS_* environment variable for each attribution field. */
export const ATTRIBUTION_ENV: Readonly<Record<keyof GenOpsAttribution, string>> = {
  team: 'GENOPS_TEAM',
  project: 'GENOPS_PROJECT',
  customerId: 'GENOPS_CUSTOMER_ID',
  feature: 'GENOPS_FEATURE',
  environment: 'GENOPS_ENVIRONMENT',
  costCenter: 'GENOPS_COST_CENTER',
  userId: 'GENOPS_USER_ID',
  experimentId: 'GENOPS_EXPERIMENT_ID',
  variantId: 'GENOPS_VARIANT_ID',
  promptVersion: 'GENOPS_PROMPT_VERSION',
  featureVersion: 'GENOPS_FEATURE_VERSION',
};

// Used only when the service has no OTel context manager (then context.with does not propagate).
const fallbackStorage = new AsyncLocalStorage<GenOpsAttribution>();
let otelPropagates: boolean | undefined;

function otelContextPropagates(): boolean {
  if (otelPropagates === undefined || !otelPropagates) {
    const probe = context.active().setValue(ATTRIBUTION_KEY, {});
    otelPropagates = context.with(probe, () => context.active() === probe);
  }
  return otelPropagates;
}

function definedFields(attribution: GenOpsAttribution): GenOpsAttribution {
  const out: GenOpsAttribution = {};
  for (const [key, value] of Object.entries(attribution) as [keyof GenOpsAttribution, unknown][]) {
    if (typeof value === 'string' && value !== '') out[key] = value;
  }
  return out;
}

/** The attribution set by the enclosing `withGenOps` calls (innermost wins per field). */
export function getGenOpsContext(): GenOpsAttribution {
  const fromOtel = context.active().getValue(ATTRIBUTION_KEY) as GenOpsAttribution | undefined;
  return fromOtel ?? fallbackStorage.getStore() ?? {};
}

/**
 * Runs `fn` with `attribution` merged over the enclosing attribution. Every LLM call made inside, however deep
 * in async work, is attributed to it.
 */
export function withGenOps<T>(attribution: GenOpsAttribution, fn: () => T): T {
  const merged = { ...getGenOpsContext(), ...definedFields(attribution) };
  if (otelContextPropagates()) {
    return context.with(context.active().setValue(ATTRIBUTION_KEY, merged), fn);
  }
  return fallbackStorage.run(merged, fn);
}

/** Attribution from GENOPS_* variables of `env`. */
export function attributionFromEnv(env: Record<string, string | undefined>): GenOpsAttribution {
  const out: GenOpsAttribution = {};
  for (const [field, variable] of Object.entries(ATTRIBUTION_ENV) as [keyof GenOpsAttribution, string][]) {
    const value = env[variable];
    if (value) out[field] = value;
  }
  return out;
}

/**
 * Attribution from W3C baggage (`baggage: genops.team=search,genops.project=ranker`), so a gateway or an upstream
 * service can attribute the calls of the services behind it without code changes there.
 */
export function attributionFromBaggage(): GenOpsAttribution {
  const baggage = propagation.getBaggage(context.active());
  if (!baggage) return {};
  const out: GenOpsAttribution = {};
  for (const [field, key] of Object.entries(ATTRIBUTION_ATTRIBUTES) as [keyof GenOpsAttribution, string][]) {
    const value = baggage.getEntry(key)?.value;
    if (value) out[field] = value;
  }
  return out;
}

/** Effective attribution of a call: `withGenOps` context over baggage over wrap defaults over environment. */
export function resolveAttribution(
  defaults: GenOpsAttribution,
  fromEnv: GenOpsAttribution,
): GenOpsAttribution {
  return { ...fromEnv, ...definedFields(defaults), ...attributionFromBaggage(), ...getGenOpsContext() };
}
