// `docker compose up` for real: the shipped docker-compose.yml on a Docker engine this test starts itself (its own
// socket; data root in the cache), with only assets/compose/docker-compose.local.yml on top (local base images and
// stand-ins for the public images no registry here can serve). Traffic goes through example-service to the fake
// OpenRouter; the processor's report, Prometheus, Jaeger and a hard budget are checked through the published ports,
// then a processor restart and a killed Kafka lose nothing, and `down -v` leaves nothing behind.
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from '@genops/fakes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureComposePlugin, ensureLocalImages, startDockerDaemon, type DockerRun } from '@genops/devstack';
import { repoRoot, stderrProgress } from '@genops/devstack';

const root = repoRoot();
const PROJECT = 'genops';
const OUR_IMAGES = [
  'genops/processor:0.1.0',
  'genops/example-chat-service:0.1.0',
  'genops/fake-openrouter:0.1.0',
  'genops/otelcol:0.155.0',
];
let run: DockerRun;
let work: string;
let envFile: string;
let token: string;
const timings: Record<string, number> = {};

async function timed<T>(name: string, step: () => Promise<T>): Promise<T> {
  const started = Date.now();
  try {
    return await step();
  } finally {
    timings[name] = (Date.now() - started) / 1000;
    stderrProgress(`compose test: ${name} took ${timings[name]!.toFixed(1)}s`);
  }
}

function compose(args: string[]): Promise<string> {
  return run.docker(
    [
      'compose',
      '-f',
      join(root, 'docker-compose.yml'),
      '-f',
      join(root, 'packages', 'devstack', 'assets', 'compose', 'docker-compose.local.yml'),
      '--env-file',
      envFile,
      '--project-directory',
      root,
      ...args,
    ],
    { cwd: root },
  );
}

async function json<T>(url: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
  return { status: response.status, body: (await response.json()) as T };
}

/** Polls `read` every half second until `done` (a refused connection: not yet), or fails naming what it waited for. */
const untilUp = <T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  o: { timeoutMs: number; what: string },
) => until(o.what, read, done, { timeoutMs: o.timeoutMs, intervalMs: 500, retryErrors: true });

const auth = () => ({ authorization: `Bearer ${token}` });

interface ChatReply {
  usage?: { cost?: number };
  error?: string;
}

async function chat(team: string, prompt: string): Promise<{ status: number; body: ChatReply }> {
  return json<ChatReply>('http://127.0.0.1:3001/chat', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ team, project: 'compose', model: 'deepseek/deepseek-chat', prompt }),
  });
}

interface Report {
  totals: { requests: number; costUsd: number };
}

async function report(team: string): Promise<Report['totals']> {
  const { status, body } = await json<Report>(`http://127.0.0.1:8080/v1/reports/cost?team=${team}`, {
    headers: auth(),
  });
  expect(status).toBe(200);
  return body.totals;
}

/** Sends `count` calls for `team`; returns their reported cost in nano-USD (what the ledger must sum to). */
async function traffic(team: string, count: number): Promise<bigint> {
  let nano = 0n;
  for (let i = 0; i < count; i++) {
    const { status, body } = await chat(team, `question ${i} for ${team}`);
    expect(status, body.error).toBe(200);
    nano += BigInt(Math.round(body.usage!.cost! * 1e9));
  }
  return nano;
}

async function expectLedger(team: string, requests: number, nano: bigint): Promise<void> {
  const totals = await untilUp(
    () => report(team),
    (t) => t.requests >= requests,
    { timeoutMs: 180_000, what: `${requests} requests of ${team} in the processor's report` },
  );
  expect(totals.requests).toBe(requests);
  expect(BigInt(Math.round(totals.costUsd * 1e9))).toBe(nano);
}

const started = Date.now();

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'genops-compose-'));
  // The users' path: .env from .env.example, secrets filled in.
  token = randomBytes(16).toString('hex');
  envFile = join(work, '.env');
  copyFileSync(join(root, '.env.example'), envFile);
  const env = readFileSync(envFile, 'utf8')
    .replace(/^POSTGRES_PASSWORD=.*$/m, `POSTGRES_PASSWORD=${randomBytes(12).toString('hex')}`)
    .replace(/^GENOPS_API_TOKEN=.*$/m, `GENOPS_API_TOKEN=${token}`)
    // A key turns reconciliation on (against the bundled fake); every call checked, not a sample.
    .replace(/^OPENROUTER_API_KEY=.*$/m, 'OPENROUTER_API_KEY=sk-or-v1-compose-test')
    .replace(/^GENOPS_RECONCILE_SAMPLE=.*$/m, 'GENOPS_RECONCILE_SAMPLE=1');
  writeFileSync(envFile, env);

  const config = await timed('compose plugin', () => ensureComposePlugin(stderrProgress));
  run = await timed('dockerd start', () => startDockerDaemon(stderrProgress, config));
  await compose(['down', '-v', '--remove-orphans']).catch(() => ''); // a run killed halfway left something
  await timed('stand-in images', () => ensureLocalImages(run, stderrProgress));
  await timed('compose build', () =>
    compose(['build', 'collector', 'processor', 'fake-openrouter', 'example-service']),
  );
  await timed('compose up --wait', () => compose(['up', '-d', '--wait', '--wait-timeout', '300']));
}, 3_600_000);

