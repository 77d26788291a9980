// OpenRouter's wire format, as the fake answers: JSON errors, a chat completion whole or streamed as SSE chunks, and a
// generation's stats.
import type { ServerResponse } from 'node:http';

/** A generation as OpenRouter's stats describe it. */
export interface FakeGeneration {
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

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

export function openRouterError(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, { error: { code: status, message } });
}

/** A generation's stats as `GET /api/v1/generation` answers them. */
export function generationBody(g: FakeGeneration, latencyMs: number): unknown {
  return {
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
      latency: latencyMs,
      moderation_latency: null,
      generation_time: latencyMs,
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
  };
}

export interface Reply {
  id: string;
  created: number;
  model: string;
  provider: string;
  usage: Record<string, unknown>;
  /** Completion tokens: the reply is that many words, `w0 w1 …`. */
  completion: number;
}

/** The reply's words; with `response_format` json_object or json_schema, the same words as {"answer": "…"}. */
function replyContent(reply: Reply, body: Record<string, unknown>): { words: string[]; content: string } {
  const words = Array.from({ length: reply.completion }, (_, i) => `w${i}`);
  const format = (body.response_format as { type?: string } | undefined)?.type;
  const content =
    format === 'json_object' || format === 'json_schema'
      ? JSON.stringify({ answer: words.join(' ') })
      : words.join(' ');
  return { words, content };
}

/** A chat completion in one JSON answer, as OpenRouter sends it. */
export function sendCompletion(res: ServerResponse, reply: Reply, body: Record<string, unknown>): void {
  sendJson(res, 200, {
    id: reply.id,
    provider: reply.provider,
    model: reply.model,
    object: 'chat.completion',
    created: reply.created,
    choices: [
      {
        logprobs: null,
        finish_reason: 'stop',
        native_finish_reason: 'stop',
        index: 0,
        message: {
          role: 'assistant',
          content: replyContent(reply, body).content,
          refusal: null,
          reasoning: null,
        },
      },
    ],
    usage: reply.usage,
  });
}

/** A chat completion as OpenRouter streams it: SSE chunks, a word each, the usage last when asked for. */
export function streamCompletion(res: ServerResponse, reply: Reply, body: Record<string, unknown>): void {
  const includeUsage =
    (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.write(': OPENROUTER PROCESSING\n\n');
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
    `data: ${JSON.stringify({
      id: reply.id,
      provider: reply.provider,
      model: reply.model,
      object: 'chat.completion.chunk',
      created: reply.created,
      choices,
      ...(includeUsage ? { usage: null } : {}),
      ...extra,
    })}\n\n`;
  res.write(chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]));
  for (const [i, word] of replyContent(reply, body).words.entries()) {
    const content = i === 0 ? word : ` ${word}`;
    res.write(chunk([{ index: 0, delta: { content }, finish_reason: null }]));
  }
  res.write(chunk([{ index: 0, delta: {}, finish_reason: 'stop', native_finish_reason: 'stop' }]));
  if (includeUsage) res.write(chunk([], { usage: reply.usage }));
  res.end('data: [DONE]\n\n');
}
