// examples/chat-service (docker-compose's example-service): answers POST /chat through the instrumented openai
// client, rejects bad input with 400, and keeps answering when no collector is reachable.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenRouter, type FakeOpenRouter } from '@genops/fakes';
import { freePort, repoRoot } from '@genops/devstack';
import { DEMO_FAKE_OPENROUTER } from '@genops/demo';
import { waitFor } from './support/stack-clients.js';

let fake: FakeOpenRouter;
let child: ChildProcess;
let url: string;
const post = (body: unknown) =>
  fetch(`${url}/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  // A port free now (one derived from the pid could be any other server's).
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  fake = await startFakeOpenRouter(DEMO_FAKE_OPENROUTER);
  child = spawn(process.execPath, [join(repoRoot(), 'examples', 'chat-service', 'server.mjs')], {
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      OPENROUTER_BASE_URL: fake.baseURL,
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', // nothing listens: telemetry must not break calls
    },
    stdio: 'ignore',
  });
  await waitFor(
    'the example service',
    async () => ((await fetch(`${url}/healthz`)).ok ? true : undefined),
    20_000,
  );
});

afterAll(async () => {
  child?.kill('SIGTERM');
  await fake?.close();
});

describe('examples/chat-service', () => {
  it('answers a chat through the fake OpenRouter', async () => {
    const response = await post({ team: 'search', model: 'deepseek/deepseek-chat', prompt: 'hello' });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { usage: { prompt_tokens: number; completion_tokens: number } };
    expect(body.usage).toMatchObject({ prompt_tokens: 5, completion_tokens: 64 });
    expect(fake.requests.map((r) => r.body.model)).toEqual(['deepseek/deepseek-chat']);
  });

  it('names the missing field with a 400', async () => {
    const response = await post({ model: 'deepseek/deepseek-chat', prompt: 'hello' });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'team is required' });
  });
});
