// Mounts a declared route on the app: the token's role checked, path, query and body validated against the
// declaration (a 400 naming the field), and the handler's answer sent as JSON, 204, or the Response it built.
import type { Hono } from 'hono';
import type { z } from 'zod';
import { honoPath, type RouteSpec } from '../api/route.js';
import { GenOpsError, ValidationError } from '../errors.js';
import { allow, type Env, type RouteContext } from './route-context.js';

type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteRequest<R extends RouteSpec> {
  params: Parsed<R['params']>;
  query: Parsed<R['query']>;
  body: Parsed<R['body']>;
  /** The query as sent, for routes that parse it further (reports). */
  search: URLSearchParams;
}

type Answer<R extends RouteSpec> = R['response'] extends z.ZodType ? z.input<R['response']> : null;

export type RouteHandler<R extends RouteSpec> = (
  c: RouteContext,
  request: RouteRequest<R>,
) => Promise<Answer<R> | Response> | Answer<R> | Response;

function check<S extends z.ZodType>(schema: S, value: unknown, kind: 'path' | 'query' | 'body'): z.output<S> {
  if (kind === 'body' && (typeof value !== 'object' || value === null || Array.isArray(value)))
    throw new ValidationError('(body)', 'must be a JSON object');
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  if (issue.code === 'unrecognized_keys')
    throw new ValidationError(issue.keys[0]!, kind === 'query' ? 'unknown query parameter' : 'unknown field');
  throw new ValidationError(issue.path.join('.') || '(body)', issue.message);
}

/** Bodies are small JSON objects: a larger one is refused (413) before or while it is read. */
const MAX_BODY_BYTES = 64 * 1024;

const tooLarge = () =>
  new GenOpsError('PAYLOAD_TOO_LARGE', `request body larger than ${MAX_BODY_BYTES} bytes`, 413);

/**
 * The body as text. With a Content-Length (Node's parser holds the body to it) the Node server's adapter reads it
 * straight off the socket — no web Request or stream is made, a fifth of an admission's CPU when they were; a
 * chunked body is read from its stream and refused once past the limit.
 */
async function readBody(request: Request): Promise<string> {
  const declared = request.headers.get('content-length');
  if (declared !== null) {
    if (Number(declared) > MAX_BODY_BYTES) throw tooLarge();
    return request.text();
  }
  if (!request.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of request.body) {
    size += chunk.byteLength;
    if (size > MAX_BODY_BYTES) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function readJson(c: RouteContext): Promise<unknown> {
  const text = await readBody(c.req.raw);
  try {
    return JSON.parse(text);
  } catch {
    throw new ValidationError('(body)', 'must be JSON');
  }
}

export function mountRoute<R extends RouteSpec>(app: Hono<Env>, route: R, handler: RouteHandler<R>): void {
  app.on(route.method.toUpperCase(), honoPath(route.path), async (c) => {
    // The role first: a token without it learns nothing from a 400 about its input.
    if (route.role !== 'open' && route.role !== 'any') allow(c, route.role);
    const search = new URL(c.req.url).searchParams;
    const request = {
      params: route.params ? check(route.params, c.req.param(), 'path') : undefined,
      query: route.query ? check(route.query, Object.fromEntries(search), 'query') : undefined,
      body: route.body ? check(route.body, await readJson(c), 'body') : undefined,
      search,
    } as RouteRequest<R>;
    const answer = await handler(c, request);
    if (answer instanceof Response) return answer;
    if (answer === null) return c.body(null, 204);
    return c.json(answer as object);
  });
}
