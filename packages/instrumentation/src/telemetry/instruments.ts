// The six GenOps metric instruments, created once per meter provider.
import { metrics, type Counter, type Histogram, type MeterProvider } from '@opentelemetry/api';
import {
  INSTRUMENTATION_SCOPE,
  INSTRUMENTATION_VERSION,
  METRIC_GENOPS_BUDGET_GUARD_UNREACHABLE,
  METRIC_GENOPS_COST,
  METRIC_GENOPS_REQUESTS,
  METRIC_GENOPS_REQUEST_DURATION,
  METRIC_GENOPS_TOKENS,
  METRIC_GEN_AI_CLIENT_OPERATION_DURATION,
  METRIC_GEN_AI_CLIENT_TOKEN_USAGE,
  OPERATION_DURATION_BUCKETS,
  TOKEN_USAGE_BUCKETS,
} from '@genops/semconv';

export interface GenOpsInstruments {
  requests: Counter;
  requestDuration: Histogram;
  tokens: Counter;
  cost: Counter;
  tokenUsage: Histogram;
  operationDuration: Histogram;
  guardUnreachable: Counter;
}

const byProvider = new WeakMap<MeterProvider, GenOpsInstruments>();

function createInstruments(provider: MeterProvider): GenOpsInstruments {
  const meter = provider.getMeter(INSTRUMENTATION_SCOPE, INSTRUMENTATION_VERSION);
  return {
    requests: meter.createCounter(METRIC_GENOPS_REQUESTS, {
      description: 'LLM requests made, by team, model, served provider and status',
      unit: '{request}',
    }),
    requestDuration: meter.createHistogram(METRIC_GENOPS_REQUEST_DURATION, {
      description: 'Duration of LLM requests',
      unit: 's',
      advice: { explicitBucketBoundaries: [...OPERATION_DURATION_BUCKETS] },
    }),
    tokens: meter.createCounter(METRIC_GENOPS_TOKENS, {
      description: 'Tokens used by LLM requests, by token type',
      unit: '{token}',
    }),
    cost: meter.createCounter(METRIC_GENOPS_COST, {
      description: 'Cost of LLM requests in USD (reported by the API where it says so, else estimated)',
      unit: '{USD}',
    }),
    tokenUsage: meter.createHistogram(METRIC_GEN_AI_CLIENT_TOKEN_USAGE, {
      description: 'Measures number of input and output tokens used',
      unit: '{token}',
      advice: { explicitBucketBoundaries: [...TOKEN_USAGE_BUCKETS] },
    }),
    operationDuration: meter.createHistogram(METRIC_GEN_AI_CLIENT_OPERATION_DURATION, {
      description: 'GenAI operation duration',
      unit: 's',
      advice: { explicitBucketBoundaries: [...OPERATION_DURATION_BUCKETS] },
    }),
    guardUnreachable: meter.createCounter(METRIC_GENOPS_BUDGET_GUARD_UNREACHABLE, {
      description: 'Budget checks that could not reach the processor',
      unit: '{check}',
    }),
  };
}

/** Instruments of `provider` (default: the global meter provider at the time of the call). */
export function instrumentsFor(provider: MeterProvider = metrics.getMeterProvider()): GenOpsInstruments {
  let instruments = byProvider.get(provider);
  if (!instruments) {
    instruments = createInstruments(provider);
    byProvider.set(provider, instruments);
  }
  return instruments;
}
