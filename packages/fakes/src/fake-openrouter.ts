// A local stand-in for OpenRouter's chat completions API, speaking its wire format (JSON and SSE).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readBody } from './read-body.js';
import {
  generationBody,
  openRouterError,
  sendCompletion,
  streamCompletion,
  type FakeGeneration,
} from './fake-openrouter-wire.js';
import type { AddressInfo } from 'node:net';

/** Fake list prices, USD per million tokens, used for the reported `usage.cost`. */
export interface FakePrice {
  input: number;
  output: number;
}

export interface FakeOpenRouterOptions {
  /** Port; 0 picks a free one. */
  port?: number;
  /** Address to listen on. Default 127.0.0.1 (docker-compose uses 0.0.0.0 inside its network). */
  host?: string;
  /** Providers serving each model, first choice first. Default: `FakeProvider`. */
  providers?: Record<string, string[]>;
  /** Providers that answer 503 (so the router falls back to the next one). */
  downProviders?: string[];
  /** Prices behind the reported cost. Default 0.30 / 1.20 USD per 1M tokens. */
  prices?: Record<string, FakePrice>;
  /** Delay before answering, ms. */
  latencyMs?: number;
  /** What the bill (generation stats) charges, where it differs from the reported `usage.cost`. Default `prices`. */
  billedPrices?: Record<string, FakePrice>;
  /** Generation stats answer 404 for this long after the call, as OpenRouter's do at first. Default 0. */
  generationDelayMs?: number;
  /** The key `GET /generation` requires (`Authorization: Bearer …`); default any. */
  apiKey?: string;
  /** Answers for the next generation lookups, in order, before normal service (e.g. a 429 with Retry-After). */
  generationFailures?: { status: number; retryAfterSeconds?: number }[];
  /**
   * How long the model's answer is when nothing stops it, in tokens: a request's `max_tokens` (or
   * `max_completion_tokens`) cuts it shorter. Default: the request's cap, else 16.
   */
  replyTokens?: number;
  /** Prompt tokens of a request, as the served model's tokenizer counts them. Default one per character. */
  promptTokens?: (messages: readonly { role?: unknown; content?: unknown }[], model: string) => number;
}

/** One request the fake received. */
export interface RecordedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
}

export interface FakeOpenRouter {
  /** Base URL to give the openai SDK, e.g. http://127.0.0.1:1234/api/v1 */
  readonly baseURL: string;
  readonly requests: RecordedRequest[];
  /** Generation lookups answered, in order: id, status and when (ms). */
  readonly lookups: { id: string; status: number; atMs: number }[];
  close(): Promise<void>;
}

const DEFAULT_PRICE: FakePrice = { input: 0.3, output: 1.2 };

/** The request's output cap: `max_completion_tokens`, else `max_tokens`. */
function requestCap(body: Record<string, unknown>): number | undefined {
  const cap = body.max_completion_tokens ?? body.max_tokens;
  return typeof cap === 'number' ? cap : undefined;
}

/** One prompt token per character of message content. */
export function characterTokens(messages: readonly { content?: unknown }[]): number {
  return messages.reduce((n, m) => n + (typeof m.content === 'string' ? m.content.length : 0), 0);
}

/**
 * Deterministic usage: prompt tokens by `promptTokens` (default one per character of message content); the answer is
 * `replyTokens` long, cut at the request's cap (default: the cap, else 16).
 */
export function fakeUsage(
  body: Record<string, unknown>,
  options: Pick<FakeOpenRouterOptions, 'replyTokens' | 'promptTokens'> = {},
): { prompt: number; completion: number } {
  const messages = Array.isArray(body.messages) ? (body.messages as { content?: unknown }[]) : [];
  const prompt = (options.promptTokens ?? characterTokens)(messages, String(body.model));
  const cap = requestCap(body);
  const completion =
    options.replyTokens === undefined ? (cap ?? 16) : Math.min(options.replyTokens, cap ?? Infinity);
  return { prompt, completion };
}

/** Reported cost in USD, computed in integer nano-USD so it is an exact decimal. */
export function fakeCost(price: FakePrice, prompt: number, completion: number): number {
  const nano = Math.round((prompt * price.input * 1e9 + completion * price.output * 1e9) / 1e6);
  return nano / 1e9;
}

/** Picks the model and provider OpenRouter would serve, honouring `models` and `provider.order`. */
function route(
  body: Record<string, unknown>,
  providers: FakeOpenRouterOptions['providers'],
  down: ReadonlySet<string>,
): { model: string; provider: string } | { error: number } {
  const models =
    Array.isArray(body.models) && body.models.length ? (body.models as string[]) : [String(body.model)];
  const order = ((body.provider as { order?: string[] } | undefined)?.order ?? []) as string[];
  let lastError = 400;
  for (const model of models) {
    if (model.startsWith('fail/')) {
      lastError = Number(model.slice(5)) || 500;
      continue;
    }
    const candidates = [...order, ...(providers?.[model] ?? ['FakeProvider'])];
    const provider = candidates.find((p) => !down.has(p));
    if (provider) return { model, provider };
    lastError = 503;
  }
  return { error: lastError };
}

