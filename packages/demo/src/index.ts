// The demo: the whole pipeline on this machine (`npm run demo`), its scenario and its traffic — also what the
// dashboards' contract test drives.
export { startDemoPipeline } from './demo-pipeline.js';
export type { DemoPipeline, DemoPipelineOptions } from './demo-pipeline.js';
export { DEMO_BUDGETS_YAML, DEMO_FAKE_OPENROUTER } from './scenario.js';
export { DEMO_PLAN, demoMessages, runTraffic } from './traffic.js';
export type { TrafficPlan, TrafficResult } from './traffic.js';
