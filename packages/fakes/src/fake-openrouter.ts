// A local stand-in for OpenRouter's chat completions API, speaking its wire format (JSON and SSE).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readBody } from './read-body.js';
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
}

/** A generation as OpenRouter's stats describe it. */
interface FakeGeneration {
  id: string;
  model: string;
  provider: string;
  createdMs: number;
  streamed: boolean;
  byok: boolean;
  prompt: number;
  completion: number;
  /** Billed: total (BYOK: the fee) and the upstream cost, USD. */
  totalCost: number;
  upstreamCost: number | null;
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

/** Deterministic usage: one prompt token per character of message content; `max_tokens` (default 16) out. */
export function fakeUsage(body: Record<string, unknown>): { prompt: number; completion: number } {
  const messages = Array.isArray(body.messages) ? (body.messages as { content?: unknown }[]) : [];
  const prompt = messages.reduce((n, m) => n + (typeof m.content === 'string' ? m.content.length : 0), 0);
  const completion = typeof body.max_tokens === 'number' ? body.max_tokens : 16;
  return { prompt, completion };
}

/** Reported cost in USD, computed in integer nano-USD so it is an exact decimal. */
export function fakeCost(price: FakePrice, prompt: number, completion: number): number {
  const nano = Math.round((prompt * price.input * 1e9 + completion * price.output * 1e9) / 1e6);
  return nano / 1e9;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function openRouterError(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, { error: { code: status, message } });
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
    answer(200, {
      data: {
        id: g.id,
        upstream_id: `chatcmpl-${g.id.slice(4)}`,
        total_cost: g.totalCost,
        cache_discount: null,
        upstream_inference_cost: g.upstreamCost,
        created_at: new Date(g.createdMs).toISOString(),
        model: g.model,
        app_id: null,
        streamed: g.streamed,
        cancelled: false,
        provider_name: g.provider,
        latency: options.latencyMs ?? 0,
        moderation_latency: null,
        generation_time: options.latencyMs ?? 0,
        finish_reason: 'stop',
        native_finish_reason: 'stop',
        tokens_prompt: g.prompt,
        tokens_completion: g.completion,
        native_tokens_prompt: g.prompt,
        native_tokens_completion: g.completion,
        native_tokens_reasoning: 0,
        native_tokens_cached: 0,
        num_media_prompt: null,
        num_media_completion: null,
        num_search_results: null,
        origin: '',
        usage: g.totalCost,
        is_byok: g.byok,
        api_type: 'completions',
      },
    });
  }

  /** Picks the model and provider OpenRouter would serve, honouring `models` and `provider.order`. */
  function route(body: Record<string, unknown>): { model: string; provider: string } | { error: number } {
    const models =
      Array.isArray(body.models) && body.models.length ? (body.models as string[]) : [String(body.model)];
    const order = ((body.provider as { order?: string[] } | undefined)?.order ?? []) as string[];
    let lastError = 400;
    for (const model of models) {
      if (model.startsWith('fail/')) {
        lastError = Number(model.slice(5)) || 500;
        continue;
      }
      const candidates = [...order, ...(options.providers?.[model] ?? ['FakeProvider'])];
      const provider = candidates.find((p) => !down.has(p));
      if (provider) return { model, provider };
      lastError = 503;
    }
    return { error: lastError };
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
    const routed = forced >= 400 ? { error: forced } : route(body);
    if ('error' in routed) {
      const message =
        routed.error === 429 ? 'Rate limit exceeded: free-models-per-min' : 'Provider returned error';
      openRouterError(res, routed.error, message);
      return;
    }
    const { prompt, completion } = fakeUsage(body);
    const cost = fakeCost(options.prices?.[routed.model] ?? DEFAULT_PRICE, prompt, completion);
    // `x-fake-byok: 1`: a bring-your-own-key request, as OpenRouter answers it — `cost` is only its fee (5 % of
    // the upstream cost), the provider's cost is in cost_details and billed to the caller's own key.
    const byok = req.headers['x-fake-byok'] === '1';
    const feeOf = (usd: number) => Math.round(usd * 1e9 * 0.05) / 1e9;
    const fee = feeOf(cost);
    const id = `gen-${Date.now()}-${++generation}`;
    const created = Math.floor(Date.now() / 1000);
    const billed = options.billedPrices?.[routed.model]
      ? fakeCost(options.billedPrices[routed.model]!, prompt, completion)
      : cost;
    generations.set(id, {
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
    });
    // `x-fake-no-cost: 1`: usage without `cost` (as from an OpenAI-compatible gateway), so the caller estimates.
    const reportsCost = req.headers['x-fake-no-cost'] !== '1';
    const usage = {
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens: prompt + completion,
      ...(reportsCost ? { cost: byok ? fee : cost } : {}),
      is_byok: byok,
      prompt_tokens_details: { cached_tokens: 0 },
      cost_details: { upstream_inference_cost: byok ? cost : null },
      completion_tokens_details: { reasoning_tokens: 0 },
    };
    const words = Array.from({ length: completion }, (_, i) => `w${i}`);
    // Structured output (`response_format` json_object / json_schema): the same words as {"answer": "…"}.
    const format = (body.response_format as { type?: string } | undefined)?.type;
    const content =
      format === 'json_object' || format === 'json_schema'
        ? JSON.stringify({ answer: words.join(' ') })
        : words.join(' ');
    if (body.stream !== true) {
      sendJson(res, 200, {
        id,
        provider: routed.provider,
        model: routed.model,
        object: 'chat.completion',
        created,
        choices: [
          {
            logprobs: null,
            finish_reason: 'stop',
            native_finish_reason: 'stop',
            index: 0,
            message: { role: 'assistant', content, refusal: null, reasoning: null },
          },
        ],
        usage,
      });
      return;
    }
    const includeUsage =
      (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write(': OPENROUTER PROCESSING\n\n');
    const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
      `data: ${JSON.stringify({
        id,
        provider: routed.provider,
        model: routed.model,
        object: 'chat.completion.chunk',
        created,
        choices,
        ...(includeUsage ? { usage: null } : {}),
        ...extra,
      })}\n\n`;
    res.write(chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]));
    for (const [i, word] of words.entries()) {
      const content = i === 0 ? word : ` ${word}`;
      res.write(chunk([{ index: 0, delta: { content }, finish_reason: null }]));
    }
    res.write(chunk([{ index: 0, delta: {}, finish_reason: 'stop', native_finish_reason: 'stop' }]));
    if (includeUsage) res.write(chunk([], { usage }));
    res.end('data: [DONE]\n\n');
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