/**
 * What a call costs and how OpenRouter reports it: the usage (with `cost` unless `x-fake-no-cost: 1` asks for an
 * OpenAI-compatible gateway's usage) and the generation record its stats will show. `x-fake-byok: 1`: a
 * bring-your-own-key request, as OpenRouter answers it — `cost` is only its fee (5 % of the upstream cost), the
 * provider's cost is in cost_details and billed to the caller's own key.
 */
function bill(
  id: string,
  body: Record<string, unknown>,
  routed: { model: string; provider: string },
  headers: IncomingMessage['headers'],
  options: FakeOpenRouterOptions,
): { usage: Record<string, unknown>; completion: number; record: FakeGeneration } {
  const { prompt, completion } = fakeUsage({ ...body, model: routed.model }, options);
  const cost = fakeCost(options.prices?.[routed.model] ?? DEFAULT_PRICE, prompt, completion);
  const byok = headers['x-fake-byok'] === '1';
  const feeOf = (usd: number) => Math.round(usd * 1e9 * 0.05) / 1e9;
  const billed = options.billedPrices?.[routed.model]
    ? fakeCost(options.billedPrices[routed.model]!, prompt, completion)
    : cost;
  const record: FakeGeneration = {
    id,
    model: routed.model,
    provider: routed.provider,
    createdMs: Date.now(),
    streamed: body.stream === true,
    byok,
    prompt,
    completion,
    totalCost: byok ? feeOf(billed) : billed,
    upstreamCost: byok ? billed : null,
  };
  const usage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    ...(headers['x-fake-no-cost'] !== '1' ? { cost: byok ? feeOf(cost) : cost } : {}),
    is_byok: byok,
    prompt_tokens_details: { cached_tokens: 0 },
    cost_details: { upstream_inference_cost: byok ? cost : null },
    completion_tokens_details: { reasoning_tokens: 0 },
  };
  return { usage, completion, record };
}

export async function startFakeOpenRouter(options: FakeOpenRouterOptions = {}): Promise<FakeOpenRouter> {
  const requests: RecordedRequest[] = [];
  const down = new Set(options.downProviders ?? []);
  let generation = 0;
  const generations = new Map<string, FakeGeneration>();
  const lookups: { id: string; status: number; atMs: number }[] = [];
  const failures = [...(options.generationFailures ?? [])];

  /** `GET /api/v1/generation?id=`: the billed stats, in OpenRouter's response shape. */
  function generationStats(req: IncomingMessage, res: ServerResponse): void {
    const id = new URL(req.url ?? '', 'http://fake').searchParams.get('id') ?? '';
    const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      lookups.push({ id, status, atMs: Date.now() });
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    if (options.apiKey && req.headers.authorization !== `Bearer ${options.apiKey}`)
      return answer(401, { error: { code: 401, message: 'No auth credentials found' } });
    const failure = failures.shift();
    if (failure)
      return answer(
        failure.status,
        { error: { code: failure.status, message: 'Rate limit exceeded' } },
        failure.retryAfterSeconds !== undefined ? { 'retry-after': String(failure.retryAfterSeconds) } : {},
      );
    const g = generations.get(id);
    if (!g || Date.now() - g.createdMs < (options.generationDelayMs ?? 0))
      return answer(404, { error: { code: 404, message: 'Generation not found' } });
    answer(200, generationBody(g, options.latencyMs ?? 0));
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (req.method === 'GET' && path.endsWith('/generation')) return generationStats(req, res);
    if (req.method !== 'POST' || !path.endsWith('/chat/completions')) {
      openRouterError(res, 404, `no route ${req.method} ${path}`);
      return;
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(await readBody(req)) as Record<string, unknown>;
    } catch {
      openRouterError(res, 400, 'body is not JSON');
      return;
    }
    requests.push({ path, headers: req.headers, body });
    if (options.latencyMs) await new Promise((r) => setTimeout(r, options.latencyMs));
    // A test or demo can ask for one specific failure: `x-fake-status: 429`.
    const forced = Number(req.headers['x-fake-status']);
    const routed = forced >= 400 ? { error: forced } : route(body, options.providers, down);
    if ('error' in routed) {
      const message =
        routed.error === 429 ? 'Rate limit exceeded: free-models-per-min' : 'Provider returned error';
      openRouterError(res, routed.error, message);
      return;
    }
    const id = `gen-${Date.now()}-${++generation}`;
    const { usage, completion, record } = bill(id, body, routed, req.headers, options);
    generations.set(id, record);
    const created = Math.floor(Date.now() / 1000);
    const reply = { id, created, model: routed.model, provider: routed.provider, usage, completion };
    if (body.stream !== true) sendCompletion(res, reply, body);
    else streamCompletion(res, reply, body);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => openRouterError(res, 500, String(error)));
  });
  await new Promise<void>((resolve) =>
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve),
  );
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/api/v1`,
    requests,
    lookups,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
