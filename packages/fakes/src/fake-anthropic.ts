// A local fake of Anthropic's Messages API (`POST /v1/messages`): its JSON and its server-sent events, with
// deterministic usage so tests can assert exact costs.
//   usage: input_tokens = characters of the system prompt and messages; output_tokens = max_tokens (or the
//   `replyTokens` the answer runs to, when shorter).
//   `x-fake-cache: {"read":N,"write5m":N,"write1h":N}` adds Anthropic's cache fields; a model starting with
//   `fail-` answers 500, `overloaded-` 529, both in Anthropic's error shape.
import { createServer, type ServerResponse } from 'node:http';
import { readBody } from './read-body.js';
import type { AddressInfo } from 'node:net';

export interface FakeAnthropic {
  /** Base URL for `new Anthropic({ baseURL })`. */
  baseURL: string;
  /** Requests received (parsed bodies), in order. */
  requests: Record<string, unknown>[];
  close(): Promise<void>;
}

function text(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: { text?: unknown }) => (typeof part?.text === 'string' ? part.text : ''))
    .join('');
}

function error(res: ServerResponse, status: number, type: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ type: 'error', error: { type, message } }));
}

interface Reply {
  id: string;
  model: string;
  usage: Record<string, unknown>;
  /** The reply is that many words, `w0 w1 …`. */
  outputTokens: number;
}

/**
 * The usage Anthropic reports: input tokens are the prompt's characters; the output is `max_tokens` words; cache
 * reads and 5-minute and 1-hour writes as the test asks in `x-fake-cache` (`{"read":…,"write5m":…,"write1h":…}`).
 */
function usageOf(
  body: Record<string, unknown>,
  cacheHeader: string | string[] | undefined,
  replyTokens: number | undefined,
) {
  const messages = Array.isArray(body.messages) ? (body.messages as { content?: unknown }[]) : [];
  const inputTokens = text(body.system).length + messages.reduce((n, m) => n + text(m.content).length, 0);
  const outputTokens = Math.min(body.max_tokens as number, replyTokens ?? Infinity);
  const cache = JSON.parse(String(cacheHeader ?? '{}')) as Record<string, number>;
  const usage = {
    input_tokens: inputTokens,
    cache_creation_input_tokens: (cache.write5m ?? 0) + (cache.write1h ?? 0),
    cache_read_input_tokens: cache.read ?? 0,
    cache_creation: {
      ephemeral_5m_input_tokens: cache.write5m ?? 0,
      ephemeral_1h_input_tokens: cache.write1h ?? 0,
    },
    output_tokens: outputTokens,
    service_tier: 'standard',
  };
  return { usage, outputTokens };
}

const wordsOf = (reply: Reply) => Array.from({ length: reply.outputTokens }, (_, i) => `w${i}`);

/** A message in one JSON answer. */
function sendMessage(res: ServerResponse, reply: Reply): void {
  res.writeHead(200, { 'content-type': 'application/json', 'request-id': `req_${reply.id}` });
  res.end(
    JSON.stringify({
      id: reply.id,
      type: 'message',
      role: 'assistant',
      model: reply.model,
      content: [{ type: 'text', text: wordsOf(reply).join(' ') }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: reply.usage,
    }),
  );
}

/** A message as Anthropic streams it: message_start, a text block a word per delta, message_delta, message_stop. */
function streamMessage(res: ServerResponse, reply: Reply): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const send = (event: string, data: unknown) =>
    res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  send('message_start', {
    type: 'message_start',
    message: {
      id: reply.id,
      type: 'message',
      role: 'assistant',
      model: reply.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { ...reply.usage, output_tokens: 1 },
    },
  });
  send('content_block_start', {
    type: 'content_block_start',
    index: 0,
    content_block: { type: 'text', text: '' },
  });
  for (const [i, word] of wordsOf(reply).entries())
    send('content_block_delta', {
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'text_delta', text: i ? ` ${word}` : word },
    });
  send('content_block_stop', { type: 'content_block_stop', index: 0 });
  send('message_delta', {
    type: 'message_delta',
    delta: { stop_reason: 'end_turn', stop_sequence: null },
    usage: { output_tokens: reply.outputTokens },
  });
  send('message_stop', { type: 'message_stop' });
  res.end();
}

export interface FakeAnthropicOptions {
  host?: string;
  port?: number;
  /** How long the model's answer is when `max_tokens` does not stop it first. Default: `max_tokens`. */
  replyTokens?: number;
}

export async function startFakeAnthropic(options: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
  const requests: Record<string, unknown>[] = [];
  let seq = 0;
  const server = createServer(async (req, res) => {
    if (req.method !== 'POST' || req.url !== '/v1/messages')
      return error(res, 404, 'not_found_error', 'Not found');
    if (!req.headers['x-api-key'] && !req.headers.authorization)
      return error(res, 401, 'authentication_error', 'an x-api-key or authorization header is required');
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(await readBody(req)) as Record<string, unknown>;
    } catch {
      return error(res, 400, 'invalid_request_error', 'body must be JSON');
    }
    requests.push(body);
    const model = String(body.model ?? '');
    if (typeof body.max_tokens !== 'number')
      return error(res, 400, 'invalid_request_error', 'max_tokens: Field required');
    if (model.startsWith('fail-')) return error(res, 500, 'api_error', 'Internal server error');
    if (model.startsWith('overloaded-')) return error(res, 529, 'overloaded_error', 'Overloaded');

    const { usage, outputTokens } = usageOf(body, req.headers['x-fake-cache'], options.replyTokens);
    const id = `msg_fake${String(++seq).padStart(6, '0')}`;
    const reply = { id, model, usage, outputTokens };
    if (body.stream !== true) sendMessage(res, reply);
    else streamMessage(res, reply);
  });
  await new Promise<void>((resolve) =>
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve),
  );
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://${options.host ?? '127.0.0.1'}:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
