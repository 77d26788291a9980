// The typed client of the processor's API, from the same declarations the server mounts: every answer is checked
// against its schema, and an error answer becomes an ApiError with the server's code and message.
import type { z } from 'zod';
import { fillPath, type RouteInput, type RouteOutput, type RouteSpec } from './route.js';
import { ErrorBody } from './schemas.js';

export interface ApiClientOptions {
  /** The processor's base URL (`http://127.0.0.1:8080`); '' for the page's own origin. */
  baseUrl: string;
  /** A bearer token (GENOPS_API_TOKENS), when the processor requires one. */
  token?: string;
  /** How to send a request (default the global `fetch`): a test passes its in-process app's. */
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
  /** The field a 400 names (`limitUsd: must be …`), when it names one. */
  get field(): string | undefined {
    if (this.code !== 'INVALID_ARGUMENT' && this.status !== 400) return undefined;
    const d = this.details as { field?: unknown } | undefined;
    return typeof d?.field === 'string' ? d.field : undefined;
  }
}

/** The processor answered something its declaration does not allow: a version mismatch, or a proxy's page. */
export class ApiResponseError extends Error {
  constructor(
    readonly route: string,
    readonly issues: z.core.$ZodIssue[],
  ) {
    super(
      `unexpected answer from ${route}: ${issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`)
        .join('; ')}`,
    );
    this.name = 'ApiResponseError';
  }
}

function url(baseUrl: string, route: RouteSpec, input: { params?: unknown; query?: unknown }): string {
  const path = fillPath(route.path, input.params as Record<string, string> | undefined);
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries((input.query ?? {}) as Record<string, string | undefined>))
    if (v !== undefined && v !== '') query.set(k, v);
  const qs = query.toString();
  return `${baseUrl.replace(/\/$/, '')}${path}${qs ? `?${qs}` : ''}`;
}

export interface ApiClient {
  /** Calls a route and returns its answer, checked against the declaration. */
  call<R extends RouteSpec>(route: R, input?: RouteInput<R>): Promise<RouteOutput<R>>;
  /** Calls a route for a non-JSON answer (CSV, metrics text) and returns the body as text. */
  text<R extends RouteSpec>(route: R, input?: RouteInput<R>): Promise<string>;
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const send = async (route: RouteSpec, input: { params?: unknown; query?: unknown; body?: unknown }) => {
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (input.body !== undefined) headers['content-type'] = 'application/json';
    const response = await doFetch(url(options.baseUrl, route, input), {
      method: route.method.toUpperCase(),
      headers,
      ...(input.body !== undefined ? { body: JSON.stringify(input.body) } : {}),
    });
    if (response.ok) return response;
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const error = ErrorBody.safeParse(parsed);
    if (error.success)
      throw new ApiError(
        response.status,
        error.data.error.code,
        error.data.error.message,
        error.data.error.details,
      );
    throw new ApiError(
      response.status,
      'HTTP_' + response.status,
      `${response.status} ${response.statusText}: ${text.slice(0, 200)}`,
    );
  };
  return {
    async call(route, input) {
      const response = await send(route, input ?? {});
      if (route.response === null || response.status === 204) return undefined as never;
      const parsed = route.response.safeParse(await response.json());
      if (!parsed.success)
        throw new ApiResponseError(`${route.method.toUpperCase()} ${route.path}`, parsed.error.issues);
      return parsed.data as never;
    },
    async text(route, input) {
      return (await send(route, input ?? {})).text();
    },
  };
}