afterAll(async () => {
  if (run) {
    await compose(['down', '-v', '--remove-orphans']).catch((error) => stderrProgress(String(error)));
    // Keep the cached data root bounded: earlier builds of our images (dangling now) and stopped build containers.
    await run.docker(['container', 'prune', '-f']).catch(() => '');
    await run.docker(['image', 'prune', '-f']).catch(() => '');
    await run.stop();
  }
  rmSync(work, { recursive: true, force: true });
  stderrProgress(`compose test timings (s): ${JSON.stringify(timings)}`);
}, 300_000);

describe('docker compose up (the shipped docker-compose.yml)', () => {
  const team = `compose-${randomBytes(3).toString('hex')}`;
  let sent = 0;
  let nano = 0n;

  it('counts every call through example-service exactly in the processor’s report', async () => {
    nano += await traffic(team, 12);
    sent += 12;
    await expectLedger(team, sent, nano);
  });

  it('runs the collector built from collector/Dockerfile, writing the cost topic in OTLP protobuf', async () => {
    const metrics = await (await fetch('http://127.0.0.1:8080/metrics', { headers: auth() })).text();
    const messages = (encoding: string) =>
      Number(
        new RegExp(`^genops_processor_messages_total\\{encoding="${encoding}"\\} (\\d+)$`, 'm').exec(
          metrics,
        )?.[1] ?? 0,
      );
    expect(messages('otlp_proto')).toBeGreaterThan(0);
    expect([messages('otlp_json'), messages('invalid')]).toEqual([0, 0]);
    const [collector] = JSON.parse(await run.docker(['inspect', `${PROJECT}-collector-1`])) as {
      Image: string;
      Config: { User: string };
    }[];
    const [built] = JSON.parse(await run.docker(['image', 'inspect', 'genops/otelcol:0.155.0'])) as {
      Id: string;
    }[];
    expect([collector!.Image, collector!.Config.User]).toEqual([built!.Id, '65532:65532']);
  });

  it("reconciles the calls with the fake OpenRouter's bill: every one looked up, the overbilled model adjusted", async () => {
    const from = new Date(started).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const res = await json<{
      run: { refused: number; retried: number };
      totals: { calls: number; recordedUsd: number; billedUsd: number; adjustmentUsd: number };
      pending: number;
      groups: { model: string; adjustmentUsd: number }[];
      changes: { model: string; recordedUsd: number; billedUsd: number }[];
    }>(`http://127.0.0.1:8080/v1/reconciliation/run?from=${from}&to=${to}`, {
      method: 'POST',
      headers: auth(),
    });
    expect(res.status).toBe(200);
    expect([res.body.run.refused, res.body.run.retried, res.body.pending]).toEqual([0, 0, 0]);
    // Ours and example-service's own background traffic (EXAMPLE_TRAFFIC_INTERVAL_MS), every one looked up.
    expect(res.body.totals.calls).toBeGreaterThanOrEqual(sent);
    // The bundled fake (the demo's scenario) bills gpt-4o-mini 10 % over what it reports, every other model as
    // reported: only gpt-4o-mini calls (example-service's rotation has them) are adjusted, each by exactly 10 %.
    for (const g of res.body.groups)
      expect(g.adjustmentUsd !== 0, g.model).toBe(g.model === 'openai/gpt-4o-mini');
    for (const c of res.body.changes) {
      expect(c.model).toBe('openai/gpt-4o-mini');
      expect(Math.round(c.billedUsd * 1e9) * 10).toBe(Math.round(c.recordedUsd * 1e9) * 11);
    }
  });

  it('serves the console on 127.0.0.1:8080, same origin as the API, with its CSP', async () => {
    const page = await fetch('http://127.0.0.1:8080/budgets');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toMatch(/^default-src 'self'; script-src 'self';/);
    const script = /src="(\/assets\/index-[\w-]+\.js)"/.exec(await page.text())?.[1];
    const asset = await fetch(`http://127.0.0.1:8080${script}`, { headers: { 'accept-encoding': 'br' } });
    expect([asset.status, asset.headers.get('content-encoding')]).toEqual([200, 'br']);
  });

  it('has Prometheus scraping the collector and the processor, with the rules loaded', async () => {
    const targets = await untilUp(
      async () =>
        (
          await json<{ data: { activeTargets: { labels: { job: string }; health: string }[] } }>(
            'http://127.0.0.1:9090/api/v1/targets',
          )
        ).body.data.activeTargets,
      (list) =>
        ['otel-collector', 'genops-processor'].every((job) =>
          list.some((t) => t.labels.job === job && t.health === 'up'),
        ),
      { timeoutMs: 120_000, what: 'collector and processor targets up' },
    );
    expect(targets.filter((t) => t.health === 'up').map((t) => t.labels.job)).toEqual(
      expect.arrayContaining(['otel-collector', 'genops-processor']),
    );
    const rules = await json<{ data: { groups: { rules: unknown[] }[] } }>(
      'http://127.0.0.1:9090/api/v1/rules',
    );
    expect(rules.body.data.groups.flatMap((g) => g.rules)).toHaveLength(19);
  });

  it('has the traces in Jaeger', async () => {
    const traces = await untilUp(
      async () =>
        (
          await json<{ data: { spans: { tags: { key: string; value: unknown }[] }[] }[] }>(
            `http://127.0.0.1:16686/api/traces?service=example-chat-service&tags=${encodeURIComponent(JSON.stringify({ 'genops.team': team }))}&limit=100`,
          )
        ).body.data,
      (list) => list.length >= 12,
      { timeoutMs: 120_000, what: `the ${team} traces in Jaeger` },
    );
    expect(traces).toHaveLength(12);
  });

  it('holds a team to its hard budget: calls capped to what is left, then blocked before the LLM', async () => {
    const capped = `${team}-capped`;
    const put = await json<unknown>(`http://127.0.0.1:8080/v1/budgets/${capped}`, {
      method: 'PUT',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: JSON.stringify({ period: 'monthly', limitUsd: 0.0001, enforcement: 'hard' }),
    });
    expect(put.status).toBe(200);
    // Each call asks for 64 completion tokens; BudgetGuard caps the last ones to what the budget has left and
    // blocks once that is under its floor of 32 tokens.
    let answered = 0;
    let nano = 0n;
    let blocked: { status: number; body: ChatReply } | undefined;
    for (let i = 0; i < 10 && !blocked; i++) {
      const reply = await chat(capped, `question ${i} for ${capped}`);
      if (reply.status === 429) blocked = reply;
      else {
        expect(reply.status, reply.body.error).toBe(200);
        answered++;
        nano += BigInt(Math.round(reply.body.usage!.cost! * 1e9));
      }
    }
    expect(answered).toBeGreaterThan(0);
    expect(blocked?.body.error).toMatch(/budget/i);
    // The blocked call is recorded too (an error, at no cost).
    await expectLedger(capped, answered + 1, nano);
  });

  it('loses no cost event across `docker compose restart processor` and a killed Kafka', async () => {
    const before = traffic(team, 10);
    await compose(['restart', 'processor']);
    nano += await before;
    sent += 10;
    await run.docker(['kill', `${PROJECT}-kafka-1`]);
    nano += await traffic(team, 10); // the collector queues cost spans on disk while Kafka is gone
    sent += 10;
    await compose(['up', '-d', '--wait', '--wait-timeout', '300', 'kafka']);
    await expectLedger(team, sent, nano);
  });

  it('ships images worth shipping: non-root, health-checked like compose, no secret baked in', async () => {
    for (const image of OUR_IMAGES) {
      const [info] = JSON.parse(await run.docker(['image', 'inspect', image])) as {
        Size: number;
        Config: { User: string; Env: string[]; Healthcheck?: { Test: string[] } };
      }[];
      stderrProgress(`image ${image}: ${(info!.Size / 1e6).toFixed(0)} MB, user ${info!.Config.User}`);
      expect(info!.Config.User, image).not.toMatch(/^(|root|0)(:|$)/);
      const secrets = info!.Config.Env.filter((e) => /(TOKEN|PASSWORD|SECRET|API_KEY)=./i.test(e));
      expect(secrets, image).toEqual([]);
    }
    const processor = JSON.parse(await run.docker(['image', 'inspect', 'genops/processor:0.1.0']))[0] as {
      Config: { Healthcheck: { Test: string[] } };
    };
    expect(processor.Config.Healthcheck.Test.join(' ')).toContain('http://localhost:8080/readyz');
  });
});

describe('docker compose down -v', () => {
  it('leaves no container, network or volume of the project', async () => {
    await compose(['down', '-v', '--remove-orphans']);
    const filter = ['--filter', `label=com.docker.compose.project=${PROJECT}`];
    expect((await run.docker(['ps', '-aq', ...filter])).trim()).toBe('');
    expect((await run.docker(['network', 'ls', '-q', ...filter])).trim()).toBe('');
    expect((await run.docker(['volume', 'ls', '-q', ...filter])).trim()).toBe('');
  });
});
