// One API route declared once: its method, path, parameters, body and response as zod schemas. The server's request
// validation (http/mount-route.ts), /openapi.json (openapi.ts) and the typed client (client.ts) all read this.
import type { z } from 'zod';

export type HttpMethod = 'get' | 'put' | 'post' | 'delete';

/** The role a token needs (http/access.ts); `any`: a valid token, whatever its roles; `open`: no token. */
export type RouteRole = 'open' | 'any' | 'read' | 'manage' | 'reserve' | 'metrics';

export interface RouteSpec {
  method: HttpMethod;
  /** OpenAPI form: `/v1/budgets/{team}`. */
  path: string;
  summary: string;
  tag: string;
  role: RouteRole;
  /** Path parameters. */
  params?: z.ZodObject;
  /** Query parameters: an object of optional strings, strict (an unknown parameter is a 400 naming it). */
  query?: z.ZodObject;
  body?: z.ZodType;
  /** The 2xx answer: a JSON schema, `csv` or `text` for a body that is not JSON, `null` for 204. */
  response: z.ZodType | null;
  /** Other content types the route can answer with (e.g. `text/csv` when format=csv). */
  alsoProduces?: string;
  /** Statuses other than 2xx that this route answers with, and when. */
  errors?: Record<number, string>;
}

export function defineRoute<const R extends RouteSpec>(route: R): R {
  return route;
}

/** What a caller passes for a route: its path parameters, query and body, each when declared. */
export type RouteInput<R extends RouteSpec> = (R['params'] extends z.ZodObject
  ? { params: z.input<R['params']> }
  : { params?: undefined }) &
  (R['query'] extends z.ZodObject ? { query?: z.input<R['query']> } : { query?: undefined }) &
  (R['body'] extends z.ZodType ? { body: z.input<R['body']> } : { body?: undefined });

/** What the route answers with, as the client receives it. */
export type RouteOutput<R extends RouteSpec> = R['response'] extends z.ZodType
  ? z.output<R['response']>
  : undefined;

/** `/v1/budgets/{team}` with `{ team: 'a b' }` → `/v1/budgets/a%20b`. */
export function fillPath(path: string, params: Record<string, string> = {}): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`path parameter ${name} is missing for ${path}`);
    return encodeURIComponent(value);
  });
}

/** The hono form of an OpenAPI path: `{team}` → `:team`. */
export const honoPath = (path: string) => path.replace(/\{(\w+)\}/g, ':$1');
