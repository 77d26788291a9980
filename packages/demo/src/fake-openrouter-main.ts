#!/usr/bin/env node
// Runs the fake OpenRouter (the demo's models, providers and prices) as a standalone server, for
// docker-compose without an OpenRouter key. FAKE_OPENROUTER_PORT (default 8090), FAKE_OPENROUTER_HOST.
import { startFakeOpenRouter } from '@genops/fakes';
import { DEMO_FAKE_OPENROUTER } from './scenario.js';

const fake = await startFakeOpenRouter({
  ...DEMO_FAKE_OPENROUTER,
  port: Number(process.env.FAKE_OPENROUTER_PORT ?? 8090),
  host: process.env.FAKE_OPENROUTER_HOST ?? '127.0.0.1',
});
process.stdout.write(`fake OpenRouter on ${fake.baseURL}\n`);
const stop = () => {
  fake.close().finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
