// The guard's HTTP client for the processor: keep-alive sockets (admission sits in front of every LLM call, so no
// connection set-up per call), a deadline per request, and a clear split between "unreachable" and "answered".
import http from 'node:http';
import https from 'node:https';

export interface ProcessorResponse {
  status: number;
  body: string;
}

/** The processor could not be asked: connection refused or reset, DNS, or the deadline passed. */
export class ProcessorUnreachableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProcessorUnreachableError';
  }
}

export class ProcessorClient {
  private readonly base: URL;
  private readonly agent: http.Agent;
  private readonly transport: typeof http | typeof https;

  constructor(
    url: string,
    private readonly token: string | undefined,
    private readonly timeoutMs: number,
  ) {
    this.base = new URL(url.endsWith('/') ? url : `${url}/`);
    this.transport = this.base.protocol === 'https:' ? https : http;
    this.agent = new this.transport.Agent({ keepAlive: true, maxSockets: 64, keepAliveMsecs: 10_000 });
  }

  request(method: 'POST' | 'DELETE', path: string, json?: unknown): Promise<ProcessorResponse> {
    const payload = json === undefined ? undefined : JSON.stringify(json);
    const headers: Record<string, string | number> = {};
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(payload);
    }
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    return new Promise((resolve, reject) => {
      const req = this.transport.request(
        new URL(path.replace(/^\//, ''), this.base),
        { method, headers, agent: this.agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
          );
          res.on('error', (e) => reject(new ProcessorUnreachableError(e.message, { cause: e })));
        },
      );
      const deadline = setTimeout(
        () => req.destroy(new Error(`no answer within ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
      req.on('close', () => clearTimeout(deadline));
      req.on('error', (e) => reject(new ProcessorUnreachableError(e.message, { cause: e })));
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
