// Local stand-ins for the SaaS endpoints GenOps talks to, speaking their real wire formats: OpenRouter and
// Anthropic (chat, streaming, usage and cost, generation stats), and the Honeycomb, Datadog and Langfuse intakes
// (OTLP and their own payloads), for tests, the demo and docker-compose without keys; and `until`, the one way the
// tests wait on them (and on anything else).
export { startFakeOpenRouter, characterTokens, fakeCost, fakeUsage } from './fake-openrouter.js';
export type { FakeOpenRouter, FakeOpenRouterOptions, FakePrice, RecordedRequest } from './fake-openrouter.js';
export { startFakeAnthropic } from './fake-anthropic.js';
export type { FakeAnthropic, FakeAnthropicOptions } from './fake-anthropic.js';
export { startSaasIntake } from './saas-intake.js';
export type { HoneycombRecord, DatadogRecord, LangfuseRecord } from './saas-intake.js';
export type { DatadogMetric } from './datadog-payload.js';
export { until } from './until.js';
export type { UntilOptions } from './until.js';
