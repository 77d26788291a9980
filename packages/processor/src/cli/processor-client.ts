// The CLI's one way to the processor: the API's typed client at GENOPS_URL with GENOPS_TOKEN, and errors that say
// which URL, what happened and what to set.
import {
  ApiError,
  createApiClient,
  type ApiClient,
  type RouteInput,
  type RouteOutput,
  type RouteSpec,
} from '../api/index.js';

export const DEFAULT_URL = 'http://127.0.0.1:8080';

/** Why a request never got an answer, from fetch's cause (`ECONNREFUSED`, a timeout, a bad host). */
function unreachable(base: string, error: unknown): Error {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code ?? (error as { name?: string }).name;
  const what =
    code === 'ECONNREFUSED'
      ? 'connection refused: is `genops serve` running there?'
      : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? 'no such host'
        : code === 'TimeoutError' || code === 'UND_ERR_CONNECT_TIMEOUT'
          ? 'timed out'
          : (cause?.message ?? (error as Error).message);
  return new Error(`cannot reach the processor at ${base} (${what}); set GENOPS_URL to where it listens`);
}

function explained(base: string, error: ApiError): Error {
  if (error.status === 401)
    return new Error(
      `${base} refused the request (401): set GENOPS_TOKEN to one of the processor's GENOPS_API_TOKENS`,
    );
  if (error.status === 403) return new Error(`${base}: ${error.message} (403)`);
  return new Error(`${error.message} (${error.status} ${error.code} from ${base})`);
}

export interface ProcessorClient {
  call<R extends RouteSpec>(route: R, input?: RouteInput<R>): Promise<RouteOutput<R>>;
  text<R extends RouteSpec>(route: R, input?: RouteInput<R>): Promise<string>;
}

export function processorClient(
  env: Record<string, string | undefined> = process.env,
  fetchImpl: typeof fetch = globalThis.fetch,
  timeoutMs = 30_000,
): ProcessorClient {
  const base = (env.GENOPS_URL ?? DEFAULT_URL).replace(/\/$/, '');
  const client: ApiClient = createApiClient({
    baseUrl: base,
    ...(env.GENOPS_TOKEN ? { token: env.GENOPS_TOKEN } : {}),
    fetch: (url, init) => fetchImpl(url, { ...init, signal: AbortSignal.timeout(timeoutMs) }),
  });
  const wrap = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      if (error instanceof ApiError) throw explained(base, error);
      if (error instanceof TypeError || (error as Error).name === 'TimeoutError')
        throw unreachable(base, error);
      throw error;
    }
  };
  return {
    call: (route, input) => wrap(() => client.call(route, input)),
    text: (route, input) => wrap(() => client.text(route, input)),
  };
}
