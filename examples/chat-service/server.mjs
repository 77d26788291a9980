#!/usr/bin/env node
// Example service instrumented with @genops/instrumentation: an HTTP endpoint that asks an OpenAI-compatible
// API (OpenRouter) for a completion on behalf of a team, with cost attribution and a pre-call budget check.
//
//   POST /chat {"team":"search","project":"ranker","model":"deepseek/deepseek-chat","prompt":"…"}
//
// Environment: OPENROUTER_BASE_URL (default https://openrouter.ai/api/v1), OPENROUTER_API_KEY,
// OTEL_EXPORTER_OTLP_ENDPOINT (collector gRPC, default http://localhost:4317), GENOPS_PROCESSOR_URL and
// GENOPS_TOKEN (BudgetGuard; unset = no budget check), PORT (default 3000), HOST (default 127.0.0.1),
// EXAMPLE_TRAFFIC_INTERVAL_MS (when set, the service calls itself on a rotation of teams and models, so the
// dashboards have something to show).
import { createServer } from 'node:http';
import OpenAI from 'openai';
import { BudgetExceededError, BudgetGuard, instrumentOpenAI, withGenOps } from '@genops/instrumentation';
import { setupGenOps } from '@genops/setup';

const env = process.env;
const genops = setupGenOps({
  serviceName: env.OTEL_SERVICE_NAME ?? 'example-chat-service',
  endpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT ?? 'http://localhost:4317',
});
const client = instrumentOpenAI(
  new OpenAI({
    baseURL: env.OPENROUTER_BASE_URL ?? 'https://openrouter.ai/api/v1',
    apiKey: env.OPENROUTER_API_KEY || 'not-needed-for-the-fake',
    maxRetries: 0,
  }),
  {
    provider: 'openrouter',
    defaults: { environment: env.GENOPS_ENVIRONMENT ?? 'compose' },
    ...(env.GENOPS_PROCESSOR_URL
      ? { budgetGuard: new BudgetGuard({ url: env.GENOPS_PROCESSOR_URL, token: env.GENOPS_TOKEN }) }
      : {}),
  },
);

async function chat({ team, project, customerId, model, prompt }) {
  return withGenOps({ team, project, customerId }, () =>
    client.chat.completions.create({ model, messages: [{ role: 'user', content: prompt }], max_tokens: 64 }),
  );
}

function readJson(req) {
  return new Promise((resolve, reject) => {
    let raw = '';
    req.on('data', (d) => (raw += d));
    req.on('end', () => {
      try {
        resolve(JSON.parse(raw || '{}'));
      } catch (error) {
        reject(error);
      }
    });
  });
}

const server = createServer(async (req, res) => {
  const send = (status, body) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  if (req.method === 'GET' && req.url === '/healthz') return send(200, { status: 'ok' });
  if (req.method !== 'POST' || req.url !== '/chat') return send(404, { error: 'POST /chat' });
  let body;
  try {
    body = await readJson(req);
  } catch {
    return send(400, { error: 'body must be JSON' });
  }
  for (const field of ['team', 'model', 'prompt'])
    if (typeof body[field] !== 'string' || !body[field]) return send(400, { error: `${field} is required` });
  try {
    const completion = await chat(body);
    send(200, { text: completion.choices[0]?.message?.content ?? '', usage: completion.usage });
  } catch (error) {
    if (error instanceof BudgetExceededError) return send(429, { error: error.message });
    send(502, { error: error instanceof Error ? error.message : String(error) });
  }
});
server.listen(Number(env.PORT ?? 3000), env.HOST ?? '127.0.0.1', () =>
  process.stdout.write(`example chat service on ${env.HOST ?? '127.0.0.1'}:${env.PORT ?? 3000}\n`),
);

if (env.EXAMPLE_TRAFFIC_INTERVAL_MS) {
  const rotation = [
    { team: 'search', project: 'ranker', model: 'deepseek/deepseek-chat' },
    { team: 'search', project: 'summaries', model: 'qwen/qwen-2.5-72b-instruct' },
    { team: 'support', project: 'assistant', model: 'openai/gpt-4o-mini' },
    { team: 'support', project: 'assistant', model: 'anthropic/claude-3.5-sonnet' },
    { team: 'growth', project: 'emails', model: 'meta-llama/llama-3.3-70b-instruct' },
  ];
  let i = 0;
  setInterval(() => {
    const call = rotation[i++ % rotation.length];
    chat({ ...call, customerId: `customer-${i % 7}`, prompt: `Example request ${i}` }).catch(() => undefined);
  }, Number(env.EXAMPLE_TRAFFIC_INTERVAL_MS));
}

const stop = () => {
  server.close();
  genops.shutdown().finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
